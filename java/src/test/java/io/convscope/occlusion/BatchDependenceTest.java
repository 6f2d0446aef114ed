package io.convscope.occlusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import io.convscope.TestModels;
import io.convscope.UsageException;
import io.convscope.image.InputImage;
import io.convscope.model.TorchModel;

/**
 * A model whose scores for an image depend on the other images in its batch (batch_stats.pt: a batch norm without
 * running statistics) gets each window's own score: the engine finds the dependence and runs the windows one at a
 * time, and says so. Batched, its map would be another one.
 */
class BatchDependenceTest {
    private static final int SIZE = 16;
    private static final int WINDOW = 8;
    private static final int STRIDE = 4;

    private static OcclusionSpec spec() {
        return OcclusionSpec.defaults().withScore(Score.LOGIT).withFill(Fill.tensor(0f))
                .withWindow(Size2.square(WINDOW), Size2.square(STRIDE));
    }

    /** The image (3 x size x size) with every channel of the window x window square at (top, left) set to 0. */
    private static float[] occluded(InputImage image, int top, int left, int window) {
        int size = image.height();
        float[] t = image.tensor().clone();
        for (int c = 0; c < 3; c++) {
            for (int y = top; y < top + window; y++) {
                for (int x = left; x < left + window; x++) {
                    t[(c * size + y) * size + x] = 0f;
                }
            }
        }
        return t;
    }

    /** Logits of target for the given images (3 x size x size each), all in one batch. */
    private static float[] logits(TorchModel model, float[][] images, int target) {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            int per = images[0].length;
            long size = Math.round(Math.sqrt(per / 3.0));
            float[] flat = new float[images.length * per];
            for (int n = 0; n < images.length; n++) {
                System.arraycopy(images[n], 0, flat, n * per, per);
            }
            Tensor batch = DeviceTensors.floats(flat, new long[] {images.length, 3, size, size},
                    new Device(torch.DeviceType.CPU));
            float[] out = new float[images.length];
            model.forward(batch).select(1, target).contiguous().data_ptr_float().get(out);
            return out;
        }
    }

    @Test
    void eachWindowGetsItsOwnScoreOneAtATime() {
        try (TorchModel model = TorchModel.load(TestModels.path("batch_stats.pt"))) {
            InputImage image = OcclusionEngineTest.random(3, SIZE, SIZE, 23);
            OcclusionMap map = new OcclusionEngine(model, 2).run(image, spec(), Progress.NONE);
            assertEquals(Engine.FULL, map.engine().engine());
            assertEquals("full: " + BatchDependence.WHY, map.engine().note());
            assertEquals(1, map.batch());
            assertEquals(9, map.values().length);  // positions 0, 4, 8 on each axis

            float[][] copies = new float[9][];
            for (int k = 0; k < 9; k++) {
                copies[k] = occluded(image, STRIDE * (k / 3), STRIDE * (k % 3), WINDOW);
            }
            float base = logits(model, new float[][] {image.tensor()}, map.target())[0];
            float[] together = logits(model, copies, map.target());
            double largest = 0;
            double batchedOff = 0;
            for (int k = 0; k < 9; k++) {
                float alone = logits(model, new float[][] {copies[k]}, map.target())[0];
                assertEquals(base - alone, map.values()[k], 1e-5 * Math.max(1, Math.abs(base)), "window " + k);
                largest = Math.max(largest, Math.abs(base - alone));
                batchedOff = Math.max(batchedOff, Math.abs(together[k] - alone));
            }
            assertTrue(largest > 1e-3, "the windows move the score: " + largest);
            // The dependence is real: in one batch the same copies score otherwise.
            assertTrue(batchedOff > 0.1 * largest, "batched " + batchedOff + " against a map of " + largest);
        }
    }

    @Test
    void aModelThatTakesOneImageAtATimeRunsOneAtATime() {
        // batch_one flattens its whole batch into one row: two images at once fail.
        try (TorchModel model = TorchModel.load(TestModels.path("batch_one.pt"))) {
            InputImage image = OcclusionEngineTest.random(3, 8, 8, 26);
            OcclusionMap map = new OcclusionEngine(model, 2).run(image,
                    spec().withWindow(Size2.square(4), Size2.square(4)), Progress.NONE);
            assertEquals("full: " + BatchDependence.WHY, map.engine().note());
            assertEquals(1, map.batch());
            assertEquals(4, map.values().length);  // 4 x 4 windows at 0 and 4 on each axis
            float base = logits(model, new float[][] {image.tensor()}, map.target())[0];
            for (int k = 0; k < 4; k++) {
                float[] copy = occluded(image, 4 * (k / 2), 4 * (k % 2), 4);
                float alone = logits(model, new float[][] {copy}, map.target())[0];
                assertEquals(base - alone, map.values()[k], 1e-5 * Math.max(1, Math.abs(base)), "window " + k);
            }
        }
    }

    @Test
    void theIncrementalEngineIsRefusedWithTheReason() {
        try (TorchModel model = TorchModel.load(TestModels.path("batch_stats.pt"))) {
            InputImage image = OcclusionEngineTest.random(3, SIZE, SIZE, 24);
            UsageException e = assertThrows(UsageException.class, () -> new OcclusionEngine(model, 2)
                    .run(image, spec().withEngine(Engine.INCREMENTAL), Progress.NONE));
            assertTrue(e.getMessage().contains("incremental does not apply to this model: the model's output for an "
                    + "image depends on the other images in its batch"), e.getMessage());
        }
    }

    @Test
    void aBatchNormWithRunningStatisticsKeepsTheBatches() {
        // chain_mix holds a batch norm with running statistics: scores do not depend on the batch.
        try (TorchModel model = TorchModel.load(TestModels.path("chain_mix.pt"))) {
            OcclusionMap map = new OcclusionEngine(model, 2).run(OcclusionEngineTest.random(3, 67, 67, 25),
                    spec().withWindow(Size2.square(13), Size2.square(5)), Progress.NONE);
            assertTrue(map.batch() > 1, "batch " + map.batch());
            assertTrue(!map.engine().note().contains("one at a time"), map.engine().note());
        }
    }
}
