package io.convscope.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.convscope.TestModels;

/**
 * The tiny test model (8 x 8 RGB input, convolutions features.0 and features.2, two classes) copied into a
 * test's folder with a card whose first label needs escaping in HTML.
 */
final class TinyReportModel {
    /** Class 0's name. */
    static final String LABEL = "<&> \"zero\"";

    private TinyReportModel() {
    }

    static Path copyInto(Path dir) throws IOException {
        Path model = Files.copy(TestModels.path("tiny.pt"), dir.resolve("tiny.pt"));
        Files.writeString(dir.resolve("tiny.json"), """
                {"name": "tiny <test>", "input": {"channels": 3, "height": 8, "width": 8}, "resize": 8, "crop": 8,
                 "mean": [0, 0, 0], "std": [1, 1, 1], "labels": ["<&> \\"zero\\"", "b"]}
                """);
        return model;
    }
}
