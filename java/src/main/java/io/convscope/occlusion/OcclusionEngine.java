package io.convscope.occlusion;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import io.convscope.ConvscopeException;
import io.convscope.UsageException;
import io.convscope.image.InputImage;
import io.convscope.model.ClassScores;
import io.convscope.model.ModelCost;
import io.convscope.model.TorchModel;
import io.convscope.nativebridge.IncrementalKernels;

/**
 * Evaluates every window of a {@link WindowGrid} as fused batches. The image tensor is made once, on the
 * model's device; for each chunk our native kernel writes the occluded copies straight into the chunk
 * tensor's memory (device memory on CUDA), the model runs, and the score (softmax and target selection, or the
 * similarity to the unoccluded output) is computed on the device, so one float per window comes back. The chunk
 * tensor is allocated once and reused.
 */
public final class OcclusionEngine {
    private final TorchModel model;
    private final boolean cuda;
    private final int threads;
    /** BatchDependence of the model, found on the first map (a property of the model, not of the image). */
    private volatile Boolean batchDependent;

    /**
     * An engine on the device where {@code model} is ({@link TorchModel#placeOn}); {@link Occlusion#run} is the
     * door that places the model and resolves the spec's defaults.
     *
     * @param threads native fill threads on the CPU (match LibTorch's intra-op threads)
     */
    public OcclusionEngine(TorchModel model, int threads) {
        this.model = model;
        this.cuda = model.placement() == io.convscope.Device.CUDA;
        this.threads = threads;
    }

    /** The map of {@code input}; a window, stride or fill the spec leaves open follows the input's size. */
    public OcclusionMap run(InputImage input, OcclusionSpec spec, Progress progress) {
        return run(input, spec, progress, 0, Integer.MAX_VALUE);
    }

    /**
     * Like {@link #run}, but scores only windows {@code first} (inclusive) to {@code last} (exclusive, clipped to
     * the grid); the other windows' scores are NaN. For benchmarks that time a fixed subset of a large grid: the
     * engine is planned for the whole grid, exactly as a full run is.
     */
    public OcclusionMap runWindows(InputImage input, OcclusionSpec spec, int first, int last) {
        return run(input, spec, Progress.NONE, first, last);
    }

    private OcclusionMap run(InputImage input, OcclusionSpec given, Progress progress, int first, int last) {
        OcclusionSpec spec = given.resolvedFor(Math.min(input.height(), input.width()), false, model.card()).check();
        if (!cuda) {
            return runExactly(input, spec, progress, first, last);
        }
        // cuDNN may use TF32 for float32 convolutions by default (10-bit mantissas): off for the exact map, and
        // back as the application had it afterwards, since the setting is the whole process's.
        boolean tf32 = torch.globalContext().allowTF32CuDNN();
        torch.globalContext().setAllowTF32CuDNN(false);
        try {
            return runExactly(input, spec, progress, first, last);
        } finally {
            torch.globalContext().setAllowTF32CuDNN(tf32);
        }
    }

    private OcclusionMap runExactly(InputImage input, OcclusionSpec spec, Progress progress, int first, int last) {
        long start = System.nanoTime();
        int c = input.channels();
        int h = input.height();
        int w = input.width();
        if (c != model.card().channels()) {
            throw new UsageException("the input has " + c + " channels and the model expects "
                    + model.card().channels() + "; give a " + model.card().channels() + "-channel input");
        }
        WindowGrid grid = WindowGrid.of(spec.method(), h, w, spec.window(), spec.stride());
        float[] fill = spec.fill().tensorValues(model.card(), c);
        int batch = spec.batch() > 0 ? Math.min(grid.count(), spec.batch()) : BatchBudget.chunk(grid.count(), c, h, w, cuda);
        float[] scores = new float[grid.count()];
        Arrays.fill(scores, Float.NaN);
        int begin = Math.max(0, Math.min(first, grid.count()));
        int end = Math.max(begin, Math.min(last, grid.count()));
        double scoringMs;
        float baseScore;
        int target;
        EngineUse engineUse;
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Device device = new Device(cuda ? torch.DeviceType.CUDA : torch.DeviceType.CPU);
            Tensor image = DeviceTensors.floats(input.tensor(), new long[] {1, c, h, w}, device);
            Tensor logits;
            try {
                logits = model.forwardOptimized(image);
            } catch (RuntimeException e) {
                throw new ConvscopeException(model.failureOn(new long[] {1, c, h, w}, e));
            }
            ClassScores.requireOneRow(logits.sizes().vec().get(), "occlusion");
            int classes = (int) logits.size(1);
            float[] baseRow = new float[classes];
            logits.to(torch.ScalarType.Float).contiguous().cpu().data_ptr_float().get(baseRow);
            ClassScores.requireFinite(baseRow, "the model's output for the unoccluded input");
            target = !spec.score().hasTarget() ? OcclusionMap.NO_TARGET
                    : spec.target() != null ? spec.target() : (int) logits.argmax().item_long();
            if (spec.score().hasTarget() && (target < 0 || target >= classes)) {
                throw UsageException.of("target", target + " is out of range 0.." + (classes - 1) + " (the model has "
                        + classes + " classes)");
            }
            // The output's cosine similarity to itself is 1 up to rounding; the base score is 1 by definition.
            baseScore = spec.score() == Score.SIMILARITY ? 1f
                    : score(logits, spec.score(), target, logits).cpu().item_float();

            boolean batchDependent = batchDependent(image, logits);
            if (batchDependent) {
                batch = 1;
            }
            EngineChoice choice = batchDependent ? oneAtATime(spec.engine(), image, grid, fill, device)
                    : chooseEngine(spec.engine(), image, logits, grid, fill, device, batch);
            engineUse = choice.use;
            ChunkScorer scorer = choice.scorer;
            long scoringStart = System.nanoTime();
            int step = scorer.windowsPerCall();
            for (int from = begin; from < end; from += step) {
                int to = Math.min(end, from + step);
                try (PointerScope chunkScope = new PointerScope()) {
                    Tensor s = score(scorer.outputs(from, to), spec.score(), target, logits).contiguous().cpu();
                    s.data_ptr_float().get(scores, from, to - from);
                }
                progress.windowsDone(to - begin, end - begin);
            }
            scoringMs = (System.nanoTime() - scoringStart) / 1e6;
        }
        ClassScores.requireFinite(Arrays.copyOfRange(scores, begin, end),
                "the model's scores for the occluded copies");
        float[] values = mapValues(grid, spec, baseScore, scores);
        int rows = grid.method() == Method.CAPTUM ? h : grid.rows();
        int cols = grid.method() == Method.CAPTUM ? w : grid.cols();
        List<String> labels = model.card().labels();
        String label = target >= 0 && target < labels.size() ? labels.get(target) : null;
        return new OcclusionMap(values, rows, cols, grid, spec, target, label, baseScore, scores, batch,
                (System.nanoTime() - start) / 1e6, scoringMs, end - begin, engineUse);
    }

    /** The engine that will run, and its scorer. */
    private record EngineChoice(EngineUse use, ChunkScorer scorer) {
    }

    /**
     * FULL runs the full engine; INCREMENTAL the incremental one or a usage error saying why it cannot; AUTO the
     * incremental one where it applies and its counted saving reaches {@code cs_incremental_min_speedup}, since
     * gathering and pasting cost time the count does not see. A model proved to run as chain plus rest is run
     * that way by both engines (so their maps agree to the last bits); any other model whole.
     */
    private EngineChoice chooseEngine(Engine engine, Tensor image, Tensor logits, WindowGrid grid, float[] fill,
                                      Device device, int batch) {
        long fullMacs = ModelCost.macsPerImage(model, image.sizes().vec().get(), device);
        // Made only when the full engine runs: its chunk buffer is the size of a whole batch of images.
        Supplier<OccludedChunks> chunks = () -> new OccludedChunks(image, grid, fill, device, cuda, threads, batch);
        ChainDecomposition chain;
        try {
            chain = ChainDecomposition.prove(model, image, logits);
        } catch (ChainDecomposition.NotApplicable e) {
            refuseIfAsked(engine, e);
            return full(engine, fullMacs, e.getMessage(), () -> new ModelScorer(model, chunks.get()));
        }
        Supplier<ChunkScorer> fullScorer = () -> new ChainFullScorer(chain, chunks.get(), grid.count());
        if (engine == Engine.FULL) {
            return full(engine, fullMacs, null, fullScorer);
        }
        IncrementalScorer incremental;
        try {
            incremental = IncrementalScorer.plan(chain, grid, fill, device, cuda, threads, batch,
                    IncrementalKernels.fullFraction());
        } catch (ChainDecomposition.NotApplicable e) {
            refuseIfAsked(engine, e);
            return full(engine, fullMacs, e.getMessage(), fullScorer);
        }
        long engineMacs = fullMacs < 0 ? -1
                : fullMacs - incremental.chainFullMacs() + incremental.chainPlannedMacs();
        double counted = fullMacs > 0 && engineMacs > 0 ? (double) fullMacs / engineMacs
                : (double) incremental.chainFullMacs() / Math.max(1, incremental.chainPlannedMacs());
        if (engine == Engine.AUTO && counted < IncrementalKernels.minSpeedup()) {
            return full(engine, fullMacs, String.format(Locale.ROOT, "patches would save only %.2fx of the counted "
                    + "work", counted), fullScorer);
        }
        return new EngineChoice(new EngineUse(Engine.INCREMENTAL, fullMacs, engineMacs, incremental.description()),
                incremental);
    }

    private boolean batchDependent(Tensor image, Tensor logits) {
        Boolean known = batchDependent;
        if (known == null) {
            known = BatchDependence.of(model, image, logits);  // two threads may both look: they agree
            batchDependent = known;
        }
        return known;
    }

    /**
     * The full engine, one window at a time, through the model's own forward: for a model whose output depends on
     * the other images in its batch ({@link BatchDependence}), where neither batches nor the chain's layers one
     * by one would give each window's own score.
     */
    private EngineChoice oneAtATime(Engine engine, Tensor image, WindowGrid grid, float[] fill, Device device) {
        refuseIfAsked(engine, new ChainDecomposition.NotApplicable(BatchDependence.WHY));
        long macs = ModelCost.macsPerImage(model, image.sizes().vec().get(), device);
        // Said as "full: why" even where the full engine was asked for: the reason matters more.
        return full(Engine.AUTO, macs, BatchDependence.WHY,
                () -> new ModelScorer(model, new OccludedChunks(image, grid, fill, device, cuda, threads, 1)));
    }

    private static void refuseIfAsked(Engine engine, ChainDecomposition.NotApplicable why) {
        if (engine == Engine.INCREMENTAL) {
            throw UsageException.of("engine", "incremental does not apply to this model: " + why.getMessage()
                    + "; use the full or auto engine");
        }
    }

    private static EngineChoice full(Engine asked, long macs, String whyNotIncremental,
                                     Supplier<? extends ChunkScorer> scorer) {
        String note = asked == Engine.FULL ? "the full engine was asked for" : "full: " + whyNotIncremental;
        return new EngineChoice(new EngineUse(Engine.FULL, macs, macs, note), scorer.get());
    }

    /** grid: one drop per window (or the raw score); captum: per pixel, the mean drop of covering windows. */
    static float[] mapValues(WindowGrid grid, OcclusionSpec spec, float baseScore, float[] scores) {
        float[] drops = new float[scores.length];
        for (int k = 0; k < scores.length; k++) {
            drops[k] = spec.raw() && grid.method() == Method.GRID ? scores[k] : baseScore - scores[k];
        }
        return grid.method() == Method.CAPTUM ? PixelAverager.average(grid, drops) : drops;
    }

    /**
     * One score per row of {@code outputs} (one row per window), on the device. {@code base} is the unoccluded
     * input's output row, which the similarity compares every row with (broadcast over the rows).
     */
    private static Tensor score(Tensor outputs, Score score, int target, Tensor base) {
        Tensor rows = outputs.dim() == 2 ? outputs : outputs.reshape(outputs.size(0), -1);
        return switch (score) {
            case PROB -> rows.softmax(1).select(1, target);
            case LOGPROB -> rows.log_softmax(1).select(1, target);
            case LOGIT -> rows.select(1, target);
            // eps as PyTorch's default: a zero output (everything hidden behind a ReLU) scores 0, not NaN.
            case SIMILARITY -> torch.cosine_similarity(rows, base.reshape(1, -1), 1, 1e-8);
        };
    }
}
