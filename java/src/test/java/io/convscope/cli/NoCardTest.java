package io.convscope.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.convscope.TestModels;
import io.convscope.image.Npy;
import io.convscope.model.TorchModel;

/** Any TorchScript CNN works without a card: channels from its first convolution, size from the input. */
class NoCardTest {
    @TempDir
    Path dir;

    private Path grayInput(int h, int w) {
        Random random = new Random(3);
        float[] v = new float[h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        Path file = dir.resolve("gray.npy");
        Npy.write(file, new long[] {1, h, w}, v);
        return file;
    }

    @Test
    void aOneChannelModelTakesItsChannelsFromItsFirstConvolution() {
        try (TorchModel model = TorchModel.load(TestModels.path("gray_nocard.pt"))) {
            assertEquals(1, model.card().channels());
            assertArrayEquals(new float[] {0f}, model.card().mean(), "no ImageNet statistics for one channel");
            assertArrayEquals(new float[] {1f}, model.card().std());
            assertTrue(model.cardAssumed());
            assertEquals("no card: 1 channel from features.0, 224 x 224 assumed", model.cardOrigin());
        }
    }

    @Test
    void aOneChannelModelWithoutACardGivesItsMapFromAOneByHByWTensor() throws Exception {
        Path map = dir.resolve("map.npy");
        CliRun run = CliRun.of("occlusion", "--model", TestModels.path("gray_nocard.pt").toString(), "--input",
                grayInput(16, 16).toString(), "--window", "4", "--stride", "2", "--score", "logit", "--npy",
                map.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("", run.err());
        Npy.Array values = Npy.read(map);
        assertArrayEquals(new long[] {7, 7}, values.shape(), "windows at 0, 2, ..., 12 on each axis of 16");
        float largest = 0;
        for (float v : values.values()) {
            largest = Math.max(largest, Math.abs(v));
        }
        assertTrue(largest > 1e-3, "hiding parts of the input moves the logit: " + largest);
    }

    @Test
    void itsFiltersAndLayersNeedNoCardEither() throws Exception {
        String model = TestModels.path("gray_nocard.pt").toString();
        CliRun filters = CliRun.of("filters", "--model", model, "--layer", "0", "--mode", "channels", "--out",
                dir.resolve("f.png").toString());
        assertEquals(0, filters.exitCode(), filters.err());
        assertTrue(Files.size(dir.resolve("f.png")) > 0);
        CliRun rgb = CliRun.of("filters", "--model", model, "--layer", "0", "--mode", "rgb", "--out",
                dir.resolve("rgb.png").toString());
        assertEquals(2, rgb.exitCode(), "rgb tiles need 3 input channels");
        assertFalse(Files.exists(dir.resolve("rgb.png")));

        CliRun layers = CliRun.of("layers", "--model", model);
        assertEquals(0, layers.exitCode(), layers.err());
        String first = layers.out().lines().findFirst().orElse("");
        assertTrue(first.startsWith("model " + model + ": input 1x1x224x224 (no card: 1 channel from features.0, "
                + "224 x 224 assumed), output -"), first);
        // The assumed size does not fit its Linear head: the dry run says so, with the cause and the fix.
        assertTrue(layers.out().contains("output shapes unknown: a dry forward pass failed: the model does not run on "
                + "a 1x1x224x224 input: mat1 and mat2 shapes cannot be multiplied (1x50176 and 256x3); this model has "
                + "no card, so a 1x1x224x224 input was assumed: add a card (gray_nocard.json beside gray_nocard.pt) "
                + "with the input size it takes, or give a prepared .npy tensor of that size"), layers.out());

        // Given the tensor it will analyse, the table takes that size, and every shape is known.
        Path tensor = grayInput(16, 16);
        CliRun sized = CliRun.of("layers", "--model", model, "--input", tensor.toString());
        assertEquals(0, sized.exitCode(), sized.err());
        assertTrue(sized.out().startsWith("model " + model + ": input 1x1x16x16 (from " + tensor + "), output 1x3\n"),
                sized.out());
        assertFalse(sized.out().contains("unknown"), sized.out());
    }

    @Test
    void aModelThatRaisesShowsItsOwnMessageInOneLine() throws Exception {
        Path image = io.convscope.model.BuiltinModel.FASHION.sampleFiles().get(0);
        CliRun run = CliRun.of("predict", "--model", TestModels.path("picky.pt").toString(), "--image",
                image.toString());
        assertEquals(1, run.exitCode());
        assertEquals("convscope predict: error: the model does not run on a 1x1x224x224 input: this model takes 16 x 16 "
                + "inputs; this model has no card, so a 1x1x224x224 input was assumed: add a card (picky.json beside "
                + "picky.pt) with the input size it takes, or give a prepared .npy tensor of that size\n", run.err());
    }

    @Test
    void aModelWithACardSaysSo() {
        try (TorchModel model = TorchModel.load(TestModels.path("tiny_gray.pt"))) {
            assertFalse(model.cardAssumed());
            assertEquals("from its card", model.cardOrigin());
        }
    }
}
