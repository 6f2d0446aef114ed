package io.convscope.occlusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.convscope.TestModels;
import io.convscope.UsageException;
import io.convscope.image.InputImage;
import io.convscope.model.ModelCard;
import io.convscope.model.TorchModel;
import io.convscope.render.Raster;

class OcclusionEngineTest {

    private static InputImage constant(int c, int h, int w, float value) {
        float[] t = new float[c * h * w];
        Arrays.fill(t, value);
        return new InputImage(null, c, h, w, t, new Raster(w, h));
    }

    /** Seeded standard-normal values, already in tensor space. */
    static InputImage random(int c, int h, int w, long seed) {
        Random random = new Random(seed);
        float[] t = new float[c * h * w];
        for (int i = 0; i < t.length; i++) {
            t[i] = (float) random.nextGaussian();
        }
        return new InputImage(null, c, h, w, t, new Raster(w, h));
    }

    private static OcclusionSpec logitSpec() {
        return OcclusionSpec.defaults().withScore(Score.LOGIT).withFill(Fill.tensor(0f));
    }

    @Test
    void theLargestDropIsAtThePatchCellNotItsTranspose() {
        // patch_probe's class-0 logit is the mean of rows 60..109, columns 150..199 of a 224x224 input.
        try (TorchModel model = TorchModel.load(TestModels.path("patch_probe.pt"))) {
            OcclusionMap map = new OcclusionEngine(model, 2).run(constant(3, 224, 224, 1f), logitSpec(),
                    Progress.NONE);
            assertEquals(19, map.rows());
            assertEquals(1f, map.baseScore());
            assertEquals(0, map.target());
            assertEquals("patch", map.label());
            assertEquals(6 * 19 + 15, map.argmax(), "row 6 (top 60), column 15 (left 150)");
            assertEquals(1f, map.at(6, 15), "hiding the whole patch takes its whole mean");
            assertEquals(0f, map.at(15, 6), "the transposed cell does not touch the patch");
            // Window (6, 14) covers columns 140..189 of the patch's 150..199: 40 of 50 columns.
            assertEquals(0.8f, map.at(6, 14), 1e-6f);
            // The edge window of row 18 starts at 174, below the patch.
            assertEquals(0f, map.at(18, 15));
        }
    }

    @Test
    void oneCallMapsAnImageFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        // A black 224 x 224 PNG with the patch's rows 60..109 and columns 150..199 white.
        java.awt.image.BufferedImage picture = new java.awt.image.BufferedImage(224, 224,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 60; y < 110; y++) {
            for (int x = 150; x < 200; x++) {
                picture.setRGB(x, y, 0xffffff);
            }
        }
        java.nio.file.Path file = dir.resolve("patch.png");
        javax.imageio.ImageIO.write(picture, "png", file.toFile());
        try (TorchModel model = TorchModel.load(TestModels.path("patch_probe.pt"))) {
            OcclusionMap map = Occlusion.run(model, io.convscope.image.Input.file(file), logitSpec(),
                    io.convscope.Device.CPU).map();
            assertEquals(1f, map.baseScore());
            assertEquals(6 * 19 + 15, map.argmax());
            assertEquals(1f, map.at(6, 15));
        }
    }

    @Test
    void rawStoresTheOccludedScoreInstead() {
        try (TorchModel model = TorchModel.load(TestModels.path("patch_probe.pt"))) {
            OcclusionMap map = new OcclusionEngine(model, 2).run(constant(3, 224, 224, 1f),
                    logitSpec().withRaw(true), Progress.NONE);
            assertEquals(0f, map.at(6, 15));
            assertEquals(1f, map.at(0, 0));
        }
    }

    @Test
    void captumMethodAveragesTheDropsOfTheWindowsCoveringEachPixel() {
        try (TorchModel model = TorchModel.load(TestModels.path("patch_probe.pt"))) {
            OcclusionSpec spec = logitSpec().withMethod(Method.CAPTUM).withWindow(Size2.square(50), Size2.square(50));
            OcclusionMap map = new OcclusionEngine(model, 2).run(constant(3, 224, 224, 1f), spec,
                    Progress.NONE);
            assertEquals(224, map.rows());
            assertEquals(224, map.cols());
            // Stride = window: windows tile the image without overlap at 0, 50, 100, 150, 200 (the last cut to
            // 24 pixels). Pixel (60, 150) lies in window rows 50..99, columns 150..199, which hides rows 60..99 of
            // the patch: 40 of its 50 rows, a drop of 0.8.
            assertEquals(0.8f, map.at(60, 150), 1e-6f);
            assertEquals(0.2f, map.at(105, 199), 1e-6f);
            assertEquals(0f, map.at(60, 149));
            assertEquals(25, map.grid().count());
        }
    }

    @Test
    void theMapDoesNotDependOnTheBatchSize() {
        try (TorchModel model = TorchModel.load(TestModels.path("alexnet.pt"))) {
            InputImage input = random(3, 224, 224, 7);
            OcclusionSpec spec = OcclusionSpec.defaults().withScore(Score.LOGIT)
                    .withWindow(Size2.square(50), Size2.square(25));
            OcclusionEngine engine = new OcclusionEngine(model, 2);
            float[] reference = engine.run(input, spec.withBatch(64), Progress.NONE).values();
            assertEquals(64, reference.length);
            float largest = 0;
            for (float v : reference) {
                largest = Math.max(largest, Math.abs(v));
            }
            assertTrue(largest > 0, "the map is not all zeros");
            for (int batch : new int[] {1, 7, 0}) {
                float[] other = engine.run(input, spec.withBatch(batch), Progress.NONE).values();
                for (int i = 0; i < reference.length; i++) {
                    assertEquals(reference[i], other[i], 1e-5f * largest, "batch " + batch + " window " + i);
                }
            }
        }
    }

    @Test
    void automaticBatchesSplitTheWindowsIntoEqualChunks() {
        assertEquals(121, BatchBudget.evenChunks(361, 128), "361 windows: 3 chunks of 121, not 128+128+105");
        assertEquals(64, BatchBudget.evenChunks(64, 128));
        assertEquals(65, BatchBudget.evenChunks(129, 128));
        try (TorchModel model = TorchModel.load(TestModels.path("patch_probe.pt"))) {
            OcclusionMap map = new OcclusionEngine(model, 2).run(constant(3, 224, 224, 1f), logitSpec(),
                    Progress.NONE);
            assertEquals(121, map.batch());
        }
    }

    @Test
    void progressIsReportedPerChunkUpToTheWindowCount() {
        try (TorchModel model = TorchModel.load(TestModels.path("patch_probe.pt"))) {
            StringBuilder seen = new StringBuilder();
            new OcclusionEngine(model, 2).run(constant(3, 224, 224, 1f),
                    logitSpec().withWindow(Size2.square(112), Size2.square(56)).withBatch(4),
                    (done, total) -> seen.append(done).append('/').append(total).append(' '));
            assertEquals("4/9 8/9 9/9 ", seen.toString());
        }
    }

    @Test
    void repeatedRunsDoNotGrowNativeMemory() {
        // Each run allocates a 121 x 3 x 224 x 224 chunk (73 MB) and many small tensors; all must be freed.
        try (TorchModel model = TorchModel.load(TestModels.path("patch_probe.pt"))) {
            OcclusionEngine engine = new OcclusionEngine(model, 2);
            InputImage input = constant(3, 224, 224, 1f);
            for (int warmUp = 0; warmUp < 3; warmUp++) {
                engine.run(input, logitSpec(), Progress.NONE);
            }
            long before = org.bytedeco.javacpp.Pointer.physicalBytes();
            for (int run = 0; run < 12; run++) {
                engine.run(input, logitSpec(), Progress.NONE);
            }
            long grown = org.bytedeco.javacpp.Pointer.physicalBytes() - before;
            assertTrue(grown < 64L << 20, "resident memory grew by " + (grown >> 20) + " MB over 12 runs");
        }
    }

    @Test
    void aTargetOutsideTheClassesIsAUsageError() {
        try (TorchModel model = TorchModel.load(TestModels.path("patch_probe.pt"))) {
            UsageException e = assertThrows(UsageException.class, () -> new OcclusionEngine(model, 2)
                    .run(constant(3, 224, 224, 1f), logitSpec().withTarget(2), Progress.NONE));
            assertEquals("target 2 is out of range 0..1 (the model has 2 classes)", e.getMessage());
        }
    }

    @Test
    void pixelFillsAreNormalizedWithTheCardsStatistics() {
        ModelCard card = ModelCard.imagenetDefaults("m");
        assertArrayEquals(new float[] {0, 0, 0}, Fill.mean().tensorValues(card, 3));
        float[] gray = Fill.parse("0.5", false).tensorValues(card, 3);
        assertEquals((0.5f - 0.485f) / 0.229f, gray[0], 1e-6f);
        assertEquals((0.5f - 0.406f) / 0.225f, gray[2], 1e-6f);
        float[] rgb = Fill.parse("0.6,0.5,0.4", false).tensorValues(card, 3);
        assertEquals((0.4f - 0.406f) / 0.225f, rgb[2], 1e-6f);
        assertEquals("fill colours are in [0, 1] pixel space (0.5, 0.6,0.5,0.4), got 2.0",
                assertThrows(UsageException.class, () -> Fill.parse("2", false)).getMessage());
        assertArrayEquals(new float[] {-1.5f, -1.5f}, Fill.parse("-1.5", true).tensorValues(card, 2));
    }
}
