package io.convscope;

import java.nio.file.Files;
import java.nio.file.Path;

/** The TorchScript files {@code models/make_test_models.py} writes before the tests run (see the pom). */
public final class TestModels {
    private TestModels() {
    }

    public static Path path(String file) {
        String dir = System.getProperty("convscope.testModels", "target/test-models");
        Path path = Path.of(dir, file);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException(path + " is missing: run 'mvn test', which generates it with "
                    + "models/make_test_models.py");
        }
        return path;
    }
}
