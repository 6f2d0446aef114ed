package io.convscope.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.convscope.TestModels;
import io.convscope.filters.FilterMode;
import io.convscope.filters.FilterPictures;
import io.convscope.filters.FilterSpec;
import io.convscope.image.Npy;
import io.convscope.model.TorchModel;
import io.convscope.render.Box;
import io.convscope.render.TileSheet;

/** The filters and layers commands end to end, checked by decoding what they wrote. */
class FiltersCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesAPngWhosePixelsAreTheWeightsAndTheRawTensorAsNpy() throws IOException {
        Path png = dir.resolve("tiny.png");
        Path npy = dir.resolve("tiny.npy");
        CliRun run = CliRun.of("filters", "--model", TestModels.path("tiny.pt").toString(), "--layer", "0",
                "--mode", "collated", "--colormap", "gray", "--scale", "4", "--out", png.toString(),
                "--npy", npy.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("wrote " + png + " (", run.out().substring(0, ("wrote " + png + " (").length()));

        TileSheet expected;
        try (TorchModel model = TorchModel.load(TestModels.path("tiny.pt"))) {
            expected = FilterPictures.render(model, new FilterSpec("0", FilterMode.COLLATED, null, "gray", 4));
        }
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(expected.raster().width(), image.getWidth());
        assertEquals(expected.raster().height(), image.getHeight());
        // Tile (filter 1, channel 2) holds weights 20..23 on the layer's 0..23 scale; weight 23 is white.
        Box tile = expected.tile(5);
        int level = (int) Math.round(23 / 23.0 * 255);
        assertEquals(level, image.getRGB(tile.x() + 4 + 3, tile.y() + 4 + 3) & 0xff);
        assertEquals(Math.round(20 / 23.0 * 255), image.getRGB(tile.x(), tile.y()) & 0xff);

        Npy.Array raw = Npy.read(npy);
        assertArrayEquals(new long[] {2, 3, 2, 2}, raw.shape());
        assertEquals(17f, raw.values()[17]);
    }

    @Test
    void alexnetFirstLayerIsA64TileRgbGridAndItsSecondConvA192By64Matrix() throws IOException {
        String alexnet = TestModels.path("alexnet.pt").toString();
        CliRun rgb = CliRun.of("filters", "--model", alexnet, "--layer", "0", "--mode", "rgb", "--out",
                dir.resolve("a0.png").toString());
        assertEquals(0, rgb.exitCode(), rgb.err());
        assertTrue(rgb.out().contains(", 64 tiles of features.0 64x3x11x11)"), rgb.out());
        CliRun collated = CliRun.of("filters", "--model", alexnet, "--layer", "3", "--mode", "collated", "--out",
                dir.resolve("a3.png").toString());
        assertEquals(0, collated.exitCode(), collated.err());
        assertTrue(collated.out().contains(", 12288 tiles of features.3 192x64x5x5)"), collated.out());

        try (TorchModel model = TorchModel.load(TestModels.path("alexnet.pt"))) {
            TileSheet sheet = FilterPictures.render(model, FilterSpec.of("3", FilterMode.COLLATED));
            // 64 columns of channels, 192 rows of filters, in order.
            assertEquals(sheet.tile(0).y(), sheet.tile(63).y());
            assertEquals(sheet.tile(0).x(), sheet.tile(64).x());
            assertEquals(sheet.tile(64 * 191).x(), sheet.tile(0).x());
            BufferedImage image = ImageIO.read(dir.resolve("a3.png").toFile());
            assertEquals(sheet.raster().width(), image.getWidth());
            assertEquals(sheet.raster().height(), image.getHeight());
        }
    }

    @Test
    void vggAndResnetLayersByIndexAndByName() {
        CliRun vgg = CliRun.of("filters", "--model", TestModels.path("vgg16.pt").toString(), "--layer", "28",
                "--mode", "collated", "--out", dir.resolve("v.png").toString());
        assertEquals(0, vgg.exitCode(), vgg.err());
        assertTrue(vgg.out().contains("tiles of features.28 512x512x3x3)"), vgg.out());
        CliRun resnet = CliRun.of("filters", "--model", TestModels.path("resnet18.pt").toString(), "--layer",
                "layer1.0.conv1", "--out", dir.resolve("r.png").toString());
        assertEquals(0, resnet.exitCode(), resnet.err());
        assertTrue(resnet.out().contains("4096 tiles of layer1.0.conv1 64x64x3x3)"), resnet.out());
        CliRun stem = CliRun.of("filters", "--model", TestModels.path("resnet18.pt").toString(), "--layer",
                "conv1", "--out", dir.resolve("c.png").toString());
        assertEquals(0, stem.exitCode(), stem.err());
        assertTrue(stem.out().contains("64 tiles of conv1 64x3x7x7)"), stem.out());
    }

    @Test
    void layersPrintsAnAlignedTableAndTheSameAsJson() {
        String tiny = TestModels.path("tiny.pt").toString();
        CliRun table = CliRun.of("layers", "--model", tiny);
        assertEquals(0, table.exitCode(), table.err());
        String[] lines = table.out().split("\n");
        assertEquals("model " + tiny + ": input 1x3x8x8 (from its card), output 1x2", lines[0]);
        assertEquals("LAYER         TYPE               WEIGHT   BIAS  OUTPUT   RF      JUMP  START", lines[1]);
        // Receptive fields: conv k2 -> r 2, start 0.5; conv k2 -> r 3, start 1; pool k2 s2 -> r 4, jump 2.
        assertEquals("features.0    Conv2d             2x3x2x2  2     1x2x7x7  2       1     0.5", lines[3]);
        assertEquals("features.2    Conv2d             3x2x2x2  -     1x3x6x6  3       1     1", lines[5]);
        assertEquals("features.4    MaxPool2d          -        -     1x3x3x3  4       2     1.5", lines[7]);
        assertEquals("avgpool       AdaptiveAvgPool2d  -        -     1x3x1x1  global  -     -", lines[8]);

        CliRun json = CliRun.of("layers", "--model", tiny, "--json");
        assertEquals(0, json.exitCode(), json.err());
        JsonObject root = JsonParser.parseString(json.out()).getAsJsonObject();
        assertEquals(10, root.getAsJsonArray("layers").size());
        JsonObject conv = root.getAsJsonArray("layers").get(1).getAsJsonObject();
        assertEquals("features.0", conv.get("path").getAsString());
        assertEquals("[2,3,2,2]", conv.get("weight").toString());
        assertEquals("[1,2,7,7]", conv.get("output").toString());
        assertTrue(conv.get("convolution").getAsBoolean());
        JsonObject rf = conv.getAsJsonObject("receptiveField");
        assertEquals("[2,2]", rf.get("size").toString());
        assertEquals("[1,1]", rf.get("jump").toString());
        assertEquals("[0.5,0.5]", rf.get("start").toString());
        assertEquals("[7,7]", rf.get("outputSize").toString());
    }
}
