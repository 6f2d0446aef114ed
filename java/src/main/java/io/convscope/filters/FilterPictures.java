package io.convscope.filters;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.convscope.UsageException;
import io.convscope.model.ConvWeights;
import io.convscope.model.LayerInfo;
import io.convscope.model.TorchModel;
import io.convscope.render.Colorbar;
import io.convscope.render.Colormap;
import io.convscope.render.Raster;
import io.convscope.render.Rgb;
import io.convscope.render.TileSheet;

/**
 * Draws the filters of one convolution as a tile sheet. Each weight becomes a solid block of
 * {@code scale x scale} pixels (nearest-neighbour upscaling), so nothing is smoothed away.
 * Tile order: rgb, filter f is tile f (row-major); channels and collated, tile {@code f * channels + c}.
 */
public final class FilterPictures {
    private FilterPictures() {
    }

    /**
     * The door to filter pictures: finds the convolution {@code spec.layer()} names, reads its weights from the
     * model and draws them; the spec's open settings follow the layer.
     */
    public static FilterResult run(TorchModel model, FilterSpec spec) {
        LayerInfo layer = model.layers().findConvolution(spec.layer());
        ConvWeights weights = ConvWeights.read(model, layer);
        return new FilterResult(model.file(), layer, weights, render(weights, spec,
                model.file().getFileName().toString()));
    }

    /** Resolves {@code spec.layer()} in {@code model}, reads its weights and draws them. */
    public static TileSheet render(TorchModel model, FilterSpec spec) {
        return run(model, spec).sheet();
    }

    public static TileSheet render(ConvWeights weights, FilterSpec given, String modelName) {
        FilterSpec spec = given.resolvedFor(weights.channels());
        FilterMode mode = spec.mode();
        FilterNorm norm = spec.effectiveNorm();
        if (mode == FilterMode.RGB && weights.channels() != 3) {
            throw UsageException.of("mode", "rgb needs a layer with 3 input channels, and " + weights.layer()
                    + " has " + weights.channels() + "; use mode channels or collated");
        }
        if (mode == FilterMode.RGB && spec.colormap() != null) {
            throw UsageException.of("colormap", "applies to the channels and collated modes; rgb tiles show the "
                    + "filter's own colours");
        }
        int scale = spec.scale() > 0 ? spec.scale() : fitScale(mode, weights);
        FilterScaler scaler = new FilterScaler(weights, norm);
        TileSheet.Builder sheet = switch (mode) {
            case RGB -> rgbSheet(weights, scaler, scale);
            case CHANNELS, COLLATED -> channelSheet(weights, scaler, Colormap.named(spec.effectiveColormap()),
                    scale, mode);
        };
        sheet.titleLine(modelName + " | " + weights.layer() + " | Conv2d weight "
                + LayerInfo.format(weights.shape()));
        sheet.titleLine(mode.cliName() + ", " + describe(norm, scaler) + (mode == FilterMode.RGB ? ""
                : ", " + spec.effectiveColormap()) + ", " + scale + " px per weight");
        if (mode != FilterMode.RGB && norm == FilterNorm.GLOBAL) {
            int gridHeight = Math.min(400, weights.filters() * (weights.height() * scale + 1));
            sheet.sidePanel(Colorbar.vertical(Colormap.named(spec.effectiveColormap()), scaler.layerMin(),
                    scaler.layerMax(), gridHeight));
        }
        return sheet.build();
    }

    /** Largest automatic picture, in pixels: beyond this PNG encoding dominates and viewers struggle. */
    static final long PIXEL_BUDGET = 24_000_000L;

    /** {@link #autoScale}, reduced until the sheet fits {@link #PIXEL_BUDGET} (never below 1). */
    static int fitScale(FilterMode mode, ConvWeights w) {
        int kernel = Math.max(w.height(), w.width());
        int tiles = mode == FilterMode.RGB ? w.filters() : w.filters() * w.channels();
        int gap = mode == FilterMode.COLLATED ? 1 : 2;
        int scale = autoScale(mode, kernel);
        while (scale > 1 && (long) tiles * (kernel * scale + gap) * (kernel * scale + gap) > PIXEL_BUDGET) {
            scale--;
        }
        return scale;
    }

    /** Tiles of about 44 px for rgb, 24 px per channel tile, 10 px in the collated matrix. */
    static int autoScale(FilterMode mode, int kernel) {
        int target = switch (mode) {
            case RGB -> 44;
            case CHANNELS -> 24;
            case COLLATED -> 10;
        };
        return Math.max(1, (target + kernel - 1) / kernel);
    }

    private static TileSheet.Builder rgbSheet(ConvWeights w, FilterScaler scaler, int scale) {
        List<Raster> tiles = new ArrayList<>(w.filters());
        List<String> labels = new ArrayList<>(w.filters());
        int plane = w.height() * w.width();
        for (int f = 0; f < w.filters(); f++) {
            double[] v = scaler.filter(f);
            Raster tile = new Raster(w.width(), w.height());
            for (int y = 0; y < w.height(); y++) {
                for (int x = 0; x < w.width(); x++) {
                    int i = y * w.width() + x;
                    tile.set(x, y, Rgb.of(v[i], v[plane + i], v[2 * plane + i]));
                }
            }
            tiles.add(tile.upscale(scale));
            labels.add(Integer.toString(f));
        }
        int columns = (int) Math.ceil(Math.sqrt(w.filters()));
        return TileSheet.builder(tiles, columns).gap(2).tileLabels(labels);
    }

    private static TileSheet.Builder channelSheet(ConvWeights w, FilterScaler scaler, Colormap map, int scale,
                                                  FilterMode mode) {
        List<Raster> tiles = new ArrayList<>(w.filters() * w.channels());
        for (int f = 0; f < w.filters(); f++) {
            for (int c = 0; c < w.channels(); c++) {
                double[] v = scaler.channel(f, c);
                Raster tile = new Raster(w.width(), w.height());
                for (int y = 0; y < w.height(); y++) {
                    for (int x = 0; x < w.width(); x++) {
                        tile.set(x, y, map.color(v[y * w.width() + x]));
                    }
                }
                tiles.add(tile.upscale(scale));
            }
        }
        List<String> rows = new ArrayList<>();
        for (int f = 0; f < w.filters(); f++) {
            rows.add("f" + f);
        }
        List<String> columns = new ArrayList<>();
        for (int c = 0; c < w.channels(); c++) {
            columns.add("c" + c);
        }
        return TileSheet.builder(tiles, w.channels()).gap(mode == FilterMode.COLLATED ? 1 : 2)
                .rowLabels(rows).columnLabels(columns);
    }

    private static String describe(FilterNorm norm, FilterScaler scaler) {
        return switch (norm) {
            case MINMAX -> "min-max per tile";
            case ZSCORE -> "z-score per filter";
            case GLOBAL -> String.format(Locale.ROOT, "one scale for the layer [%.4g, %.4g]", scaler.layerMin(),
                    scaler.layerMax());
        };
    }
}
