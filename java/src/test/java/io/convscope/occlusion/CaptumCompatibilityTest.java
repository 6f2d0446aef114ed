package io.convscope.occlusion;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.google.gson.Gson;

import io.convscope.TestModels;
import io.convscope.image.InputImage;
import io.convscope.model.ModelCard;
import io.convscope.model.TorchModel;
import io.convscope.render.Raster;

/**
 * {@code --method captum --score logit} against the attributions Captum's own tests assert, on Captum's test
 * models with their hand-set weights (made by models/make_captum_models.py; the cases, with the Captum test
 * each comes from, are in src/test/resources/captum/occlusion_cases.json).
 */
class CaptumCompatibilityTest {

    /** One case of occlusion_cases.json, as Gson fills it. */
    static final class Case {
        String name;
        String model;
        Tensor input;
        int[] window;
        int[] stride;
        float baseline;
        int target;
        Tensor expected;
        String source;

        @Override
        public String toString() {
            return name;
        }
    }

    static final class Tensor {
        int[] shape;
        float[] values;
    }

    static Stream<Case> cases() throws IOException {
        try (InputStream in = CaptumCompatibilityTest.class.getResourceAsStream("/captum/occlusion_cases.json")) {
            return Arrays.stream(new Gson().fromJson(new InputStreamReader(in, StandardCharsets.UTF_8), Case[].class));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reproducesCaptumsAttributionsExactly(Case c) {
        int channels = c.input.shape[1];
        int h = c.input.shape[2];
        int w = c.input.shape[3];
        float[] zeros = new float[channels];
        float[] ones = new float[channels];
        Arrays.fill(ones, 1f);
        ModelCard card = new ModelCard(c.model, channels, h, w, h, h, zeros, ones, List.of());
        try (TorchModel model = TorchModel.load(TestModels.path(c.model), card)) {
            OcclusionSpec spec = OcclusionSpec.defaults().withMethod(Method.CAPTUM).withScore(Score.LOGIT)
                    .withFill(Fill.tensor(c.baseline)).withTarget(c.target)
                    .withWindow(new Size2(c.window[0], c.window[1]), new Size2(c.stride[0], c.stride[1]));
            InputImage input = new InputImage(null, channels, h, w, c.input.values, new Raster(w, h));
            OcclusionMap map = new OcclusionEngine(model, 1).run(input, spec, Progress.NONE);
            assertEquals(h, map.rows());
            assertEquals(w, map.cols());
            float[] expected = c.expected.values;
            float scale = 0;
            for (float v : expected) {
                scale = Math.max(scale, Math.abs(v));
            }
            // Captum attributes every input element; a window covers all channels, so each channel's plane
            // holds the same per-pixel map, which is what we return once.
            assertEquals(channels * h * w, expected.length);
            for (int i = 0; i < expected.length; i++) {
                // Captum's numbers are float32 results; allow float32 rounding of the largest value.
                assertEquals(expected[i], map.values()[i % (h * w)], 1e-5f * Math.max(1f, scale),
                        c.source + " element " + i);
            }
        }
    }
}
