package io.convscope.occlusion;

import java.util.List;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import io.convscope.ConvscopeException;
import io.convscope.UsageException;
import io.convscope.image.InputImage;
import io.convscope.model.TorchModel;
import io.convscope.nativebridge.OcclusionKernels;

/**
 * Evaluates every window of a {@link WindowGrid} as fused batches. The image tensor is made once, on the
 * model's device; for each chunk our native kernel writes the occluded copies straight into the chunk
 * tensor's memory (device memory on CUDA), the model runs, and softmax and target selection happen on the
 * device, so one float per window comes back. The chunk tensor is allocated once and reused.
 */
public final class OcclusionEngine {
    /** Budget for one chunk's input and activations when choosing the batch size automatically. */
    private static final long AUTO_BATCH_BYTES = 2L << 30;
    /** Rough ratio of a CNN's peak activation memory to its input size, per example. */
    private static final int ACTIVATION_FACTOR = 16;
    /** oneDNN's convolutions kept gaining up to batches of about 128 on AlexNet here (bench occlusion). */
    private static final int AUTO_BATCH_MAX_CPU = 128;
    private static final int AUTO_BATCH_MAX_CUDA = 512;

    private final TorchModel model;
    private final boolean cuda;
    private final int threads;

    /**
     * @param cuda    run on the GPU (the model is moved there); the caller has checked one exists
     * @param threads native fill threads on the CPU (match LibTorch's intra-op threads)
     */
    public OcclusionEngine(TorchModel model, boolean cuda, int threads) {
        this.model = model;
        this.cuda = cuda;
        this.threads = threads;
    }

    public OcclusionMap run(InputImage input, OcclusionSpec spec, Progress progress) {
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
        int batch = spec.batch() > 0 ? spec.batch() : evenChunks(grid.count(), autoBatch(c, h, w));
        float[] scores = new float[grid.count()];
        float baseScore;
        int target;
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Device device = new Device(cuda ? torch.DeviceType.CUDA : torch.DeviceType.CPU);
            Tensor image = deviceTensor(new FloatPointer(input.tensor()), new long[] {1, c, h, w}, device);
            Tensor logits = model.forwardOptimized(image);
            if (logits.dim() != 2 || logits.size(0) != 1) {
                throw new ConvscopeException("the model returned scores of shape "
                        + io.convscope.model.LayerInfo.format(logits.sizes().vec().get())
                        + "; occlusion needs one row of class scores (1 x K)");
            }
            int classes = (int) logits.size(1);
            target = spec.target() != null ? spec.target() : (int) logits.argmax().item_long();
            if (target < 0 || target >= classes) {
                throw new UsageException("--target " + target + " is out of range: the model has " + classes
                        + " classes (0.." + (classes - 1) + ")");
            }
            baseScore = score(logits, spec.score(), target).cpu().item_float();

            Tensor fillTensor = deviceTensor(new FloatPointer(fill), new long[] {c}, device);
            Tensor chunk = torch.empty(new long[] {Math.min(batch, grid.count()), c, h, w},
                    new TensorOptions(device), new MemoryFormatOptional());
            for (int from = 0; from < grid.count(); from += batch) {
                int to = Math.min(grid.count(), from + batch);
                try (PointerScope chunkScope = new PointerScope()) {
                    Tensor occluded = chunk.narrow(0, 0, to - from);
                    fillChunk(image, grid, from, to, fillTensor, occluded, device, c, h, w);
                    Tensor s = score(model.forwardOptimized(occluded), spec.score(), target).contiguous().cpu();
                    s.data_ptr_float().get(scores, from, to - from);
                }
                progress.windowsDone(to, grid.count());
            }
        }
        float[] values = mapValues(grid, spec, baseScore, scores);
        int rows = grid.method() == Method.CAPTUM ? h : grid.rows();
        int cols = grid.method() == Method.CAPTUM ? w : grid.cols();
        List<String> labels = model.card().labels();
        String label = target < labels.size() ? labels.get(target) : null;
        return new OcclusionMap(values, rows, cols, grid, spec, target, label, baseScore, scores,
                Math.min(batch, grid.count()), (System.nanoTime() - start) / 1e6);
    }

    /** grid: one drop per window (or the raw score); captum: per pixel, the mean drop of covering windows. */
    static float[] mapValues(WindowGrid grid, OcclusionSpec spec, float baseScore, float[] scores) {
        float[] drops = new float[scores.length];
        for (int k = 0; k < scores.length; k++) {
            drops[k] = spec.raw() && grid.method() == Method.GRID ? scores[k] : baseScore - scores[k];
        }
        return grid.method() == Method.CAPTUM ? PixelAverager.average(grid, drops) : drops;
    }

    private static Tensor score(Tensor logits, Score score, int target) {
        Tensor rows = logits.dim() == 2 ? logits : logits.reshape(logits.size(0), -1);
        return (score == Score.PROB ? rows.softmax(1) : rows).select(1, target);
    }

    private void fillChunk(Tensor image, WindowGrid grid, int from, int to, Tensor fill, Tensor out, Device device,
                           int c, int h, int w) {
        int[] windows = grid.packed(from, to);
        int status;
        if (cuda) {
            Tensor deviceWindows = torch.from_blob(new IntPointer(windows), new long[] {windows.length},
                    new TensorOptions(torch.ScalarType.Int)).to(device, torch.ScalarType.Int);
            status = OcclusionKernels.occludeBatchCuda(image.data_ptr_float(), c, h, w,
                    new IntPointer(deviceWindows.data_ptr_int()), to - from, fill.data_ptr_float(),
                    out.data_ptr_float(), null);
        } else {
            status = OcclusionKernels.occludeBatchCpu(image.data_ptr_float(), c, h, w, new IntPointer(windows),
                    to - from, fill.data_ptr_float(), out.data_ptr_float(), threads);
        }
        if (status != OcclusionKernels.CS_OK) {
            throw new ConvscopeException("the occlusion kernel failed: " + OcclusionKernels.statusMessage(status));
        }
    }

    private static Tensor deviceTensor(FloatPointer values, long[] shape, Device device) {
        // from_blob borrows Java-owned memory; clone so the tensor owns its data, then move it once.
        Tensor host = torch.from_blob(values, shape).clone();
        return device.is_cpu() ? host : host.to(device, torch.ScalarType.Float);
    }

    /** The largest batch that splits {@code count} windows into equal chunks no bigger than {@code most}. */
    static int evenChunks(int count, int most) {
        int chunks = (count + most - 1) / most;
        return (count + chunks - 1) / chunks;
    }

    int autoBatch(int c, int h, int w) {
        long perWindow = 4L * c * h * w * ACTIVATION_FACTOR;
        long fits = Math.max(1, AUTO_BATCH_BYTES / perWindow);
        return (int) Math.min(fits, cuda ? AUTO_BATCH_MAX_CUDA : AUTO_BATCH_MAX_CPU);
    }
}
