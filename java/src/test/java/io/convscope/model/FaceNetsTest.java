package io.convscope.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;

import io.convscope.image.ImageLoader;

/**
 * Pins the conversion of face-api's nets (models/convert_face_api.py): on fixed inputs, the committed
 * TorchScript files give the outputs that face-api itself gave under TensorFlow.js
 * (models/builtin/face-api-reference.json, written by models/check_face_api.py). Offline: files only.
 */
class FaceNetsTest {
    private static final Path ROOT = Path.of(System.getProperty("convscope.repoRoot", "."));
    private static final Path BUILTIN = ROOT.resolve("models/builtin");
    /** What the issue asks of the conversion; the check measured about 5e-7 and 2e-7. */
    private static final double TOLERANCE = 1e-5;
    /**
     * Logits are up to ~20 in size here and face-api subtracts the mean before dividing by 255 where the
     * card divides first; the check measured 5.7e-6 for torch 1.13, so the logits get a little more room.
     */
    private static final double LOGIT_TOLERANCE = 5e-5;

    @Test
    void expressionNetGivesFaceApisOutputsAndCallsTheAstronautHappy() throws IOException {
        JsonObject reference = reference();
        try (TorchModel model = TorchModel.load(BUILTIN.resolve("expression.pt"))) {
            ModelCard card = model.card();
            assertEquals(112, card.crop());
            assertEquals(List.of("neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised"),
                    card.labels());
            int checked = 0;
            for (JsonObject c : cases(reference, "expression")) {
                float[] input = input(c, card);
                float[] logits = Inference.classScores(model, new long[] {1, 3, 112, 112}, input);
                double[] probabilities = softmax(logits);
                double[] theirLogits = doubles(c.getAsJsonArray("logits"));
                double[] theirProbabilities = doubles(c.getAsJsonArray("probabilities"));
                String name = c.get("name").getAsString();
                report(name + " probabilities", probabilities, theirProbabilities);
                report(name + " logits", toDouble(logits), theirLogits);
                assertClose(theirProbabilities, probabilities, TOLERANCE, name + " probabilities");
                assertClose(theirLogits, toDouble(logits), LOGIT_TOLERANCE, name + " logits");
                if (name.equals("astronaut-face")) {
                    int top = argmax(probabilities);
                    assertEquals("happy", card.labels().get(top));
                    assertTrue(probabilities[top] > 0.999, "the astronaut smiles: " + probabilities[top]);
                }
                checked++;
            }
            assertEquals(2, checked);
        }
    }

    @Test
    void recognitionNetGivesFaceApisDescriptors() throws IOException {
        JsonObject reference = reference();
        try (TorchModel model = TorchModel.load(BUILTIN.resolve("face-recognition.pt"))) {
            ModelCard card = model.card();
            assertEquals(150, card.crop());
            int checked = 0;
            for (JsonObject c : cases(reference, "face-recognition")) {
                float[] descriptor = Inference.classScores(model, new long[] {1, 3, 150, 150}, input(c, card));
                double[] theirs = doubles(c.getAsJsonArray("descriptor"));
                assertEquals(128, descriptor.length);
                report(c.get("name").getAsString() + " descriptor", toDouble(descriptor), theirs);
                assertClose(theirs, toDouble(descriptor), TOLERANCE, c.get("name").getAsString());
                checked++;
            }
            assertEquals(2, checked);
        }
    }

    @Test
    void recognitionNetStartsWithA7x7ConvolutionOf32FiltersOnRgbAndKeepsFloat32Weights() {
        try (TorchModel model = TorchModel.load(BUILTIN.resolve("face-recognition.pt"))) {
            List<LayerInfo> convolutions = model.layers().convolutions();
            LayerInfo first = convolutions.get(0);
            assertEquals("conv", first.path());
            assertArrayEquals(new long[] {32, 3, 7, 7}, first.weightShape());
            // 1 + 2 per residual block (14 blocks): the file stores most weights as uint8 and rebuilds them.
            assertEquals(29, convolutions.size());
            assertEquals(5_614_592, model.parameterCount());
            ConvWeights w = ConvWeights.read(model, first);
            assertEquals(32 * 3 * 7 * 7, w.values().length);
            assertArrayEquals(new long[] {1, 128}, model.layers().outputShape());
        }
    }

    private static JsonObject reference() throws IOException {
        return JsonParser.parseString(Files.readString(BUILTIN.resolve("face-api-reference.json"))).getAsJsonObject();
    }

    private static List<JsonObject> cases(JsonObject reference, String model) {
        return reference.getAsJsonArray("cases").asList().stream().map(e -> e.getAsJsonObject())
                .filter(c -> c.get("model").getAsString().equals(model)).toList();
    }

    /** The case's input as convscope prepares it: the committed PNG through ImageLoader, or the pattern. */
    private static float[] input(JsonObject c, ModelCard card) {
        String image = c.get("image").getAsString();
        if (image.endsWith(".png")) {
            return ImageLoader.load(ROOT.resolve(image), card).tensor();
        }
        return synthetic(card);
    }

    /**
     * The check script's synthetic image, normalised as ImageLoader normalises pixels:
     * value (7 x + 13 y + 29 c) mod 256 at row y, column x, channel c (RGB).
     */
    private static float[] synthetic(ModelCard card) {
        int size = card.crop();
        float[] t = new float[3 * size * size];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int v = (7 * x + 13 * y + 29 * c) % 256;
                    t[(c * size + y) * size + x] = (v / 255f - card.mean()[c]) / card.std()[c];
                }
            }
        }
        return t;
    }

    private static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        double[] p = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double[] doubles(JsonArray array) {
        double[] v = new double[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).getAsDouble();
        }
        return v;
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    private static double maxAbsDiff(double[] a, double[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }

    private static void report(String what, double[] ours, double[] theirs) {
        System.out.printf(Locale.ROOT, "FaceNetsTest: %s max |LibTorch - face-api| = %.3g%n", what,
                maxAbsDiff(ours, theirs));
    }

    private static void assertClose(double[] expected, double[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance, what + "[" + i + "]");
        }
    }
}
