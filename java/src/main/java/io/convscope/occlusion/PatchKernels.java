package io.convscope.occlusion;

import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.pytorch.Tensor;

import io.convscope.ConvscopeException;
import io.convscope.nativebridge.IncrementalKernels;
import io.convscope.nativebridge.OcclusionKernels;

/**
 * The gather, paste and fill kernels of {@code convscope/incremental.h} on tensors, CPU or CUDA twin by where
 * the tensors live. Every tensor is dense float32 (contiguous); places point into the plan's place array (host
 * memory on the CPU, device memory on CUDA), already advanced to the chunk's first window.
 */
final class PatchKernels {
    private final boolean cuda;
    private final int threads;

    PatchKernels(boolean cuda, int threads) {
        this.cuda = cuda;
        this.threads = threads;
    }

    /** regions (N x C x RH x RW) = the N regions of base (1 x C x BH x BW) at the places' region corners. */
    void gather(Tensor base, IntPointer places, Tensor regions) {
        long n = regions.size(0);
        int status = cuda
                ? IncrementalKernels.gatherCuda(base.data_ptr_float(), base.size(1), base.size(2), base.size(3),
                        places, n, regions.size(2), regions.size(3), regions.data_ptr_float(), null)
                : IncrementalKernels.gatherCpu(base.data_ptr_float(), base.size(1), base.size(2), base.size(3),
                        places, n, regions.size(2), regions.size(3), regions.data_ptr_float(), threads);
        check(status, "gather");
    }

    /** Pastes patches (N x C x PH x PW) into regions at the places' paste corners, clipped to each region. */
    void paste(Tensor patches, IntPointer places, Tensor regions) {
        long n = regions.size(0);
        int status = cuda
                ? IncrementalKernels.pasteCuda(patches.data_ptr_float(), n, patches.size(1), patches.size(2),
                        patches.size(3), places, regions.data_ptr_float(), regions.size(2), regions.size(3), null)
                : IncrementalKernels.pasteCpu(patches.data_ptr_float(), n, patches.size(1), patches.size(2),
                        patches.size(3), places, regions.data_ptr_float(), regions.size(2), regions.size(3),
                        threads);
        check(status, "paste");
    }

    /** Fills each region's paste rectangle with fill (C values) per channel: the occluding windows. */
    void fill(Tensor fill, IntPointer places, Tensor regions) {
        long n = regions.size(0);
        int status = cuda
                ? IncrementalKernels.fillCuda(fill.data_ptr_float(), n, regions.size(1), places,
                        regions.data_ptr_float(), regions.size(2), regions.size(3), null)
                : IncrementalKernels.fillCpu(fill.data_ptr_float(), n, regions.size(1), places,
                        regions.data_ptr_float(), regions.size(2), regions.size(3), threads);
        check(status, "fill");
    }

    private static void check(int status, String kernel) {
        if (status != OcclusionKernels.CS_OK) {
            throw new ConvscopeException("the incremental " + kernel + " kernel failed: "
                    + OcclusionKernels.statusMessage(status));
        }
    }
}
