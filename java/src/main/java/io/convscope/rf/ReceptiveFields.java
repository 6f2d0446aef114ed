package io.convscope.rf;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.convscope.UsageException;
import io.convscope.image.Input;
import io.convscope.model.TorchModel;
import io.convscope.render.Raster;
import io.convscope.model.LayerGeometry;
import io.convscope.model.LayerInfo;
import io.convscope.model.LayerInventory;

/**
 * The receptive field of every layer of a model, from the kernel, stride, padding and dilation of its
 * convolutions and pools, as in Araujo, Norris and Sim, "Computing Receptive Fields of Convolutional Neural
 * Networks" (Distill, 2019). A padding module (ZeroPad2d) is a window of 1 with stride 1 whose padding may differ
 * before and after. Through a window layer with effective kernel {@code k' = d * (k - 1) + 1}:
 * <pre>
 *   r     = r_in + (k' - 1) * j_in
 *   start = start_in + ((k' - 1) / 2 - padding) * j_in
 *   j     = j_in * stride
 * </pre>
 * starting from {@code r = 1, j = 1, start = 0} at the input (pixel centres, 0-based; see {@link ReceptiveField}).
 *
 * <p>Modules are followed as the model nests them. A Sequential chains its children. Any other module with
 * children (the model itself, ResNet's BasicBlock and Bottleneck) chains its children in registration order
 * except a shortcut branch named {@code downsample} or {@code shortcut}: the remaining main path is the longest
 * path through a residual block, so it decides the block's receptive field (the shortcut's own field, from the
 * block's input, is computed too). Activations, BatchNorm and Dropout pass the field through. Adaptive pools keep
 * it when their output size equals their input size (then they do nothing) and are otherwise global, as are
 * Linear and Flatten and everything after them. After a module of any other type the fields are unknown. Every
 * computed output size is checked against the inventory's dry run (see {@link #checkedAgainstDryRun}).
 */
public final class ReceptiveFields {
    private static final Set<String> SHORTCUT_NAMES = Set.of("downsample", "shortcut");

    private final LayerInventory inventory;
    private final Map<String, ReceptiveField> fields = new HashMap<>();

    private ReceptiveFields(LayerInventory inventory) {
        this.inventory = inventory;
    }

    /**
     * The door to receptive fields: the field of {@code spec}'s unit (the centre one unless given) of its layer,
     * drawn over {@code image} prepared as the model sees it, or over a plain gray input when it is null.
     */
    public static RfResult run(TorchModel model, RfSpec spec, Input image) {
        LayerInfo layer = model.layers().find(spec.layer());
        ReceptiveField field = of(model.layers()).located(layer);
        long[] unit = spec.unit() != null ? spec.unit() : field.centreUnit();
        int size = model.card().crop();
        Raster picture = image == null ? null : image.prepare(model.card()).picture();
        RfPicture drawn = ReceptiveFieldPicture.draw(picture, size, size, field, unit,
                model.file().getFileName() + " | " + layer.path() + " (" + layer.type() + ")");
        return new RfResult(model.file(), layer, field, unit, drawn);
    }

    /** Fields for the input size of the model card (the inventory's dry-run input). */
    public static ReceptiveFields of(LayerInventory inventory) {
        long[] input = inventory.inputShape();
        ReceptiveFields all = new ReceptiveFields(inventory);
        ReceptiveField.Axis rows = new ReceptiveField.Axis(1, 1, 0, input[input.length - 2]);
        ReceptiveField.Axis cols = new ReceptiveField.Axis(1, 1, 0, input[input.length - 1]);
        all.chain(inventory.childrenOf(""), ReceptiveField.of(rows, cols), false);
        return all;
    }

    /** The layer's field; empty when convscope cannot follow the model up to it. */
    public Optional<ReceptiveField> get(LayerInfo layer) {
        return Optional.ofNullable(fields.get(layer.path()));
    }

    /** The layer's field for drawing: known and not global, else a usage error that says why. */
    public ReceptiveField located(LayerInfo layer) {
        ReceptiveField field = fields.get(layer.path());
        if (field == null) {
            throw new UsageException("the receptive field of " + layer.path() + " (" + layer.type() + ") is unknown: "
                    + "convscope follows Conv2d, MaxPool2d, AvgPool2d, ZeroPad2d, adaptive pools, activations, "
                    + "BatchNorm, Dropout, Sequentials and residual blocks; pick an earlier layer (see convscope "
                    + "layers)");
        }
        if (field.global()) {
            throw new UsageException("every unit of " + layer.path() + " (" + layer.type() + ") sees the whole "
                    + "input, so there is no receptive field to draw; pick a layer before the global pooling");
        }
        return field;
    }

    /**
     * The deepest convolution whose units see a part of the input, not all of it: the last convolution of
     * almost every CNN, and the layer whose receptive field and feature maps say most about what it looks at.
     */
    public LayerInfo lastLocalConvolution() {
        List<LayerInfo> convolutions = inventory.convolutions();
        for (int i = convolutions.size() - 1; i >= 0; i--) {
            LayerInfo conv = convolutions.get(i);
            if (get(conv).filter(f -> !f.global()).isPresent()) {
                return conv;
            }
        }
        if (convolutions.isEmpty()) {
            throw new UsageException("layer", "this model has no Conv2d layers; name a layer (see convscope "
                    + "layers)");
        }
        throw new UsageException("layer", "no convolution of this model has a known receptive field; name a "
                + "layer (see convscope layers)");
    }

    /** Runs {@code in} through {@code layers} in order; a block skips its shortcut branch. Null means unknown. */
    private ReceptiveField chain(List<LayerInfo> layers, ReceptiveField in, boolean sequential) {
        ReceptiveField current = in;
        for (LayerInfo layer : layers) {
            if (!sequential && SHORTCUT_NAMES.contains(layer.name())) {
                through(layer, in);
            } else {
                current = through(layer, current);
            }
        }
        return current;
    }

    private ReceptiveField through(LayerInfo layer, ReceptiveField in) {
        LayerGeometry g = layer.geometry();
        ReceptiveField out;
        if (g.kind() == LayerGeometry.Kind.CONTAINER) {
            out = chain(inventory.childrenOf(layer.path()), in, layer.type().equals("Sequential"));
        } else if (in == null || in.global()) {
            // Unknown stays unknown; and once every unit sees the whole input, so does everything after it.
            out = in;
        } else {
            out = switch (g.kind()) {
                case WINDOW -> window(g, in);
                case ADAPTIVE -> adaptive(g, in);
                case ELEMENTWISE -> in;
                case DENSE -> ReceptiveField.wholeInput();
                default -> null;
            };
        }
        out = checkedAgainstDryRun(layer, out);
        if (out != null) {
            fields.put(layer.path(), out);
        }
        return out;
    }

    /**
     * The module tree does not show what a model's forward does between modules: {@code torch.flatten(x, 1)}
     * before AlexNet's classifier, or a functional pool. The dry run's output shapes do, so a layer whose output
     * is no longer a feature map counts as global, and one whose map size differs from the computed one gets an
     * unknown field rather than a wrong one.
     */
    private static ReceptiveField checkedAgainstDryRun(LayerInfo layer, ReceptiveField computed) {
        long[] shape = layer.outputShape();
        if (computed == null || computed.global() || shape.length == 0) {
            return computed;
        }
        if (shape.length != 4) {
            return ReceptiveField.wholeInput();
        }
        boolean agrees = shape[2] == computed.rows().outputSize() && shape[3] == computed.cols().outputSize();
        return agrees ? computed : null;
    }

    private static ReceptiveField window(LayerGeometry g, ReceptiveField in) {
        ReceptiveField.Axis rows = window(g, 0, in.rows());
        ReceptiveField.Axis cols = window(g, 1, in.cols());
        return rows == null || cols == null ? null : ReceptiveField.of(rows, cols);
    }

    private static ReceptiveField.Axis window(LayerGeometry g, int axis, ReceptiveField.Axis in) {
        long k = g.effectiveKernel(axis);
        long stride = g.stride()[axis];
        long before = g.padding()[axis];
        long after = g.paddingAfter()[axis];
        long output = outputSize(in.outputSize(), k, stride, before, after, g.ceilMode());
        if (output < 1 || stride < 1) {
            return null; // the layer cannot run on this input size
        }
        return new ReceptiveField.Axis(in.size() + (k - 1) * in.jump(), in.jump() * stride,
                in.start() + ((k - 1) / 2.0 - before) * in.jump(), output);
    }

    /**
     * PyTorch's output size: {@code floor((n + pad - k') / s) + 1}; with {@code ceil_mode} it rounds up instead,
     * except that the last window must start inside the input or its leading padding.
     */
    static long outputSize(long n, long k, long stride, long before, long after, boolean ceilMode) {
        long span = n + before + after - k;
        if (span < 0) {
            return 0;
        }
        long out = (ceilMode ? Math.floorDiv(span + stride - 1, stride) : Math.floorDiv(span, stride)) + 1;
        if (ceilMode && (out - 1) * stride >= n + before) {
            out--;
        }
        return out;
    }

    private static ReceptiveField adaptive(LayerGeometry g, ReceptiveField in) {
        int[] target = g.outputSize();
        boolean keepsRows = target[0] == 0 || target[0] == in.rows().outputSize();
        boolean keepsCols = target[1] == 0 || target[1] == in.cols().outputSize();
        // Equal sizes make every bin one pixel: the pool is the identity. Otherwise bins differ in size and
        // position from unit to unit, so no single (size, jump, start) describes them.
        return keepsRows && keepsCols ? in : ReceptiveField.wholeInput();
    }
}
