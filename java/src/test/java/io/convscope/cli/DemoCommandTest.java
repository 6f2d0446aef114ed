package io.convscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code convscope demo} with no model argument: the report of the bundled model and its samples. */
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
    void writesTheReportOfTheBundledModelWithASectionPerSample() throws IOException {
        Path out = dir.resolve("demo");
        CliRun run = CliRun.of("demo", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        Path index = out.toAbsolutePath().resolve("index.html");
        assertTrue(run.out().endsWith("wrote " + index + " (6 images, 5 filter pictures)\n"), run.out());
        // In the order of models/samples/index.txt, which is the page order.
        List<String> samples = List.of("2-trouser", "8-sandal", "9-sneaker", "13-dress", "18-bag", "19-t-shirt-top");
        List<String> pictures = new ArrayList<>(List.of("filters-features-0-rgb.png",
                "filters-features-3-collated.png", "filters-features-6-collated.png",
                "filters-features-8-collated.png", "filters-features-10-collated.png"));
        for (String sample : samples) {
            for (String kind : List.of("input", "occlusion", "rf", "activations")) {
                pictures.add(sample + "-" + kind + ".png");
            }
        }
        List<String> expected = new ArrayList<>(pictures);
        expected.add("index.html");
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(expected.stream().sorted().toList(),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }

        Document page = Jsoup.parse(index.toFile());
        assertEquals(pictures, page.select("img").eachAttr("src"), "every picture is on the page, in page order");
        for (String file : pictures) {
            assertTrue(ImageIO.read(out.resolve(file).toFile()).getWidth() > 200, file + " decodes");
        }
        assertEquals("514,762", page.select("dl.summary dt:containsOwn(parameters) + dd").text());
        assertEquals("features.10 (Conv2d)", page.select("dl.summary dt:containsOwn(layer shown) + dd").text());
        assertEquals("window 16, stride 4, fill mean, grid",
                page.select("dl.summary dt:containsOwn(occlusion) + dd").text());
        List<Element> sections = page.select("section.image");
        assertEquals(samples.size(), sections.size());
        // The bundled model gets every sample right: its top-1 label is the class in the file name.
        for (int i = 0; i < samples.size(); i++) {
            Element section = sections.get(i);
            assertEquals((i + 1) + ". " + samples.get(i) + ".png", section.selectFirst("h3").text());
            assertEquals(5, section.select("table.predictions tbody tr").size());
            String top = section.select("table.predictions tbody tr td").get(2).text();
            assertEquals(samples.get(i).substring(samples.get(i).indexOf('-') + 1),
                    top.toLowerCase(Locale.ROOT).replaceAll("[^a-z]+", "-"));
        }
    }
}
