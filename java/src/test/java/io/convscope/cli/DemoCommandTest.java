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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.convscope.FreshBuiltinCache;

/**
 * {@code convscope demo}: with no model argument the report of the expression net on its sample photos, with the
 * recognition net's filters; with {@code --model builtin:fashion} that of the fashion net and its samples.
 */
@ExtendWith(FreshBuiltinCache.class)
class DemoCommandTest {
    @TempDir
    Path dir;

    @Test
    void theDefaultDemoShowsTheRecognitionNetsFiltersAndTheExpressionNetOnPhotosWithTheirLicences()
            throws IOException {
        Path out = dir.resolve("demo");
        CliRun run = CliRun.of("demo", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        Path index = out.toAbsolutePath().resolve("index.html");
        assertTrue(run.out().startsWith("astronaut-face.png: happy 1.000, "), run.out());
        assertTrue(run.out().endsWith("wrote " + index + " (4 images, 2 filter pictures)\n"), run.out());
        // In the order of the expression net's lines in models/samples/index.txt, which is the page order.
        List<String> samples = List.of("astronaut-face", "cat-face", "coffee-cup", "rocket");
        List<String> pictures = new ArrayList<>(List.of("filters-face-recognition-conv-rgb.png",
                "filters-dense0-conv0-conv-rgb.png"));
        for (String sample : samples) {
            for (String kind : List.of("input", "occlusion", "rf", "activations")) {
                pictures.add(sample + "-" + kind + ".png");
            }
        }
        Document page = Jsoup.parse(index.toFile());
        assertEquals(pictures, page.select("img").eachAttr("src"), "every picture is on the page, in page order");
        assertEquals(560, ImageIO.read(out.resolve(pictures.get(0)).toFile()).getWidth(),
                "32 RGB tiles of 7x7 weights, 7 px per weight, 6 a row");
        assertTrue(page.select("#filters figcaption").first().text().startsWith("face-recognition.pt, conv: 32 "
                + "filters of 7x7, one RGB tile each"), page.select("#filters figcaption").first().text());
        assertEquals("expression.pt", page.select("dl.summary dt:containsOwn(model file) + dd").text()
                .replaceAll(".*/", ""));
        assertEquals("dense1 (DenseBlock)", page.select("dl.summary dt:containsOwn(layer shown) + dd").text());
        assertEquals("window 28, stride 7, fill mean, grid, score logit",
                page.select("dl.summary dt:containsOwn(occlusion) + dd").text());
        // The layer table has the receptive fields of the padded, strided blocks (ZeroPad2d included).
        assertEquals(List.of("dense2", "DenseBlock", "-", "-", "1x128x14x14", "99", "8", "7"),
                page.select("table.layers tr:has(td:matchesOwn(^dense2$)) td").eachText());

        List<Element> sections = page.select("section.image");
        assertEquals(samples.size(), sections.size());
        List<String> licences = List.of("public domain", "CC0", "CC0", "public domain");
        for (int i = 0; i < samples.size(); i++) {
            Element section = sections.get(i);
            assertEquals((i + 1) + ". " + samples.get(i) + ".png", section.selectFirst("h3").text());
            String credit = section.selectFirst("p.credit").text();
            assertTrue(credit.startsWith("Source: ") && credit.endsWith("Licence: " + licences.get(i) + "."), credit);
        }
        Element astronaut = sections.get(0);
        assertTrue(astronaut.selectFirst("p.credit").text().contains("NASA"));
        assertEquals("happy", astronaut.select("table.predictions tbody tr td").get(2).text());
        assertTrue(astronaut.selectFirst("figure.occlusion figcaption").text().contains("largest drop 10.6"),
                astronaut.selectFirst("figure.occlusion figcaption").text());
    }

    @Test
    void theFashionDemoIsTheReportOfTheFashionNetWithASectionPerSample() throws IOException {
        Path out = dir.resolve("demo");
        CliRun run = CliRun.of("demo", "--model", "builtin:fashion", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        Path index = out.toAbsolutePath().resolve("index.html");
        assertTrue(run.out().endsWith("wrote " + index + " (6 images, 5 filter pictures)\n"), run.out());
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
        assertEquals("window 16, stride 4, fill mean, grid, score prob",
                page.select("dl.summary dt:containsOwn(occlusion) + dd").text());
        List<Element> sections = page.select("section.image");
        assertEquals(samples.size(), sections.size());
        // The fashion net gets every sample right: its top-1 label is the class in the file name.
        for (int i = 0; i < samples.size(); i++) {
            Element section = sections.get(i);
            assertEquals((i + 1) + ". " + samples.get(i) + ".png", section.selectFirst("h3").text());
            assertTrue(section.selectFirst("p.credit").text().endsWith("Licence: MIT."));
            assertEquals(5, section.select("table.predictions tbody tr").size());
            String top = section.select("table.predictions tbody tr td").get(2).text();
            assertEquals(samples.get(i).substring(samples.get(i).indexOf('-') + 1),
                    top.toLowerCase(Locale.ROOT).replaceAll("[^a-z]+", "-"));
        }
    }
}
