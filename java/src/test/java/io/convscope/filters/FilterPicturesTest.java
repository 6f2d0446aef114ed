package io.convscope.filters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.convscope.UsageException;
import io.convscope.model.ConvWeights;
import io.convscope.render.Box;
import io.convscope.render.Colormap;
import io.convscope.render.Rgb;
import io.convscope.render.TileSheet;

/**
 * Pixel values of rendered tiles against values worked out by hand. The layer is 2 filters x 3 channels x
 * 2 x 2 with weights 0..23 in PyTorch order, so filter 0 channel c holds 4c..4c+3 and filter 1 holds 12..23.
 */
class FilterPicturesTest {
    private static final ConvWeights ZERO_TO_23 = new ConvWeights("features.0", 2, 3, 2, 2, range(24));
    private static final int SCALE = 3;

    private static float[] range(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        return v;
    }

    private static int level(double v) {
        return (int) Math.round(v * 255);
    }

    /** Colour of weight (y, x) of tile {@code tile}, checked to fill its whole nearest-neighbour block. */
    private static Rgb block(TileSheet sheet, int tile, int y, int x) {
        Box box = sheet.tile(tile);
        Rgb first = sheet.raster().get(box.x() + x * SCALE, box.y() + y * SCALE);
        for (int dy = 0; dy < SCALE; dy++) {
            for (int dx = 0; dx < SCALE; dx++) {
                assertEquals(first, sheet.raster().get(box.x() + x * SCALE + dx, box.y() + y * SCALE + dy),
                        "each weight is one solid block");
            }
        }
        return first;
    }

    private static TileSheet render(FilterMode mode, FilterNorm norm, String colormap) {
        return FilterPictures.render(ZERO_TO_23, new FilterSpec("features.0", mode, norm, colormap, SCALE), "t.pt");
    }

    /** The intensity DESIGN.md gives weight (f, c, i) of ZERO_TO_23 under each norm, computed from scratch. */
    private static double expectedIntensity(FilterMode mode, FilterNorm norm, int f, int c, int i) {
        double w = (f * 3 + c) * 4 + i;
        return switch (norm) {
            // rgb tiles are whole filters (12 weights from 12f); channel tiles are 4 weights from 4(3f + c).
            case MINMAX -> mode == FilterMode.RGB ? (w - 12 * f) / 11.0 : (w - 4 * (3 * f + c)) / 3.0;
            case ZSCORE -> Math.min(1, Math.max(0, (w - (12 * f + 5.5)) / Math.sqrt(143 / 12.0) + 0.5));
            case GLOBAL -> w / 23.0;
        };
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> everyModeAndNorm() {
        return java.util.Arrays.stream(FilterMode.values()).flatMap(mode -> java.util.Arrays.stream(FilterNorm.values())
                .map(norm -> org.junit.jupiter.params.provider.Arguments.of(mode, norm)));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} {1}")
    @org.junit.jupiter.params.provider.MethodSource("everyModeAndNorm")
    void everyPixelOfEveryTileMatchesTheFormulaForEveryModeAndNorm(FilterMode mode, FilterNorm norm) {
        TileSheet sheet = render(mode, norm, mode == FilterMode.RGB ? null : "gray");
        for (int f = 0; f < 2; f++) {
            for (int i = 0; i < 4; i++) {
                if (mode == FilterMode.RGB) {
                    Rgb expected = new Rgb(level(expectedIntensity(mode, norm, f, 0, i)),
                            level(expectedIntensity(mode, norm, f, 1, i)), level(expectedIntensity(mode, norm, f, 2, i)));
                    assertEquals(expected, block(sheet, f, i / 2, i % 2), "filter " + f + " weight " + i);
                } else {
                    for (int c = 0; c < 3; c++) {
                        assertEquals(Rgb.gray(expectedIntensity(mode, norm, f, c, i)),
                                block(sheet, f * 3 + c, i / 2, i % 2), "filter " + f + " channel " + c + " weight " + i);
                    }
                }
            }
        }
    }

    @Test
    void rgbMinMaxScalesEachFilterOverAllItsChannels() {
        TileSheet sheet = render(FilterMode.RGB, FilterNorm.MINMAX, null);
        assertEquals(2, sheet.tileCount());
        assertEquals(new Box(sheet.tile(0).x(), sheet.tile(0).y(), 6, 6), sheet.tile(0));
        // Filter 0 spans 0..11: pixel (y, x) is (R, G, B) = (w[0,y,x], w[1,y,x], w[2,y,x]) / 11.
        assertEquals(new Rgb(0, level(4 / 11.0), level(8 / 11.0)), block(sheet, 0, 0, 0));
        assertEquals(new Rgb(level(3 / 11.0), level(7 / 11.0), 255), block(sheet, 0, 1, 1));
        // Filter 1 spans 12..23, so it looks exactly like filter 0.
        assertEquals(block(sheet, 0, 0, 1), block(sheet, 1, 0, 1));
    }

    @Test
    void zscoreIsTheArticleFormulaPerFilter() {
        TileSheet sheet = render(FilterMode.RGB, FilterNorm.ZSCORE, null);
        // plot_weights: npimg = (npimg - mean) / std; npimg = minimum(1, maximum(0, npimg + 0.5)), numpy std.
        double mean = 5.5;
        double std = Math.sqrt((12 * 12 - 1) / 12.0);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 2; x++) {
                int i = y * 2 + x;
                double[] rgb = new double[3];
                for (int c = 0; c < 3; c++) {
                    rgb[c] = Math.min(1, Math.max(0, (4 * c + i - mean) / std + 0.5));
                }
                assertEquals(new Rgb(level(rgb[0]), level(rgb[1]), level(rgb[2])), block(sheet, 0, y, x));
            }
        }
        // Weight 5 (channel 1, green, at y 0 x 1) is just below the mean: 0.5 - 0.5 / 3.4521 = 0.3552 -> 91.
        assertEquals(91, block(sheet, 0, 0, 1).g());
    }

    @Test
    void channelTilesAreMinMaxPerTileThroughTheColormap() {
        TileSheet sheet = render(FilterMode.CHANNELS, null, "gray");
        assertEquals(6, sheet.tileCount());
        // Tile f * 3 + c; filter 1 channel 2 holds 20, 21, 22, 23 -> 0, 1/3, 2/3, 1.
        assertEquals(Rgb.gray(0), block(sheet, 5, 0, 0));
        assertEquals(new Rgb(85, 85, 85), block(sheet, 5, 0, 1));
        assertEquals(new Rgb(170, 170, 170), block(sheet, 5, 1, 0));
        assertEquals(Rgb.WHITE, block(sheet, 5, 1, 1));
        // Rows are filters and columns channels: tile 1 is right of tile 0, tile 3 below it.
        assertEquals(sheet.tile(0).y(), sheet.tile(1).y());
        assertTrue(sheet.tile(1).x() > sheet.tile(0).x());
        assertEquals(sheet.tile(0).x(), sheet.tile(3).x());
        assertTrue(sheet.tile(3).y() > sheet.tile(0).y());
    }

    @Test
    void collatedSharesOneScaleForTheWholeLayer() {
        TileSheet sheet = render(FilterMode.COLLATED, null, "gray");
        for (int f = 0; f < 2; f++) {
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < 4; i++) {
                    int w = (f * 3 + c) * 4 + i;
                    assertEquals(Rgb.gray(w / 23.0), block(sheet, f * 3 + c, i / 2, i % 2), "weight " + w);
                }
            }
        }
    }

    @Test
    void channelTilesUseTheNamedOpenCvColormap() {
        TileSheet sheet = render(FilterMode.CHANNELS, FilterNorm.GLOBAL, "viridis");
        // OpenCV's viridis starts at (68, 1, 84) and ends at (253, 231, 37).
        assertEquals(new Rgb(68, 1, 84), block(sheet, 0, 0, 0));
        assertEquals(new Rgb(253, 231, 37), block(sheet, 5, 1, 1));
        assertEquals(Colormap.named("viridis").color(10 / 23.0), block(sheet, 2, 1, 0));
    }

    @Test
    void aConstantFilterIsMidGrayUnderEveryNorm() {
        float[] constant = new float[12];
        java.util.Arrays.fill(constant, 1.5f);
        ConvWeights weights = new ConvWeights("c", 1, 3, 2, 2, constant);
        for (FilterNorm norm : FilterNorm.values()) {
            TileSheet rgb = FilterPictures.render(weights, new FilterSpec("c", FilterMode.RGB, norm, null, SCALE), "t");
            assertEquals(new Rgb(128, 128, 128), block(rgb, 0, 1, 1), norm + " rgb");
            TileSheet gray = FilterPictures.render(weights, new FilterSpec("c", FilterMode.CHANNELS, norm, "gray",
                    SCALE), "t");
            assertEquals(new Rgb(128, 128, 128), block(gray, 2, 0, 0), norm + " channels");
        }
    }

    @Test
    void rgbNeedsThreeInputChannelsAndSaysWhatToUseInstead() {
        ConvWeights gray = new ConvWeights("features.0", 4, 1, 3, 3, range(36));
        UsageException e = assertThrows(UsageException.class,
                () -> FilterPictures.render(gray, FilterSpec.of("features.0", FilterMode.RGB), "t"));
        assertEquals("mode rgb needs a layer with 3 input channels, and features.0 has 1; use mode channels or "
                + "collated", e.getMessage());
        assertEquals(2, e.exitCode());
    }

    @Test
    void automaticScaleMakesTilesComfortablyLarge() {
        assertEquals(4, FilterPictures.autoScale(FilterMode.RGB, 11));
        assertEquals(5, FilterPictures.autoScale(FilterMode.CHANNELS, 5));
        assertEquals(2, FilterPictures.autoScale(FilterMode.COLLATED, 5));
        assertEquals(1, FilterPictures.autoScale(FilterMode.COLLATED, 11));
    }

    @Test
    void automaticScaleShrinksHugeLayersToThePixelBudget() {
        // AlexNet features.8: 256 x 384 channel tiles of 3 x 3 would be 26 px cells (66 M pixels) at scale 8.
        ConvWeights big = new ConvWeights("features.8", 256, 384, 3, 3, new float[256 * 384 * 9]);
        int scale = FilterPictures.fitScale(FilterMode.CHANNELS, big);
        assertEquals(4, scale);
        assertTrue(256L * 384 * (3 * scale + 2) * (3 * scale + 2) <= FilterPictures.PIXEL_BUDGET);
        assertEquals(8, FilterPictures.fitScale(FilterMode.CHANNELS, new ConvWeights("s", 4, 4, 3, 3, new float[144])),
                "small layers keep the comfortable scale");
    }
}
