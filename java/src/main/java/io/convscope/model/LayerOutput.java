package io.convscope.model;

import java.util.Arrays;

/**
 * What one layer produced for one input, copied out of LibTorch as float32 in C order.
 *
 * @param layer  the layer's path
 * @param shape  the output's shape, batch dimension included ({@code 1 x C x H x W} for a feature map)
 * @param values {@code shape}'s product of floats
 */
public record LayerOutput(String layer, long[] shape, float[] values) {
    public LayerOutput {
        long n = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        if (n != values.length) {
            throw new IllegalArgumentException("shape " + LayerInfo.format(shape) + " needs " + n + " values, got "
                    + values.length);
        }
    }
}
