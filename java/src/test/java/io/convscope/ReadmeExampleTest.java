package io.convscope;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * The README's Java code is the embedding example, which CI builds against the installed artifact and runs
 * (scripts/test.sh); this keeps the two from drifting apart.
 */
class ReadmeExampleTest {
    @Test
    void theReadmeShowsTheExampleThatCiRuns() throws IOException {
        Path root = Path.of(System.getProperty("convscope.repoRoot", "."));
        String example = Files.readString(root.resolve("examples/src/main/java/example/EmbeddingExample.java"));
        String readme = Files.readString(root.resolve("README.md"));
        assertTrue(readme.contains("```java\n" + example + "```\n"),
                "README.md's Java API section must hold examples/src/main/java/example/EmbeddingExample.java as it is");
    }
}
