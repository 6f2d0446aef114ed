package io.convscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code convscope demo} with no model argument: the bundled model's filters and occlusion maps. */
class DemoCommandTest {
    @TempDir
    Path dir;
    private String previousCache;

    @BeforeEach
    void useAFreshBundleCache() {
        previousCache = System.getProperty("convscope.cacheDir");
        System.setProperty("convscope.cacheDir", dir.resolve("cache").toString());
    }

    @AfterEach
    void restoreCache() {
        if (previousCache == null) {
            System.clearProperty("convscope.cacheDir");
        } else {
            System.setProperty("convscope.cacheDir", previousCache);
        }
    }

    @Test
    void writesFiltersOfEveryConvLayerAndAnOcclusionMapPerSample() throws IOException {
        Path out = dir.resolve("demo");
        CliRun run = CliRun.of("demo", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().endsWith("demo pictures are in " + out.toAbsolutePath() + "\n"), run.out());
        List<String> expected = List.of("filters-features-0-collated.png", "filters-features-0-rgb.png",
                "filters-features-10-collated.png", "filters-features-3-collated.png",
                "filters-features-6-collated.png", "filters-features-8-collated.png", "occlusion-13-dress.png",
                "occlusion-18-bag.png", "occlusion-19-t-shirt-top.png", "occlusion-2-trouser.png",
                "occlusion-8-sandal.png", "occlusion-9-sneaker.png");
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(expected, files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        for (String file : expected) {
            assertTrue(ImageIO.read(out.resolve(file).toFile()).getWidth() > 200, file + " decodes");
        }
    }
}
