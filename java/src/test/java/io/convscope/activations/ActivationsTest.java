package io.convscope.activations;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.convscope.TestImages;
import io.convscope.TestModels;
import io.convscope.UsageException;
import io.convscope.image.ImageLoader;
import io.convscope.image.InputImage;
import io.convscope.image.Npy;
import io.convscope.model.Inference;
import io.convscope.model.LayerOutput;
import io.convscope.model.TorchModel;
import io.convscope.render.Box;
import io.convscope.render.Rgb;
import io.convscope.render.TileSheet;

/**
 * Feature maps of tiny.pt (card: 8x8, mean 0, std 1, so the tensor is pixel / 255) for an image that is black
 * but for one pure red pixel at row 3, column 4. conv0's weights are 0..23 in PyTorch order with zero bias, so
 * its output at (y, x) is {@code w[f, 0, 3 - y, 4 - x]} where that index exists: filter 0's red kernel is
 * [[0, 1], [2, 3]] and filter 1's [[12, 13], [14, 15]], which land mirrored at rows 2..3, columns 3..4.
 */
class ActivationsTest {
    @TempDir
    Path dir;

    @Test
    void firstConvolutionOfTheTinyModelGivesTheHandComputedMaps() throws IOException {
        try (TorchModel model = TorchModel.load(TestModels.path("tiny.pt"))) {
            InputImage image = ImageLoader.load(TestImages.redDot(dir), model.card());
            FeatureMaps maps = Activations.of(model, model.layers().find("0"), image);
            assertArrayEquals(new long[] {1, 2, 7, 7}, maps.shape());
            float[][] f0 = {{3, 2}, {1, 0}};
            float[][] f1 = {{15, 14}, {13, 12}};
            for (int y = 0; y < 7; y++) {
                for (int x = 0; x < 7; x++) {
                    boolean dot = y >= 2 && y <= 3 && x >= 3 && x <= 4;
                    assertEquals(dot ? f0[y - 2][x - 3] : 0f, maps.at(0, y, x), 1e-5, "map 0 at " + y + "," + x);
                    assertEquals(dot ? f1[y - 2][x - 3] : 0f, maps.at(1, y, x), 1e-5, "map 1 at " + y + "," + x);
                }
            }
            assertEquals(6.0 / 49, maps.mean(0), 1e-6);
            assertEquals(54.0 / 49, maps.mean(1), 1e-6);
            assertArrayEquals(new int[] {1, 0}, maps.byMeanDescending());
        }
    }

    @Test
    void aDeeperLayerRunsTheModulesBeforeIt() throws IOException {
        try (TorchModel model = TorchModel.load(TestModels.path("tiny.pt"))) {
            InputImage image = ImageLoader.load(TestImages.redDot(dir), model.card());
            FeatureMaps maps = Activations.of(model, model.layers().find("features.2"), image);
            assertArrayEquals(new long[] {1, 3, 6, 6}, maps.shape());
            // Filter 0 is 1.5 everywhere: 1.5 * (sum of both maps above over the 2x2 window).
            assertEquals(1.5f * (6 + 54), maps.at(0, 2, 3), 1e-4);
            assertEquals(1.5f * (3 + 2 + 15 + 14), maps.at(0, 1, 3), 1e-4);
            // Filter 1 is [[-4, -3], [-2, -1]] on map 0 and [[0, 1], [2, 3]] on map 1.
            assertEquals(-4 * 3 - 3 * 2 - 2 * 1 + 14 + 2 * 13 + 3 * 12, maps.at(1, 2, 3), 1e-4);
            // Filter 2 is [[1, 0], [0, -1]] on map 0 and twice that on map 1.
            assertEquals(3 - 0 + 2 * 15 - 2 * 12, maps.at(2, 2, 3), 1e-4);
            assertEquals(0f, maps.at(0, 5, 5));
        }
    }

    @Test
    void tilesAreOrderedByMeanAndScaledPerMap() throws IOException {
        try (TorchModel model = TorchModel.load(TestModels.path("tiny.pt"))) {
            InputImage image = ImageLoader.load(TestImages.redDot(dir), model.card());
            FeatureMaps maps = Activations.of(model, model.layers().find("0"), image);
            TileSheet sheet = ActivationPictures.render(maps, new ActivationSpec("features.0", 0, "gray", 3), "tiny.pt | features.0");
            assertEquals(2, sheet.tileCount());
            // Tile 0 is map 1 (mean 54/49) on its own 0..15 scale; tile 1 is map 0 on 0..3.
            assertEquals(Rgb.gray(1.0), at(sheet, 3, 0, 2, 3));
            assertEquals(Rgb.gray(12 / 15.0), at(sheet, 3, 0, 3, 4));
            assertEquals(Rgb.gray(0.0), at(sheet, 3, 0, 0, 0));
            assertEquals(Rgb.gray(1.0), at(sheet, 3, 1, 2, 3));
            assertEquals(Rgb.gray(2 / 3.0), at(sheet, 3, 1, 2, 4));
            assertEquals(Rgb.gray(1 / 3.0), at(sheet, 3, 1, 3, 3));

            TileSheet top = ActivationPictures.render(maps, new ActivationSpec("features.0", 1, "gray", 3), "t");
            assertEquals(1, top.tileCount());
            assertEquals(Rgb.gray(12 / 15.0), at(top, 3, 0, 3, 4), "--top 1 keeps the most active map");
        }
    }

    @Test
    void aConstantMapIsMidGrayAndSizesScaleAutomatically() {
        FeatureMaps flat = new FeatureMaps("x", 1, 2, 2, new float[] {7, 7, 7, 7});
        TileSheet sheet = ActivationPictures.render(flat, new ActivationSpec("features.0", 0, "gray", 2), "t");
        assertEquals(Rgb.gray(0.5), at(sheet, 2, 0, 1, 1));
        assertEquals(1, ActivationPictures.autoScale(55));
        assertEquals(4, ActivationPictures.autoScale(13));
    }

    /** The colour of activation (y, x) in tile {@code tile}, drawn {@code scale} px per activation. */
    private static Rgb at(TileSheet sheet, int scale, int tile, int y, int x) {
        Box box = sheet.tile(tile);
        return sheet.raster().get(box.x() + x * scale + scale - 1, box.y() + y * scale + scale - 1);
    }

    @Test
    void resnetLayersMatchWhatTorchvisionsOwnForwardGaveForTheSameInput() {
        Npy.Array input = Npy.read(TestModels.path("resnet18_probe_input.npy"));
        try (TorchModel model = TorchModel.load(TestModels.path("resnet18.pt"))) {
            for (String layer : new String[] {"layer1.0.conv2", "layer2.0.downsample.0", "layer2.0", "layer3.1.relu"}) {
                Npy.Array expected = Npy.read(TestModels.path("resnet18_probe_" + layer + ".npy"));
                LayerOutput out = Inference.layerOutput(model, model.layers().find(layer), input.shape(),
                        input.values());
                assertArrayEquals(expected.shape(), out.shape(), layer);
                double worst = 0;
                double scale = 1e-6;
                for (int i = 0; i < out.values().length; i++) {
                    worst = Math.max(worst, Math.abs(out.values()[i] - expected.values()[i]));
                    scale = Math.max(scale, Math.abs(expected.values()[i]));
                }
                assertTrue(worst <= 1e-4 * scale, layer + ": max difference " + worst + " for values up to " + scale);
            }
        }
    }

    @Test
    void aLayerWithoutFeatureMapsIsAUsageError() throws IOException {
        try (TorchModel model = TorchModel.load(TestModels.path("tiny.pt"))) {
            InputImage image = ImageLoader.load(TestImages.redDot(dir), model.card());
            UsageException e = assertThrows(UsageException.class,
                    () -> Activations.of(model, model.layers().find("classifier.1"), image));
            assertEquals("layer classifier.1 outputs 1x2, not feature maps (1xCxHxW); pick a convolution, pooling or "
                    + "activation layer before the classifier", e.getMessage());
        }
    }
}
