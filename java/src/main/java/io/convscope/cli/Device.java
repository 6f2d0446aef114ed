package io.convscope.cli;

import java.util.Locale;

import org.bytedeco.pytorch.global.torch;

import io.convscope.ConvscopeException;
import io.convscope.UsageException;

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

    /** Fails when CUDA was asked for and this LibTorch build cannot see a GPU. */
    void require() {
        if (this == CUDA && !torch.cuda_is_available()) {
            throw new ConvscopeException("--device cuda: LibTorch sees no CUDA device (this is the CPU build of "
                    + "the presets unless built with -Pgpu); use --device cpu or auto");
        }
    }

    String resolved() {
        return this == AUTO ? (torch.cuda_is_available() ? "cuda" : "cpu") : name().toLowerCase(Locale.ROOT);
    }
}
