package io.convscope.occlusion;

/** Spreads one value per window over the pixels it covers, averaging where windows overlap. */
final class PixelAverager {
    private PixelAverager() {
    }

    /** {@code height x width} means of {@code perWindow} (window order) over the windows covering each pixel. */
    static float[] average(WindowGrid grid, float[] perWindow) {
        int h = grid.height();
        int w = grid.width();
        double[] sum = new double[h * w];
        int[] count = new int[h * w];
        for (int i = 0; i < grid.rows(); i++) {
            int y1 = Math.min(h, grid.top(i) + grid.window().height());
            for (int j = 0; j < grid.cols(); j++) {
                float v = perWindow[i * grid.cols() + j];
                int x1 = Math.min(w, grid.left(j) + grid.window().width());
                for (int y = grid.top(i); y < y1; y++) {
                    for (int x = grid.left(j); x < x1; x++) {
                        sum[y * w + x] += v;
                        count[y * w + x]++;
                    }
                }
            }
        }
        float[] out = new float[h * w];
        for (int p = 0; p < out.length; p++) {
            out[p] = count[p] == 0 ? 0f : (float) (sum[p] / count[p]);
        }
        return out;
    }
}
