package io.convscope.model;

import java.nio.file.Path;
import java.util.List;

/**
 * The model that shipped inside the jar before there were several: the fashion net, {@link BuiltinModel#FASHION}.
 * Kept so that code written against it (the examples) runs unchanged; new code names a {@link BuiltinModel}.
 */
public final class BundledModel {
    public static final String NAME = "convscope-fashion";

    private BundledModel() {
    }

    /** The fashion net's TorchScript file on disk, with its card beside it. */
    public static Path modelFile() {
        return BuiltinModel.FASHION.modelFile();
    }

    /** The fashion net's sample images on disk, in a stable order. */
    public static List<Path> samples() {
        return BuiltinModel.FASHION.sampleFiles();
    }
}
