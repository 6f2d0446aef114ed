package io.convscope.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import org.bytedeco.pytorch.global.torch;

import io.convscope.ConvscopeException;
import io.convscope.Device;
import io.convscope.UsageException;
import io.convscope.image.Input;
import io.convscope.model.TorchModel;
import io.convscope.occlusion.Occlusion;
import io.convscope.occlusion.OcclusionSpec;
import io.convscope.occlusion.Score;

/**
 * The concurrency benchmark ({@code convscope bench concurrency}): how many occlusion maps per second one model
 * gives to several threads. Three ways, interleaved per round: every map on one thread (sequential); {@code
 * callers} threads whose runs take one lock (what a model that serialises its forward passes gives); and
 * {@code callers} threads sharing the model freely (what {@link TorchModel} does). Inputs are random tensors of
 * the card's size, a new one per map; LibTorch's intra-op threads are as configured, so the numbers say what
 * overlapping calls add on top of the intra-op parallelism.
 */
public final class ConcurrencyBenchmark {
    private ConcurrencyBenchmark() {
    }

    /**
     * @param callers threads calling the door at once (2 or more)
     * @param maps    maps per caller per round
     * @param repeat  rounds
     */
    public record Spec(int callers, int maps, int repeat) {
        public Spec {
            if (callers < 2) {
                throw UsageException.of("callers", "must be 2 or more, got " + callers);
            }
            if (maps < 1) {
                throw UsageException.of("maps", "must be 1 or more, got " + maps);
            }
            if (repeat < 1) {
                throw UsageException.of("repeat", "must be 1 or more, got " + repeat);
            }
        }
    }

    public static void run(TorchModel model, Spec spec, Device device, Consumer<Map<String, Object>> rows) {
        int c = model.card().channels();
        int size = model.card().crop();
        OcclusionSpec occlusion = OcclusionSpec.defaults().withScore(Score.LOGIT);
        Random random = new Random(42);
        int total = spec.callers() * spec.maps();
        List<Input> inputs = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            float[] values = new float[c * size * size];
            for (int k = 0; k < values.length; k++) {
                values[k] = (float) random.nextGaussian();
            }
            inputs.add(Input.tensor(values, c, size, size));
        }
        // Warm-up: the inference-optimized module is made on first use.
        Occlusion.run(model, inputs.get(0), occlusion, device);
        Object lock = new Object();
        double[] sequential = new double[spec.repeat()];
        double[] locked = new double[spec.repeat()];
        double[] shared = new double[spec.repeat()];
        ExecutorService pool = Executors.newFixedThreadPool(spec.callers());
        try {
            for (int r = 0; r < spec.repeat(); r++) {
                long t0 = System.nanoTime();
                for (Input input : inputs) {
                    Occlusion.run(model, input, occlusion, device);
                }
                sequential[r] = total / seconds(t0);
                t0 = System.nanoTime();
                inParallel(pool, inputs, input -> {
                    synchronized (lock) {
                        Occlusion.run(model, input, occlusion, device);
                    }
                });
                locked[r] = total / seconds(t0);
                t0 = System.nanoTime();
                inParallel(pool, inputs, input -> Occlusion.run(model, input, occlusion, device));
                shared[r] = total / seconds(t0);
                Map<String, Object> round = new LinkedHashMap<>();
                round.put("bench", "concurrency-round");
                round.put("round", r);
                round.put("sequential_maps_per_s", BenchStats.hundredths(sequential[r]));
                round.put("locked_maps_per_s", BenchStats.hundredths(locked[r]));
                round.put("shared_maps_per_s", BenchStats.hundredths(shared[r]));
                rows.accept(round);
            }
        } finally {
            pool.shutdownNow();
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("bench", "concurrency-summary");
        summary.put("model", model.file().getFileName().toString());
        summary.put("input", c + "x" + size + "x" + size);
        summary.put("device", model.placement().cliName());
        summary.put("intra_op_threads", torch.get_num_threads());
        summary.put("cores", Runtime.getRuntime().availableProcessors());
        summary.put("callers", spec.callers());
        summary.put("maps_per_round", total);
        summary.put("rounds", spec.repeat());
        summary.put("sequential_maps_per_s", BenchStats.hundredths(BenchStats.median(sequential)));
        summary.put("locked_maps_per_s", BenchStats.hundredths(BenchStats.median(locked)));
        summary.put("shared_maps_per_s", BenchStats.hundredths(BenchStats.median(shared)));
        summary.put("shared_vs_sequential", BenchStats.hundredths(BenchStats.median(ratios(shared, sequential))));
        summary.put("shared_vs_locked", BenchStats.hundredths(BenchStats.median(ratios(shared, locked))));
        rows.accept(summary);
    }

    private static void inParallel(ExecutorService pool, List<Input> inputs, Consumer<Input> work) {
        List<Future<?>> running = new ArrayList<>();
        for (Input input : inputs) {
            running.add(pool.submit(() -> work.accept(input)));
        }
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConvscopeException("the benchmark was interrupted", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new ConvscopeException(e.getMessage(), e);
            }
        }
    }

    private static double[] ratios(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] / b[i];
        }
        return r;
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
