package io.convscope.nativebridge;

import java.io.IOException;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;

import io.convscope.ConvscopeException;

/**
 * Brings LibTorch up once per JVM, safely, and sets its thread count deliberately.
 *
 * <p><b>Why the native files are extracted up front.</b> JavaCPP extracts a preset's libraries into its
 * cache one at a time, each just before it loads it, and the pytorch preset loads {@code libtorch.so}
 * before {@code libtorch_cpu.so}. {@code libtorch.so} is a stub whose only job is to need
 * {@code libtorch_cpu.so}; with an empty cache that file is not yet beside it, so its {@code $ORIGIN}
 * run path finds nothing and the dynamic linker falls back to the system search path. Where a distribution
 * LibTorch is installed (Debian's {@code libtorch-dev} ships {@code /usr/lib/x86_64-linux-gnu/libtorch_cpu.so},
 * version 1.13) that one is loaded. When JavaCPP then loads the real 2.10 {@code libtorch_cpu.so}, its
 * static operator registrations bind to the 1.13 dispatcher already in the process and crash in
 * {@code pthread_mutex_lock}. On the second run every file is cached, {@code $ORIGIN} wins, and all is well.
 * Extracting the whole platform directory of each preset before the first load makes the first run see
 * the same complete directory as every later one.
 */
public final class TorchRuntime {
    /** Presets whose libraries need each other; cuda is there only in the -Pgpu build. */
    private static final String[] PRESETS_WITH_SIBLING_LIBRARIES = {"openblas", "cuda", "pytorch"};
    private static boolean loaded;
    private static boolean threadsSet;

    private TorchRuntime() {
    }

    /**
     * Loads LibTorch (idempotent), sets its intra-op threads to {@code threads} (0: all cores, unless a count was
     * set before) and returns the count in force.
     */
    public static synchronized int ensureLoaded(int threads) {
        if (!loaded) {
            extractNativeDirectories();
            Loader.load(torch.class);
            loaded = true;
        }
        if (threads > 0 || !threadsSet) {
            // LibTorch picks its own default, which was one thread on a two-core machine here; be explicit.
            int wanted = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
            if (torch.get_num_threads() != wanted) {
                torch.set_num_threads(wanted);
            }
            threadsSet = true;
        }
        return torch.get_num_threads();
    }

    /** Loads LibTorch, leaving a thread count set before as it is (all cores on first use). */
    public static int ensureLoaded() {
        return ensureLoaded(0);
    }

    private static void extractNativeDirectories() {
        String platform = Loader.getPlatform();
        for (String preset : PRESETS_WITH_SIBLING_LIBRARIES) {
            String folder = "/org/bytedeco/" + preset + "/" + platform + "/";
            if (TorchRuntime.class.getResource(folder) == null) {
                continue;
            }
            try {
                Loader.cacheResources(folder);
            } catch (IOException e) {
                throw new ConvscopeException("could not extract the " + preset + " native libraries into "
                        + "the JavaCPP cache: " + e.getMessage() + " (set -Dorg.bytedeco.javacpp.cachedir to a writable folder)", e);
            }
        }
    }
}
