package io.convscope.filters;

import io.convscope.model.ConvWeights;

/** Maps the weights of one tile to intensities in [0, 1] by a {@link FilterNorm}. */
final class FilterScaler {
    private final ConvWeights weights;
    private final FilterNorm norm;
    private final double layerMin;
    private final double layerMax;

    FilterScaler(ConvWeights weights, FilterNorm norm) {
        this.weights = weights;
        this.norm = norm;
        double[] range = range(weights.values(), 0, weights.values().length);
        this.layerMin = range[0];
        this.layerMax = range[1];
    }

    double layerMin() {
        return layerMin;
    }

    double layerMax() {
        return layerMax;
    }

    /** All channels of one filter, in (channel, y, x) order. */
    double[] filter(int f) {
        int size = weights.channels() * weights.height() * weights.width();
        return scale(f * size, size, f);
    }

    /** One channel of one filter, in (y, x) order. */
    double[] channel(int f, int c) {
        int size = weights.height() * weights.width();
        return scale((f * weights.channels() + c) * size, size, f);
    }

    private double[] scale(int offset, int length, int filter) {
        float[] v = weights.values();
        double[] out = new double[length];
        switch (norm) {
            case MINMAX -> {
                double[] r = range(v, offset, length);
                fillLinear(v, offset, out, r[0], r[1]);
            }
            case GLOBAL -> fillLinear(v, offset, out, layerMin, layerMax);
            case ZSCORE -> {
                int size = weights.channels() * weights.height() * weights.width();
                int start = filter * size;
                double mean = 0;
                for (int i = start; i < start + size; i++) {
                    mean += v[i];
                }
                mean /= size;
                double var = 0;
                for (int i = start; i < start + size; i++) {
                    var += (v[i] - mean) * (v[i] - mean);
                }
                double std = Math.sqrt(var / size);
                for (int i = 0; i < length; i++) {
                    out[i] = std == 0 ? 0.5 : Math.min(1, Math.max(0, (v[offset + i] - mean) / std + 0.5));
                }
            }
            default -> throw new IllegalStateException("unhandled norm " + norm);
        }
        return out;
    }

    private static void fillLinear(float[] v, int offset, double[] out, double min, double max) {
        for (int i = 0; i < out.length; i++) {
            out[i] = max == min ? 0.5 : (v[offset + i] - min) / (max - min);
        }
    }

    private static double[] range(float[] v, int offset, int length) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = offset; i < offset + length; i++) {
            min = Math.min(min, v[i]);
            max = Math.max(max, v[i]);
        }
        return new double[] {min, max};
    }
}
