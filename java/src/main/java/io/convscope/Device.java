package io.convscope;

import java.util.Locale;

import org.bytedeco.pytorch.global.torch;

import io.convscope.nativebridge.OcclusionKernels;
import io.convscope.nativebridge.TorchRuntime;

/**
 * Where an analysis runs: {@link #CPU}, {@link #CUDA}, or {@link #AUTO}, which takes CUDA when this build has it
 * and LibTorch sees a GPU, else the CPU.
 */
public enum Device {
    CPU, CUDA, AUTO;

    /** {@code cpu}, {@code cuda} or {@code auto}, in any case. */
    public static Device parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw UsageException.of("device", "'" + text + "' is not a device; choose cpu, cuda or auto");
        }
    }

    /**
     * The device this resolves to here, {@link #CPU} or {@link #CUDA}. Fails (exit 1: the machine, not the
     * request) when CUDA was asked for and this build has none, or its LibTorch sees no GPU.
     */
    public Device resolve() {
        TorchRuntime.ensureLoaded();
        return switch (this) {
            case CPU -> CPU;
            case AUTO -> cudaBuild() && torch.cuda_is_available() ? CUDA : CPU;
            case CUDA -> {
                if (!cudaBuild()) {
                    throw new ConvscopeException("device", "device cuda: this build has no CUDA (LibTorch's CPU "
                            + "build); build one with 'mvn -Pgpu package' (see README \"GPU\"), or use the cpu "
                            + "device", null);
                }
                if (!torch.cuda_is_available()) {
                    throw new ConvscopeException("device", "device cuda: no CUDA device is available to LibTorch "
                            + "(no GPU or driver); use the cpu or auto device", null);
                }
                yield CUDA;
            }
        };
    }

    /**
     * Whether this is a {@code -Pgpu} build: the CUDA preset (LibTorch's CUDA build comes with it) on the
     * class path and our CUDA kernels compiled in.
     */
    public static boolean cudaBuild() {
        try {
            Class.forName("org.bytedeco.cuda.global.cudart", false, Device.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return false;
        }
        return OcclusionKernels.cudaCompiled();
    }

    /** {@code cpu}, {@code cuda} or {@code auto}: the name users type. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
