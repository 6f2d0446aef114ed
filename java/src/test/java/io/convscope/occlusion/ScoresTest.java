package io.convscope.occlusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import io.convscope.Device;
import io.convscope.TestModels;
import io.convscope.UsageException;
import io.convscope.image.Input;
import io.convscope.model.TorchModel;

/**
 * The four scores on models whose outputs are known by hand. patch_probe's logits on an all-ones input are
 * (m, 0), m the mean of its patch; embedder's output is the mean of the left and right halves of its input.
 */
class ScoresTest {

    private static float[] ones(int n) {
        float[] v = new float[n];
        Arrays.fill(v, 1f);
        return v;
    }

    /** patch_probe's map for one score: window (6, 15) hides the whole patch, (6, 14) 40 of its 50 columns. */
    private static OcclusionMap patchMap(Score score) {
        try (TorchModel model = TorchModel.load(TestModels.path("patch_probe.pt"))) {
            return Occlusion.run(model, Input.tensor(ones(3 * 224 * 224), 3, 224, 224),
                    OcclusionSpec.defaults().withScore(score), Device.CPU).map();
        }
    }

    @Test
    void logprobIsTheLogSoftmaxOfTheTarget() {
        OcclusionMap map = patchMap(Score.LOGPROB);
        // log softmax of (m, 0) at 0 is m - log(e^m + 1): -0.31326169 for m = 1, log 0.5 for m = 0, and
        // -0.59813887 for m = 0.2.
        assertEquals(-0.31326169f, map.baseScore(), 1e-6f);
        assertEquals(-0.31326169f + 0.69314718f, map.at(6, 15), 1e-6f);
        assertEquals(-0.31326169f + 0.59813887f, map.at(6, 14), 1e-6f);
        assertEquals(0f, map.at(15, 6));
    }

    @Test
    void probAndLogitOfTheSameWindowsForComparison() {
        OcclusionMap prob = patchMap(Score.PROB);
        assertEquals(0.73105858f, prob.baseScore(), 1e-6f);
        assertEquals(0.73105858f - 0.5f, prob.at(6, 15), 1e-6f);
        assertEquals(0.73105858f - 0.54983400f, prob.at(6, 14), 1e-6f);
        OcclusionMap logit = patchMap(Score.LOGIT);
        assertEquals(1f, logit.baseScore());
        assertEquals(0.8f, logit.at(6, 14), 1e-6f);
    }

    /**
     * embedder, all ones, window 4 and stride 2 on 8 x 8 (windows at columns 0, 2, 4): a window in the left
     * half leaves (0.5, 1), cosine 1.5 / sqrt(1.25 * 2) = 0.9486833 with the base (1, 1); one split evenly
     * between the halves leaves (0.75, 0.75), the same direction, cosine 1. Both engines give it.
     */
    @Test
    void similarityIsTheCosineToTheUnoccludedOutputInBothEngines() {
        float drop = 1f - 0.9486833f;
        float[] expected = {drop, 0f, drop, drop, 0f, drop, drop, 0f, drop};
        try (TorchModel model = TorchModel.load(TestModels.path("embedder.pt"))) {
            for (Engine engine : new Engine[] {Engine.FULL, Engine.INCREMENTAL}) {
                OcclusionSpec spec = OcclusionSpec.defaults().withScore(Score.SIMILARITY).withEngine(engine)
                        .withWindow(Size2.square(4), Size2.square(2));
                OcclusionMap map = Occlusion.run(model, Input.tensor(ones(64), 1, 8, 8), spec, Device.CPU).map();
                assertEquals(engine, map.engine().engine());
                assertEquals(1f, map.baseScore(), "the base output is its own direction");
                assertArrayEquals(expected, map.values(), 1e-6f, engine.cliName());
                assertEquals(OcclusionMap.NO_TARGET, map.target());
                assertNull(map.label());
                assertEquals("the whole output", map.subject());
            }
        }
    }

    @Test
    void theCardsScoreIsTheDefaultAndRawGivesTheCosineItself() {
        // embedder.json says "score": "similarity"; the spec leaves the score open.
        try (TorchModel model = TorchModel.load(TestModels.path("embedder.pt"))) {
            OcclusionSpec spec = OcclusionSpec.defaults().withWindow(Size2.square(4), Size2.square(2)).withRaw(true);
            OcclusionMap map = Occlusion.run(model, Input.tensor(ones(64), 1, 8, 8), spec, Device.CPU).map();
            assertEquals(Score.SIMILARITY, map.spec().score());
            assertEquals(0.9486833f, map.at(0, 0), 1e-6f);
            assertEquals(1f, map.at(0, 1), 1e-6f);
        }
        // patch_probe's card names no score: the probability.
        assertEquals(Score.PROB, patchMap(null).spec().score());
    }

    @Test
    void similarityTakesNoTarget() {
        try (TorchModel model = TorchModel.load(TestModels.path("embedder.pt"))) {
            UsageException e = assertThrows(UsageException.class, () -> Occlusion.run(model,
                    Input.tensor(ones(64), 1, 8, 8), OcclusionSpec.defaults().withTarget(0), Device.CPU));
            assertEquals("target", e.field());
            assertEquals("target does not apply to the similarity score, which compares the whole output with the "
                    + "unoccluded one; leave the target out", e.getMessage());
        }
    }
}
