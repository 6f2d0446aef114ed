package io.convscope.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import io.convscope.Device;
import io.convscope.UsageException;
import io.convscope.image.InputImage;
import io.convscope.model.TorchModel;
import io.convscope.occlusion.Engine;
import io.convscope.occlusion.EngineUse;
import io.convscope.occlusion.Fill;
import io.convscope.occlusion.Method;
import io.convscope.occlusion.Score;
import io.convscope.occlusion.OcclusionEngine;
import io.convscope.occlusion.OcclusionMap;
import io.convscope.occlusion.OcclusionSpec;
import io.convscope.occlusion.Progress;
import io.convscope.occlusion.Size2;
import io.convscope.occlusion.WindowGrid;
import io.convscope.render.Raster;

/**
 * The occlusion benchmark ({@code convscope bench occlusion}): the engine under test against the full engine
 * and two baselines measured in the same process — a loop that occludes and scores one window per forward
 * pass (what the original article does), and a large float32 matmul, whose GFLOP/s is the practical ceiling
 * for the device. Emits one row per round and per measurement, and a summary row with the ratios (medians
 * over rounds). The input is random (seed 42), the model's card size.
 */
public final class OcclusionBenchmark {
    /** AlexNet's cost per 224x224 image: 714 M multiply-adds (DESIGN.md §5). */
    static final double ALEXNET_GFLOP = 1.43;
    private static final int MATMUL_N = 2048;
    private static final int MATMUL_RUNS = 7;

    private final Consumer<Map<String, Object>> rows;

    private OcclusionBenchmark(Consumer<Map<String, Object>> rows) {
        this.rows = rows;
    }

    /**
     * What to time.
     *
     * @param occlusion   window, stride, method and batch of the timed maps (score and engine are the
     *                    benchmark's); window and stride left open follow the input
     * @param engine      the engine timed against the full engine
     * @param repeat      interleaved rounds
     * @param loopWindows windows timed in the one-by-one loop, spread over the rounds
     * @param windows     consecutive windows timed from the middle of the grid, or 0 for all
     */
    public record Spec(OcclusionSpec occlusion, Engine engine, int repeat, int loopWindows, int windows) {
        public Spec {
            if (repeat < 1) {
                throw UsageException.of("repeat", "must be 1 or more, got " + repeat);
            }
            if (loopWindows < 1) {
                throw UsageException.of("loop-windows", "must be 1 or more, got " + loopWindows);
            }
            if (windows < 0) {
                throw UsageException.of("windows", "must be 1 or more (or 0 for all), got " + windows);
            }
        }

        public static Spec defaults() {
            return new Spec(OcclusionSpec.defaults(), Engine.INCREMENTAL, 5, 40, 0);
        }
    }

    /** Runs the benchmark on {@code model}, placed on {@code device}; each row goes to {@code rows} as it comes. */
    public static void run(TorchModel model, Spec spec, Device placement, Consumer<Map<String, Object>> rows) {
        new OcclusionBenchmark(rows).run(model, spec, placement);
    }

    private void run(TorchModel model, Spec bench, Device placement) {
        int repeat = bench.repeat();
        int loopWindows = bench.loopWindows();
        Engine engineUnderTest = bench.engine();
        int c = model.card().channels();
        int size = model.card().crop();
        InputImage input = randomInput(c, size);
        // Logits: a random-weight model's softmax is nearly uniform, which hides differences.
        OcclusionSpec spec = bench.occlusion().withScore(Score.LOGIT).check().resolvedFor(size, true, model.card());
        double gflopPerWindow = ALEXNET_GFLOP * (size * (double) size) / (224.0 * 224.0);
        boolean alexnetShaped = model.layers().convolutions().size() == 5 && size == 224;
        int windows = WindowGrid.of(spec.method(), size, size, spec.window(), spec.stride()).count();
        int timed = bench.windows() == 0 ? windows : Math.min(windows, bench.windows());
        int first = (windows - timed) / 2;

        boolean cuda = model.placeOn(placement) == Device.CUDA;
        org.bytedeco.pytorch.Device device = model.torchDevice();
        OcclusionEngine engine = new OcclusionEngine(model, torch.get_num_threads());
        OcclusionSpec fullSpec = spec.withEngine(Engine.FULL);
        OcclusionSpec testSpec = spec.withEngine(engineUnderTest);
        boolean compare = engineUnderTest != Engine.FULL;
        // Warm-up: the first run compiles the inference-optimized module and fills caches.
        OcclusionMap fullMap = engine.runWindows(input, fullSpec, first, first + timed);
        OcclusionMap testMap = compare ? engine.runWindows(input, testSpec, first, first + timed) : fullMap;
        int perRound = Math.max(1, Math.min(loopWindows, windows) / repeat);
        // Rounds interleave the measurements, so load from other processes hits all of them alike; the
        // ratios are taken per round and their median reported.
        double[] matmuls = new double[repeat];
        double[] tests = new double[repeat];
        double[] fulls = new double[repeat];
        double[] loops = new double[repeat];
        double[] fractions = new double[repeat];
        double[] speedups = new double[repeat];
        double[] versusFull = new double[repeat];
        for (int r = 0; r < repeat; r++) {
            matmuls[r] = matmulGflops(device);
            fullMap = engine.runWindows(input, fullSpec, first, first + timed);
            fulls[r] = fullMap.scoringWindowsPerSecond();
            if (compare) {
                testMap = engine.runWindows(input, testSpec, first, first + timed);
                tests[r] = testMap.scoringWindowsPerSecond();
            } else {
                testMap = fullMap;
                tests[r] = fulls[r];
            }
            loops[r] = loopWindowsPerSecond(model, input, spec, r * perRound, perRound, device);
            fractions[r] = tests[r] * gflopPerWindow / matmuls[r];
            speedups[r] = tests[r] / loops[r];
            versusFull[r] = tests[r] / fulls[r];
            emit(Map.of("bench", "occlusion-round", "round", r, "matmul_gflops", BenchStats.hundredths(matmuls[r]),
                    "engine_windows_per_s", BenchStats.hundredths(tests[r]), "full_windows_per_s", BenchStats.hundredths(fulls[r]),
                    "loop_windows_per_s", BenchStats.hundredths(loops[r])));
        }
        double matmul = BenchStats.median(matmuls);
        double testRate = BenchStats.median(tests);
        double loopRate = BenchStats.median(loops);
        emit(Map.of("bench", "matmul", "n", MATMUL_N, "device", cuda ? "cuda" : "cpu", "gflops", BenchStats.hundredths(matmul)));
        emit(row(testMap.engine().engine().cliName(), timed, testRate, gflopPerWindow, testMap.batch()));
        emit(row("full", timed, BenchStats.median(fulls), gflopPerWindow, fullMap.batch()));
        emit(row("loop", perRound * repeat, loopRate, gflopPerWindow, 1));

        EngineUse use = testMap.engine();
        double speedupVsFull = BenchStats.median(versusFull);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("bench", "occlusion-summary");
        summary.put("model", model.file().getFileName().toString());
        summary.put("input", c + "x" + size + "x" + size);
        summary.put("window", spec.window().toString());
        summary.put("stride", spec.stride().toString());
        summary.put("method", spec.method().cliName());
        summary.put("windows", windows);
        summary.put("timed_windows", timed);
        summary.put("device", cuda ? "cuda" : "cpu");
        summary.put("threads", torch.get_num_threads());
        // Whether glibc keeps freed native memory (the launcher's setting, README "Memory"): it moves the numbers.
        summary.put("retains_freed_memory", retainsFreedMemory(System.getenv()));
        summary.put("engine", use.engine().cliName());
        summary.put("engine_note", use.note());
        summary.put("engine_windows_per_s", BenchStats.hundredths(testRate));
        summary.put("full_windows_per_s", BenchStats.hundredths(BenchStats.median(fulls)));
        summary.put("loop_windows_per_s", BenchStats.hundredths(loopRate));
        summary.put("rounds", repeat);
        summary.put("speedup_vs_full", BenchStats.hundredths(speedupVsFull));
        summary.put("counted_speedup", BenchStats.hundredths(use.countedSpeedup()));
        summary.put("fraction_of_counted_saving", BenchStats.hundredths(speedupVsFull / use.countedSpeedup()));
        summary.put("map_max_abs_difference", maxDifference(testMap, fullMap));
        summary.put("map_max_abs_value", maxAbs(fullMap));
        summary.put("speedup_vs_loop", BenchStats.hundredths(BenchStats.median(speedups)));
        summary.put("engine_setup_ms", BenchStats.hundredths(testMap.elapsedMs() - testMap.scoringMs()));
        summary.put("full_setup_ms", BenchStats.hundredths(fullMap.elapsedMs() - fullMap.scoringMs()));
        summary.put("engine_gflops", BenchStats.hundredths(testRate * gflopPerWindow));
        summary.put("matmul_gflops", BenchStats.hundredths(matmul));
        summary.put("fraction_of_matmul", BenchStats.hundredths(BenchStats.median(fractions)));
        summary.put("gflop_per_window", BenchStats.hundredths(gflopPerWindow));
        summary.put("model_is_alexnet_shaped", alexnetShaped);
        emit(summary);
    }

    /** Largest |a - b| over the windows both maps scored. */
    private static double maxDifference(OcclusionMap a, OcclusionMap b) {
        double most = 0;
        for (int k = 0; k < a.windowScores().length; k++) {
            double d = Math.abs(a.windowScores()[k] - b.windowScores()[k]);
            if (!Double.isNaN(d)) {
                most = Math.max(most, d);
            }
        }
        return most;
    }

    /** Largest |drop| over the scored windows. */
    private static double maxAbs(OcclusionMap map) {
        double most = 0;
        for (float s : map.windowScores()) {
            if (!Float.isNaN(s)) {
                most = Math.max(most, Math.abs(map.baseScore() - s));
            }
        }
        return most;
    }

    private Map<String, Object> row(String what, int windows, double rate, double gflopPerWindow, int batch) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("bench", "occlusion");
        row.put("variant", what);
        row.put("windows", windows);
        row.put("batch", batch);
        row.put("windows_per_s", BenchStats.hundredths(rate));
        row.put("gflops", BenchStats.hundredths(rate * gflopPerWindow));
        return row;
    }

    /** Windows {@code first .. first + count - 1} (wrapping around the grid), one forward pass each. */
    private static double loopWindowsPerSecond(TorchModel model, InputImage input, OcclusionSpec spec, int first,
                                               int count, org.bytedeco.pytorch.Device device) {
        WindowGrid grid = WindowGrid.of(spec.method(), input.height(), input.width(), spec.window(), spec.stride());
        float[] fill = Fill.mean().tensorValues(model.card(), input.channels());
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Tensor image = torch.from_blob(new FloatPointer(input.tensor()),
                    new long[] {1, input.channels(), input.height(), input.width()}).clone();
            if (!device.is_cpu()) {
                image = image.to(device, torch.ScalarType.Float);
            }
            model.forward(image);
            long start = System.nanoTime();
            for (int n = 0; n < count; n++) {
                int k = (first + n) % grid.count();
                try (PointerScope perWindow = new PointerScope()) {
                    Tensor x = image.clone();
                    int top = grid.top(k / grid.cols());
                    int left = grid.left(k % grid.cols());
                    for (int ch = 0; ch < input.channels(); ch++) {
                        x.narrow(1, ch, 1).narrow(2, top, spec.window().height())
                                .narrow(3, left, spec.window().width()).fill_(new org.bytedeco.pytorch.Scalar(fill[ch]));
                    }
                    model.forward(x).softmax(1).select(1, 0).item_float();
                }
            }
            return count / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static double matmulGflops(org.bytedeco.pytorch.Device device) {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Tensor a = torch.randn(MATMUL_N, MATMUL_N).to(device, torch.ScalarType.Float);
            Tensor b = torch.randn(MATMUL_N, MATMUL_N).to(device, torch.ScalarType.Float);
            torch.mm(a, b).sum().item_float();
            double[] seconds = new double[MATMUL_RUNS];
            for (int r = 0; r < MATMUL_RUNS; r++) {
                long t0 = System.nanoTime();
                try (PointerScope each = new PointerScope()) {
                    // item() waits for the device, so the time covers the whole product.
                    torch.mm(a, b).sum().item_float();
                }
                seconds[r] = (System.nanoTime() - t0) / 1e9;
            }
            // The median, like the engine's rate: the same statistic on both sides of the ratio.
            double median = 1 / BenchStats.median(Arrays.stream(seconds).map(t -> 1 / t).toArray());
            return 2.0 * MATMUL_N * MATMUL_N * MATMUL_N / median / 1e9;
        }
    }

    private static InputImage randomInput(int c, int size) {
        Random random = new Random(42);
        float[] t = new float[c * size * size];
        for (int i = 0; i < t.length; i++) {
            t[i] = (float) random.nextGaussian();
        }
        return new InputImage("a random input", c, size, size, t, new Raster(size, size));
    }

    private void emit(Map<String, Object> row) {
        rows.accept(row);
    }

    /**
     * Whether a JVM started with {@code environment} keeps the native memory LibTorch frees: glibc then serves
     * every block from one heap ({@code MALLOC_ARENA_MAX=1}) and maps none for itself
     * ({@code MALLOC_MMAP_MAX_=0}). With more heaps, a block too large for a thread's own is mapped whatever the
     * second says.
     */
    static boolean retainsFreedMemory(Map<String, String> environment) {
        return "0".equals(environment.get("MALLOC_MMAP_MAX_")) && "1".equals(environment.get("MALLOC_ARENA_MAX"));
    }
}
