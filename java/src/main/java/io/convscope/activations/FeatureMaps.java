package io.convscope.activations;

import java.util.Comparator;
import java.util.stream.IntStream;

import io.convscope.UsageException;
import io.convscope.model.LayerInfo;
import io.convscope.model.LayerOutput;

/**
 * The feature maps one layer produced for one image: {@code values[(c * height + y) * width + x]} is map c at
 * row y, column x, exactly as the layer output them (batch 1, C order).
 */
public record FeatureMaps(String layer, int channels, int height, int width, float[] values) {
    public FeatureMaps {
        if (values.length != (long) channels * height * width) {
            throw new IllegalArgumentException("values holds " + values.length + " floats, shape needs "
                    + (long) channels * height * width);
        }
    }

    /** The maps in a layer's output, which must be {@code 1 x C x H x W}. */
    public static FeatureMaps of(LayerOutput output) {
        long[] s = output.shape();
        if (s.length != 4 || s[0] != 1) {
            throw new UsageException("layer " + output.layer() + " outputs " + LayerInfo.format(s)
                    + ", not feature maps (1xCxHxW); pick a convolution, pooling or activation layer before the "
                    + "classifier");
        }
        return new FeatureMaps(output.layer(), (int) s[1], (int) s[2], (int) s[3], output.values());
    }

    public float at(int channel, int y, int x) {
        return values[(channel * height + y) * width + x];
    }

    /** Mean of map {@code channel}, in double precision. */
    public double mean(int channel) {
        int plane = height * width;
        double sum = 0;
        for (int i = channel * plane; i < (channel + 1) * plane; i++) {
            sum += values[i];
        }
        return sum / plane;
    }

    /** Channel indices by mean activation, highest first; equal means keep channel order. */
    public int[] byMeanDescending() {
        double[] means = IntStream.range(0, channels).mapToDouble(this::mean).toArray();
        return IntStream.range(0, channels).boxed()
                .sorted(Comparator.comparingDouble((Integer c) -> -means[c]))
                .mapToInt(Integer::intValue).toArray();
    }

    public long[] shape() {
        return new long[] {1, channels, height, width};
    }
}
