package io.convscope.occlusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.convscope.TestModels;
import io.convscope.image.InputImage;
import io.convscope.image.Npy;
import io.convscope.image.TensorInput;
import io.convscope.model.TorchModel;

/**
 * The C++ runner ({@code convscope-bench}, native/runner/) and the Java engine give the same map on the same model
 * and input, with either engine: the runner's map ({@code --map}) against {@link OcclusionEngine}'s, to 2e-5 of
 * the larger of the map's largest magnitude and the base score (a map is a small difference of large scores).
 * That is twice {@link IncrementalEngineTest}'s bound because the two sides also run different forms of the model:
 * the Java full engine runs the inference-optimised module (batch norms folded into convolutions), the runner
 * the module as saved. A window scored with the wrong patch would be off by a good part of the map itself.
 *
 * <p>The runner is built by the Maven build beside the native core ({@code target/native-build/convscope-bench})
 * where CMake finds LibTorch, as CI's does.
 */
class RunnerAgreementTest {
    private static final double TOLERANCE = 2e-5;

    private static Path runner() {
        Path root = Path.of(System.getProperty("convscope.repoRoot", "."));
        Path bench = root.resolve("target/native-build/convscope-bench");
        if (!Files.isExecutable(bench)) {
            fail(bench.toAbsolutePath() + " is missing: the C++ runner is built by the Maven build (CMake with "
                    + "LibTorch: Debian's libtorch-dev, or -DTorch_DIR), as CI builds it");
        }
        return bench;
    }

    /** A seeded standard-normal C x H x W input, written as float32 .npy for both sides. */
    private static Path randomInput(Path dir, int c, int h, int w, long seed) {
        Random random = new Random(seed);
        float[] values = new float[c * h * w];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        Path file = dir.resolve("input-" + seed + ".npy");
        Npy.write(file, new long[] {c, h, w}, values);
        return file;
    }

    /** The runner's map for one engine, and the JSON line it printed. */
    private record RunnerMap(JsonObject line, Npy.Array map) {
    }

    private static RunnerMap runRunner(Path model, Path input, Score score, int window, int stride, Engine engine,
                                       Path dir) throws IOException, InterruptedException {
        String name = "runner-" + score.cliName() + "-" + engine.cliName();
        Path map = dir.resolve(name + ".npy");
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        List<String> command = List.of(runner().toString(), "--model", model.toString(), "--input-npy",
                input.toString(), "--score", score.cliName(), "--window", Integer.toString(window), "--stride",
                Integer.toString(stride), "--engine", engine.cliName(), "--threads", "2", "--map", map.toString(),
                "--map-only");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("convscope-bench did not finish within 5 minutes: " + String.join(" ", command));
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), () -> String.join(" ", command) + " failed: " + stderr);
        JsonObject line = JsonParser.parseString(stdout.strip()).getAsJsonObject();
        return new RunnerMap(line, Npy.read(map));
    }

    private static void assertSameMaps(String modelFile, int c, int size, int window, int stride, long seed,
                                       Path dir) throws Exception {
        assertSameMaps(modelFile, Score.LOGIT, c, size, window, stride, seed, dir);
    }

    private static void assertSameMaps(String modelFile, Score score, int c, int size, int window, int stride,
                                       long seed, Path dir) throws Exception {
        Path model = TestModels.path(modelFile);
        Path input = randomInput(dir, c, size, size, seed);
        try (TorchModel torchModel = TorchModel.load(model)) {
            InputImage image = TensorInput.load(input, torchModel.card());
            OcclusionSpec spec = OcclusionSpec.defaults().withScore(score).withFill(Fill.tensor(0f))
                    .withWindow(Size2.square(window), Size2.square(stride));
            OcclusionEngine engine = new OcclusionEngine(torchModel, 2);
            for (Engine which : new Engine[] {Engine.FULL, Engine.INCREMENTAL}) {
                OcclusionMap java = engine.run(image, spec.withEngine(which), Progress.NONE);
                RunnerMap cpp = runRunner(model, input, score, window, stride, which, dir);
                String what = modelFile + ", " + score.cliName() + " score, " + which.cliName() + " engine";
                assertEquals(which, java.engine().engine(), what + ": " + java.engine().note());
                assertEquals(which.cliName(), cpp.line().get("engine").getAsString(), what + ": " + cpp.line());
                assertEquals(score.cliName(), cpp.line().get("score").getAsString(), what);
                if (score.hasTarget()) {
                    assertEquals(java.target(), cpp.line().get("target").getAsInt(), what + ": target class");
                }
                assertEquals(java.baseScore(), cpp.line().get("base_score").getAsDouble(),
                        TOLERANCE * Math.abs(java.baseScore()), what + ": base score");
                assertArrayEquals(new long[] {java.rows(), java.cols()}, cpp.map().shape(), what + ": map shape");
                float[] expected = java.values();
                float[] actual = cpp.map().values();
                double largest = Math.abs(java.baseScore());
                for (float v : expected) {
                    largest = Math.max(largest, Math.abs(v));
                }
                double worst = 0;
                int worstAt = 0;
                for (int k = 0; k < expected.length; k++) {
                    double d = Math.abs(expected[k] - actual[k]);
                    if (Double.isNaN(d)) {
                        d = Double.POSITIVE_INFINITY;
                    }
                    if (d > worst) {
                        worst = d;
                        worstAt = k;
                    }
                }
                assertTrue(worst <= TOLERANCE * largest, what + ": the runner's map differs from the Java map by "
                        + worst + " at window " + worstAt + " (bound " + TOLERANCE * largest + ")");
            }
        }
    }

    /** The log-probability and the similarity to the unoccluded output, the scores beside the logit. */
    @Test
    void chainMixMapsAgreeForTheOtherScores(@TempDir Path dir) throws Exception {
        assertSameMaps("chain_mix.pt", Score.LOGPROB, 3, 67, 13, 5, 11, dir);
        assertSameMaps("chain_mix.pt", Score.SIMILARITY, 3, 67, 13, 5, 11, dir);
    }

    @Test
    void chainMixMapsAgree(@TempDir Path dir) throws Exception {
        // Every link kind of the incremental chain (batch norm, ceil_mode max-pool, 'same' padding with an even
        // kernel, dilation, groups, a padded average pool); 12 x 12 windows.
        assertSameMaps("chain_mix.pt", 3, 67, 13, 5, 11, dir);
    }

    @Test
    void alexnetMapsAgree(@TempDir Path dir) throws Exception {
        // Patches through conv2's pool, full tensors from conv3 on; 19 x 19 windows.
        assertSameMaps("alexnet.pt", 3, 224, 50, 10, 12, dir);
    }
}
