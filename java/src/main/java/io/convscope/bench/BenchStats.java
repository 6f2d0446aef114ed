package io.convscope.bench;

import java.util.Arrays;

/** The statistic every benchmark reports: the median of its timed runs. */
public final class BenchStats {
    private BenchStats() {
    }

    /** {@code v} to two decimals, as the occlusion and concurrency rows print rates and ratios. */
    public static double hundredths(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /** The middle value; for an even count, the mean of the two middle ones. */
    public static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
