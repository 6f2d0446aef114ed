package io.convscope.spark;

import java.nio.file.Path;

import org.apache.spark.SparkFiles;

import io.convscope.model.BuiltinModel;
import io.convscope.model.TorchModel;
import io.convscope.nativebridge.TorchRuntime;

/**
 * The model of this JVM: loaded once by the first task that needs it and shared by every later task (tasks
 * run on several threads; forward passes take no lock). LibTorch comes up through {@link TorchRuntime}, which
 * extracts the native libraries into this executor's JavaCPP cache before the first load, so a fresh cache on
 * a fresh executor loads the bundled LibTorch and never a system one.
 */
final class ExecutorModel {
    private static TorchModel model;
    private static Path loadedFrom;

    private ExecutorModel() {
    }

    /**
     * The model shipped as {@code shippedName} with {@code SparkContext.addFile} (its card beside it), or the
     * default built-in model when that is null; LibTorch with {@code threads} intra-op threads.
     */
    static synchronized TorchModel get(String shippedName, int threads) {
        TorchRuntime.ensureLoaded(threads);
        Path file = shippedName == null ? BuiltinModel.DEFAULT.modelFile() : Path.of(SparkFiles.get(shippedName));
        if (model == null || !file.equals(loadedFrom)) {
            if (model != null) {
                model.close();
            }
            model = TorchModel.load(file);
            loadedFrom = file;
        }
        return model;
    }
}
