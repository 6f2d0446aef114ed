package io.convscope.model;

import java.util.Set;

import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.TupleElements;

/**
 * How a module moves pixels around, read from its TorchScript attributes: what a receptive-field calculation
 * needs and nothing else. Pairs are {@code {rows, columns}}.
 *
 * @param kind         which of the rules below applies
 * @param kernel       window size ({@link Kind#WINDOW}); the effective size is {@code dilation * (kernel - 1) + 1}
 * @param stride       window step ({@link Kind#WINDOW})
 * @param padding      zeros added before the first row / column ({@link Kind#WINDOW})
 * @param paddingAfter zeros added after the last row / column; equal to {@code padding} except for
 *                     {@code padding='same'} with an even effective kernel, where PyTorch pads one more after
 * @param dilation     spacing of the window's taps ({@link Kind#WINDOW}; 1 for pools that have none)
 * @param ceilMode     pools only: the output size rounds up, PyTorch's {@code ceil_mode}
 * @param outputSize   {@link Kind#ADAPTIVE} only: the fixed output size, 0 where PyTorch's is {@code None}
 *                     (that axis keeps its input size)
 */
public record LayerGeometry(Kind kind, int[] kernel, int[] stride, int[] padding, int[] paddingAfter,
                            int[] dilation, boolean ceilMode, int[] outputSize) {

    /** The rule a receptive-field calculation follows through a module. */
    public enum Kind {
        /**
         * Conv2d, MaxPool2d, AvgPool2d: a window with kernel, stride, padding and dilation; ZeroPad2d and
         * ConstantPad2d as a window of 1 with stride 1 and their padding.
         */
        WINDOW,
        /** AdaptiveAvgPool2d, AdaptiveMaxPool2d: a fixed output size, whatever the input size. */
        ADAPTIVE,
        /** Activations, eval-mode BatchNorm, Dropout, Identity: each output pixel depends on the same input pixel. */
        ELEMENTWISE,
        /** Linear, Flatten: every output depends on every input. */
        DENSE,
        /** A module with children (Sequential, a residual block, the model itself): follow the children. */
        CONTAINER,
        /** Anything else: convscope does not know how it maps pixels. */
        UNKNOWN
    }

    private static final Set<String> ELEMENTWISE_TYPES = Set.of("ReLU", "ReLU6", "LeakyReLU", "PReLU", "ELU",
            "SELU", "CELU", "GELU", "SiLU", "Mish", "Sigmoid", "Tanh", "Hardtanh", "Hardswish", "Hardsigmoid",
            "Softplus", "BatchNorm2d", "Dropout", "Dropout2d", "AlphaDropout", "Identity", "LocalResponseNorm");
    private static final Set<String> DENSE_TYPES = Set.of("Linear", "Flatten");
    private static final int[] NONE = new int[0];

    /** Geometry of a module that is not a window or adaptive pool. */
    public static LayerGeometry of(Kind kind) {
        return new LayerGeometry(kind, NONE, NONE, NONE, NONE, NONE, false, NONE);
    }

    /** Geometry of a window layer with equal padding on both sides. */
    public static LayerGeometry window(int[] kernel, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        return new LayerGeometry(Kind.WINDOW, kernel, stride, padding, padding, dilation, ceilMode, NONE);
    }

    public static LayerGeometry adaptive(int[] outputSize) {
        return new LayerGeometry(Kind.ADAPTIVE, NONE, NONE, NONE, NONE, NONE, false, outputSize);
    }

    /** Window size after dilation, per axis. */
    public int effectiveKernel(int axis) {
        return dilation[axis] * (kernel[axis] - 1) + 1;
    }

    /**
     * Reads the geometry of one module. Only the types whose meaning we know are read; a module that merely
     * has a {@code stride} attribute (ResNet's BasicBlock) is a container, not a window.
     */
    static LayerGeometry read(JitModule module, String type, boolean hasChildren) {
        try {
            return readKnown(module, type, hasChildren);
        } catch (RuntimeException unreadable) {
            // An attribute of an unexpected shape costs this layer its receptive field, not the whole inventory.
            return of(Kind.UNKNOWN);
        }
    }

    private static LayerGeometry readKnown(JitModule module, String type, boolean hasChildren) {
        switch (type) {
            case "Conv2d": {
                int[] kernel = pair(module, "kernel_size");
                int[] dilation = pair(module, "dilation");
                IValue padding = module.attr("padding");
                if (padding.isString()) {
                    return stringPadding(padding.toStringRef().getString(), kernel, pair(module, "stride"),
                            dilation);
                }
                return window(kernel, pair(module, "stride"), pair(padding, "padding"), dilation, false);
            }
            case "MaxPool2d":
                return window(pair(module, "kernel_size"), poolStride(module), pair(module, "padding"),
                        pair(module, "dilation"), module.attr("ceil_mode").toBool());
            case "AvgPool2d":
                return window(pair(module, "kernel_size"), poolStride(module), pair(module, "padding"),
                        new int[] {1, 1}, module.attr("ceil_mode").toBool());
            case "ZeroPad2d", "ConstantPad2d":
                return pad(module.attr("padding"));
            case "AdaptiveAvgPool2d", "AdaptiveMaxPool2d":
                return adaptive(pair(module.attr("output_size"), "output_size"));
            default:
                break;
        }
        if (hasChildren) {
            return of(Kind.CONTAINER);
        }
        if (ELEMENTWISE_TYPES.contains(type)) {
            return of(Kind.ELEMENTWISE);
        }
        return of(DENSE_TYPES.contains(type) ? Kind.DENSE : Kind.UNKNOWN);
    }

    /** {@code padding='valid'} is no padding; {@code 'same'} pads {@code k'-1} in all, the odd pixel after. */
    private static LayerGeometry stringPadding(String mode, int[] kernel, int[] stride, int[] dilation) {
        int[] before = new int[2];
        int[] after = new int[2];
        if (mode.equals("same")) {
            for (int axis = 0; axis < 2; axis++) {
                int total = dilation[axis] * (kernel[axis] - 1);
                before[axis] = total / 2;
                after[axis] = total - total / 2;
            }
        }
        return new LayerGeometry(Kind.WINDOW, kernel, stride, before, after, dilation, false, NONE);
    }

    /**
     * A padding module is a window of one pixel that moves nothing and adds rows and columns: PyTorch's
     * {@code (left, right, top, bottom)} become padding before {@code {top, left}} and after
     * {@code {bottom, right}}. TensorFlow's "same" padding, ported as {@code ZeroPad2d((0, 1, 0, 1))}, pads only
     * after, so the field's start stays put; padding before moves it back by that many pixels.
     */
    private static LayerGeometry pad(IValue padding) {
        int[] p;
        if (padding.isInt()) {
            int v = Math.toIntExact(padding.toInt());
            p = new int[] {v, v, v, v};
        } else if (padding.isTuple() && padding.toTuple().elements().size() == 4) {
            TupleElements e = padding.toTuple().elements();
            p = new int[] {single(e.get(0), "padding"), single(e.get(1), "padding"), single(e.get(2), "padding"),
                    single(e.get(3), "padding")};
        } else if (padding.isIntList() && padding.toIntVector().get().length == 4) {
            long[] l = padding.toIntVector().get();
            p = new int[] {Math.toIntExact(l[0]), Math.toIntExact(l[1]), Math.toIntExact(l[2]),
                    Math.toIntExact(l[3])};
        } else {
            throw new IllegalStateException("attribute padding is neither an int nor four ints");
        }
        int[] one = {1, 1};
        return new LayerGeometry(Kind.WINDOW, one, one, new int[] {p[2], p[0]}, new int[] {p[3], p[1]}, one, false,
                NONE);
    }

    /** nn.MaxPool2d(k) stores stride = kernel_size; a scripted module may still hold None or an empty tuple. */
    private static int[] poolStride(JitModule module) {
        IValue stride = module.attr("stride");
        boolean unset = stride.isNone() || (stride.isTuple() && stride.toTuple().elements().size() == 0)
                || (stride.isIntList() && stride.toIntVector().get().length == 0);
        return unset ? pair(module, "kernel_size") : pair(stride, "stride");
    }

    private static int[] pair(JitModule module, String name) {
        return pair(module.attr(name), name);
    }

    /** An int, or a tuple or list of two ints (None counts as 0: "keep the input size" in adaptive pools). */
    private static int[] pair(IValue value, String name) {
        if (value.isInt()) {
            int v = Math.toIntExact(value.toInt());
            return new int[] {v, v};
        }
        if (value.isNone()) {
            return new int[] {0, 0};
        }
        if (value.isTuple()) {
            TupleElements elements = value.toTuple().elements();
            if (elements.size() == 2) {
                return new int[] {single(elements.get(0), name), single(elements.get(1), name)};
            }
        }
        if (value.isIntList()) {
            long[] list = value.toIntVector().get();
            if (list.length == 2) {
                return new int[] {Math.toIntExact(list[0]), Math.toIntExact(list[1])};
            }
        }
        throw new IllegalStateException("attribute " + name + " is neither an int nor a pair of ints");
    }

    private static int single(IValue value, String name) {
        if (value.isNone()) {
            return 0;
        }
        if (!value.isInt()) {
            throw new IllegalStateException("attribute " + name + " holds a value that is not an int");
        }
        return Math.toIntExact(value.toInt());
    }
}
