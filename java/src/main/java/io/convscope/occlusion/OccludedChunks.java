package io.convscope.occlusion;

import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import io.convscope.ConvscopeException;
import io.convscope.nativebridge.OcclusionKernels;

/**
 * The occluded copies of the image, chunk by chunk, written by our native kernel straight into one reused chunk
 * tensor's memory (device memory on CUDA).
 */
final class OccludedChunks {
    private final Tensor image;
    private final WindowGrid grid;
    private final Tensor fill;
    private final Device device;
    private final boolean cuda;
    private final int threads;
    private final Tensor chunk;

    OccludedChunks(Tensor image, WindowGrid grid, float[] fill, Device device, boolean cuda, int threads, int batch) {
        this.image = image;
        this.grid = grid;
        this.fill = DeviceTensors.floats(fill, new long[] {fill.length}, device);
        this.device = device;
        this.cuda = cuda;
        this.threads = threads;
        this.chunk = torch.empty(new long[] {batch, image.size(1), image.size(2), image.size(3)},
                new TensorOptions(device), new MemoryFormatOptional());
    }

    int batch() {
        return (int) chunk.size(0);
    }

    /** Windows {@code from .. to - 1} occluded (N x C x H x W); valid until the next call. */
    Tensor occluded(int from, int to) {
        Tensor occluded = chunk.narrow(0, 0, to - from);
        int[] windows = grid.packed(from, to);
        long c = image.size(1);
        long h = image.size(2);
        long w = image.size(3);
        int status;
        if (cuda) {
            Tensor deviceWindows = torch.from_blob(new IntPointer(windows), new long[] {windows.length},
                    new TensorOptions(torch.ScalarType.Int)).to(device, torch.ScalarType.Int);
            status = OcclusionKernels.occludeBatchCuda(image.data_ptr_float(), c, h, w,
                    new IntPointer(deviceWindows.data_ptr_int()), to - from, fill.data_ptr_float(),
                    occluded.data_ptr_float(), null);
        } else {
            status = OcclusionKernels.occludeBatchCpu(image.data_ptr_float(), c, h, w, new IntPointer(windows),
                    to - from, fill.data_ptr_float(), occluded.data_ptr_float(), threads);
        }
        if (status != OcclusionKernels.CS_OK) {
            throw new ConvscopeException("the occlusion kernel failed: " + OcclusionKernels.statusMessage(status));
        }
        return occluded;
    }
}
