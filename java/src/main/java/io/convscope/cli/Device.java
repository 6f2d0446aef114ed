package io.convscope.cli;

import java.util.Locale;

import org.bytedeco.pytorch.global.torch;

import io.convscope.ConvscopeException;
import io.convscope.UsageException;
import io.convscope.nativebridge.OcclusionKernels;

/** {@code --device cpu|cuda|auto}: auto takes CUDA when LibTorch sees a GPU, else the CPU. */
enum Device {
    CPU, CUDA, AUTO;

    static Device parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("unknown device '" + text + "'; choose cpu, cuda or auto");
        }
    }

    /** What {@code --device cuda} says on a build without CUDA (exit 1: the environment, not the command line). */
    static final String NO_CUDA_BUILD = "--device cuda: this build has no CUDA (LibTorch's CPU build); "
            + "build one with 'mvn -Pgpu package' (see README \"GPU\"), or use --device cpu";

    /** Fails when CUDA was asked for and this build has none, or its LibTorch cannot see a GPU. */
    void require() {
        if (this != CUDA) {
            return;
        }
        if (!cudaBuild()) {
            throw new ConvscopeException(NO_CUDA_BUILD);
        }
        if (!torch.cuda_is_available()) {
            throw new ConvscopeException("--device cuda: no CUDA device is available to LibTorch (no GPU or "
                    + "driver); use --device cpu or auto");
        }
    }

    /**
     * Whether this is a {@code -Pgpu} build: the CUDA preset (LibTorch's CUDA build comes with it) on the
     * class path and our CUDA kernels compiled in.
     */
    static boolean cudaBuild() {
        try {
            Class.forName("org.bytedeco.cuda.global.cudart", false, Device.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return false;
        }
        return OcclusionKernels.cudaCompiled();
    }

    String resolved() {
        return this == AUTO ? (torch.cuda_is_available() ? "cuda" : "cpu") : name().toLowerCase(Locale.ROOT);
    }
}
