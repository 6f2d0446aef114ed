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
    void writesFiltersOfEveryConvLayerAndTheAnalysesOfEverySample() throws IOException {
        Path out = dir.resolve("demo");
        CliRun run = CliRun.of("demo", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().endsWith("demo pictures are in " + out.toAbsolutePath() + "\n"), run.out());
        List<String> samples = List.of("13-dress", "18-bag", "19-t-shirt-top", "2-trouser", "8-sandal", "9-sneaker");
        List<String> pictures = new java.util.ArrayList<>(List.of("filters-features-0-collated.png",
                "filters-features-0-rgb.png", "filters-features-10-collated.png", "filters-features-3-collated.png",
                "filters-features-6-collated.png", "filters-features-8-collated.png"));
        for (String kind : List.of("activations", "occlusion", "rf")) {
            samples.forEach(sample -> pictures.add(kind + "-" + sample + ".png"));
        }
        List<String> expected = new java.util.ArrayList<>(pictures);
        expected.add("predictions.txt");
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(expected.stream().sorted().toList(),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        for (String file : pictures) {
            assertTrue(ImageIO.read(out.resolve(file).toFile()).getWidth() > 200, file + " decodes");
        }
        // The bundled model gets every sample right: its top-1 label is the class in the file name.
        for (String line : Files.readAllLines(out.resolve("predictions.txt"))) {
            String file = line.substring(0, line.indexOf(':'));
            String top = line.substring(line.indexOf(':') + 2, line.indexOf(','));
            String label = top.substring(0, top.lastIndexOf(' ')).toLowerCase().replaceAll("[^a-z]+", "-");
            assertEquals(file.substring(file.indexOf('-') + 1, file.lastIndexOf('.')), label, line);
        }
    }
}
