package io.convscope.render;

import java.util.List;

/**
 * A signed per-pixel map blended over the picture it was computed on, with a diverging colour scale centred
 * on 0, a colorbar with numeric ticks and a title. Strong values show their colour, values near 0 let the
 * picture through.
 */
public final class Overlay {
    /** Small inputs (64 x 64) are enlarged by an integer factor to at least this many pixels a side. */
    static final int MIN_DISPLAY = 256;
    private static final double MAX_ALPHA = 0.7;

    private Overlay() {
    }

    /**
     * @param picture the input as the model saw it (after resize and crop)
     * @param map     {@code picture.height() x picture.width()} values, row-major
     * @param title   lines above the picture
     */
    public static Raster render(Raster picture, float[] map, List<String> title) {
        int w = picture.width();
        int h = picture.height();
        if (map.length != w * h) {
            throw new IllegalArgumentException("map has " + map.length + " values for a " + w + "x" + h + " picture");
        }
        double limit = 0;
        for (float v : map) {
            limit = Math.max(limit, Math.abs(v));
        }
        Colormap colors = Colormap.diverging();
        Raster blended = new Raster(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double v = map[y * w + x];
                double strength = limit == 0 ? 0 : Math.abs(v) / limit;
                Rgb base = picture.get(x, y);
                Rgb tint = colors.color(limit == 0 ? 0.5 : 0.5 + 0.5 * v / limit);
                double a = MAX_ALPHA * strength;
                blended.set(x, y, new Rgb(blend(base.r(), tint.r(), a), blend(base.g(), tint.g(), a),
                        blend(base.b(), tint.b(), a)));
            }
        }
        int factor = Math.max(1, (MIN_DISPLAY + Math.min(w, h) - 1) / Math.min(w, h));
        Raster shown = blended.upscale(factor);
        Raster bar = Colorbar.vertical(colors, -limit, limit, shown.height());
        TileSheet.Builder sheet = TileSheet.builder(List.of(shown), 1).sidePanel(bar);
        title.forEach(sheet::titleLine);
        return sheet.build().raster();
    }

    private static int blend(int base, int tint, double alpha) {
        return (int) Math.round(base * (1 - alpha) + tint * alpha);
    }
}
