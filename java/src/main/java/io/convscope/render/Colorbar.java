package io.convscope.render;

import java.util.Locale;

/** A vertical colour scale with numeric ticks, top = {@code max}, bottom = {@code min}. */
public final class Colorbar {
    private static final int BAR_WIDTH = 16;
    private static final int TICKS = 5;

    private Colorbar() {
    }

    public static Raster vertical(Colormap map, double min, double max, int barHeight) {
        int height = Math.max(barHeight, TICKS * (TileSheet.LABEL_TEXT + 4));
        String[] labels = new String[TICKS];
        int labelWidth = 0;
        for (int i = 0; i < TICKS; i++) {
            labels[i] = tick(max - (max - min) * i / (TICKS - 1));
            labelWidth = Math.max(labelWidth, Text.measure(labels[i], TileSheet.LABEL_TEXT)[0]);
        }
        Raster bar = new Raster(BAR_WIDTH + 6 + labelWidth, height + 2 * TileSheet.LABEL_TEXT, TileSheet.BACKGROUND);
        int top = TileSheet.LABEL_TEXT;
        for (int y = 0; y < height; y++) {
            double v = 1.0 - (double) y / (height - 1);
            bar.fill(0, top + y, BAR_WIDTH, 1, map.color(v));
        }
        for (int i = 0; i < TICKS; i++) {
            int y = top + (height - 1) * i / (TICKS - 1);
            bar.fill(BAR_WIDTH, y, 3, 1, TileSheet.INK);
            Text.draw(bar, labels[i], BAR_WIDTH + 5, y - TileSheet.LABEL_TEXT / 2 - 1, TileSheet.LABEL_TEXT,
                    TileSheet.INK);
        }
        return bar;
    }

    static String tick(double v) {
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-3 || a >= 1e4)) {
            return String.format(Locale.ROOT, "%.2e", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
