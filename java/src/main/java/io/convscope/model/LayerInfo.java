package io.convscope.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * One module of a model, named by its index path the way PyTorch prints it ({@code features.3},
 * {@code layer1.0.conv1}).
 *
 * @param path        dotted path from the model root
 * @param type        the module's class name without its package ({@code Conv2d}, {@code Sequential})
 * @param weightShape shape of its own {@code weight} parameter, empty when it has none
 * @param biasShape   shape of its own {@code bias} parameter, empty when it has none
 * @param outputShape shape of its output in the dry forward pass (batch 1), empty when it could not be traced
 * @param depth       nesting level, 0 for the root's children
 * @param geometry    kernel, stride, padding and dilation where the module has them, for receptive fields
 */
public record LayerInfo(String path, String type, long[] weightShape, long[] biasShape, long[] outputShape,
                        int depth, LayerGeometry geometry) {

    /** A layer whose geometry is not known. */
    public LayerInfo(String path, String type, long[] weightShape, long[] biasShape, long[] outputShape, int depth) {
        this(path, type, weightShape, biasShape, outputShape, depth,
                LayerGeometry.of(LayerGeometry.Kind.UNKNOWN));
    }

    /** A 2-D convolution, the only kind of layer whose filters can be drawn. */
    public boolean isConvolution() {
        return type.equals("Conv2d") && weightShape.length == 4;
    }

    public LayerInfo withOutputShape(long[] shape) {
        return new LayerInfo(path, type, weightShape, biasShape, shape, depth, geometry);
    }

    /** The dotted path of the module this one is a direct child of; empty for the root's children. */
    public String parentPath() {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? "" : path.substring(0, dot);
    }

    /** The last part of the path: {@code downsample} for {@code layer2.0.downsample}. */
    public String name() {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    /** {@code 64x3x11x11}, or {@code -} for no shape. */
    public static String format(long[] shape) {
        if (shape.length == 0) {
            return "-";
        }
        return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining("x"));
    }
}
