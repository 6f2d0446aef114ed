package io.convscope.batch;

import java.nio.file.Path;

import io.convscope.Device;
import io.convscope.model.BundledModel;
import io.convscope.model.TorchModel;
import io.convscope.nativebridge.TorchRuntime;

/**
 * A batch that dies like a killed process: {@code HaltingBatch IMAGES OUT N} runs {@link BatchTest#SPEC}'s
 * batch and halts the JVM (no shutdown hooks, no finally blocks, as {@code kill -9}) when the N-th image's map
 * is on disk and its row is not.
 */
public final class HaltingBatch {
    static final int HALT_STATUS = 77;

    private HaltingBatch() {
    }

    public static void main(String[] args) {
        int haltAt = Integer.parseInt(args[2]);
        TorchRuntime.ensureLoaded(2);
        try (TorchModel model = TorchModel.load(BundledModel.modelFile())) {
            BatchSpec spec = BatchTest.spec(ImageList.read(Path.of(args[0])), Path.of(args[1]));
            Batch.run(model, spec, Device.CPU, new BatchListener() {
                private int rows;

                @Override
                public void beforeRow(String key) {
                    if (++rows == haltAt) {
                        Runtime.getRuntime().halt(HALT_STATUS);
                    }
                }
            });
        }
        System.exit(0);
    }
}
