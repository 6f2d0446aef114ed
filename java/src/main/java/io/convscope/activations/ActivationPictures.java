package io.convscope.activations;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.convscope.render.Colormap;
import io.convscope.render.Raster;
import io.convscope.render.TileSheet;

/**
 * Draws feature maps as a grid of colormapped tiles, highest mean activation first. Each map is scaled on
 * its own ({@code (v - min) / (max - min)}), so every tile uses the whole colormap and shows where in the image
 * that map responds, not how strongly compared with the others (the tile label and the ordering say that).
 * A constant map is mid-colour. Each activation is a solid {@code scale x scale} block. Tile i is the i-th
 * map in {@link FeatureMaps#byMeanDescending()} order.
 */
public final class ActivationPictures {
    private static final int TARGET_TILE = 48;

    private ActivationPictures() {
    }

    public static TileSheet render(FeatureMaps maps, ActivationSpec spec, String heading) {
        Colormap map = Colormap.named(spec.effectiveColormap());
        int scale = spec.scale() > 0 ? spec.scale() : autoScale(Math.max(maps.height(), maps.width()));
        int[] order = maps.byMeanDescending();
        int shown = spec.top() == 0 ? maps.channels() : Math.min(spec.top(), maps.channels());
        List<Raster> tiles = new ArrayList<>(shown);
        List<String> labels = new ArrayList<>(shown);
        for (int i = 0; i < shown; i++) {
            int c = order[i];
            tiles.add(tile(maps, c, map).upscale(scale));
            labels.add("c" + c);
        }
        int columns = (int) Math.ceil(Math.sqrt(shown));
        return TileSheet.builder(tiles, columns).gap(2).tileLabels(labels)
                .titleLine(heading + " | output " + maps.channels() + "x" + maps.height() + "x" + maps.width())
                .titleLine(String.format(Locale.ROOT, "%s by mean activation (c%d: %.4g), min-max per map, %s, "
                        + "%d px per unit", shown == maps.channels() ? "all " + shown + " maps" : "top " + shown
                        + " of " + maps.channels() + " maps", order[0], maps.mean(order[0]), map.name(), scale))
                .build();
    }

    /** Tiles of about 48 px: 55x55 maps stay 1:1, 13x13 maps get 4 px per unit. */
    static int autoScale(int side) {
        return Math.max(1, (TARGET_TILE + side - 1) / side);
    }

    private static Raster tile(FeatureMaps maps, int c, Colormap map) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int y = 0; y < maps.height(); y++) {
            for (int x = 0; x < maps.width(); x++) {
                min = Math.min(min, maps.at(c, y, x));
                max = Math.max(max, maps.at(c, y, x));
            }
        }
        double range = max - min;
        Raster tile = new Raster(maps.width(), maps.height());
        for (int y = 0; y < maps.height(); y++) {
            for (int x = 0; x < maps.width(); x++) {
                double v = range > 0 ? (maps.at(c, y, x) - min) / range : 0.5;
                tile.set(x, y, map.color(v));
            }
        }
        return tile;
    }
}
