package io.convscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.convscope.TestImages;
import io.convscope.TestModels;

/** {@code convscope report} end to end on the tiny model: the page, partial failures and usage errors. */
class ReportCommandTest {
    @TempDir
    Path dir;
    private String model;
    private Path out;

    @BeforeEach
    void tinyModelWithALabelThatNeedsEscaping() throws IOException {
        Path file = Files.copy(TestModels.path("tiny.pt"), dir.resolve("tiny.pt"));
        Files.writeString(dir.resolve("tiny.json"), """
                {"name": "tiny", "input": {"channels": 3, "height": 8, "width": 8}, "resize": 8, "crop": 8,
                 "mean": [0, 0, 0], "std": [1, 1, 1], "labels": ["a<&>", "b"]}
                """);
        model = file.toString();
        out = dir.resolve("report");
    }

    private Document page() throws IOException {
        return Jsoup.parse(out.resolve("index.html").toFile());
    }

    @Test
    void aModelWithoutOneRowOfScoresGetsAnErrorSectionAndExitOne() throws IOException {
        Path black = TestImages.filled(dir, "black.png", 8, 0x000000);
        CliRun run = CliRun.of("report", "--model", TestModels.path("segmenter.pt").toString(), "--image",
                black.toString(), "--out", out.toString());
        assertEquals(1, run.exitCode(), run.err());
        assertEquals("convscope report: error: 1 of 1 images could not be analysed (black.png: the model outputs "
                + "shape 1x2x8x8, and predicting classes needs one row of class scores (1 x K); use a classifier, or "
                + "a model that ends in one); the page shows the errors: " + out.toAbsolutePath().resolve("index.html")
                + "\n", run.err());
        assertEquals(List.of("the model outputs shape 1x2x8x8, and predicting classes needs one row of class scores "
                + "(1 x K); use a classifier, or a model that ends in one"), page().select("p.error").eachText());
    }

    @Test
    void writesOnePageWithTheModelAndASectionPerImage() throws IOException {
        Path red = TestImages.redDot(dir);
        Path black = TestImages.filled(dir, "black.png", 8, 0x000000);
        CliRun run = CliRun.of("report", "--model", model, "--image", red.toString(), black.toString(), "--out",
                out.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("", run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals("black.png: b 0.622, a<&> 0.378", lines.get(1));
        assertEquals("wrote " + out.toAbsolutePath().resolve("index.html") + " (2 images, 2 filter pictures)",
                lines.get(2));

        Document page = page();
        assertEquals(List.of("image-1", "image-2"), page.select("section.image").eachAttr("id"));
        assertEquals(List.of("1. red-dot.png", "2. black.png"), page.select("section.image h3").eachText());
        assertEquals(2, page.select("#filters img").size(), "features.0 and features.2");
        assertEquals(10, page.select("img").size(), "2 filter pictures, and 4 pictures per image");
        for (Element img : page.select("img")) {
            assertFalse(img.attr("alt").isBlank(), img.outerHtml());
            assertEquals(Integer.parseInt(img.attr("width")),
                    ImageIO.read(out.resolve(img.attr("src")).toFile()).getWidth(), img.attr("src"));
        }
        assertEquals(10, page.select("table.layers tbody tr").size());
        assertEquals(List.of("1", "1", "b", "0.6225"),
                page.select("#image-2 table.predictions tbody tr").get(0).select("td").eachText());
        assertEquals(List.of("2", "0", "a<&>", "0.3775"),
                page.select("#image-2 table.predictions tbody tr").get(1).select("td").eachText());
        assertTrue(Files.readString(out.resolve("index.html")).contains("<td>a&lt;&amp;&gt;</td>"));
        assertTrue(page.select(".error").isEmpty());
    }

    @Test
    void oneUnreadableImageAmongSeveralGetsAnErrorEntryAndTheCommandExits1() throws IOException {
        Path red = TestImages.redDot(dir);
        Path missing = dir.resolve("missing.png");
        Path black = TestImages.filled(dir, "black.png", 8, 0x000000);
        CliRun run = CliRun.of("report", "--model", model, "--image", red.toString(), missing.toString(),
                black.toString(), "--out", out.toString());
        assertEquals(1, run.exitCode());
        Path index = out.toAbsolutePath().resolve("index.html");
        assertEquals("convscope report: error: 1 of 3 images could not be analysed (missing.png: image not found: "
                + missing + "); the page shows the others and the errors: " + index + "\n", run.err());
        assertTrue(run.out().contains("missing.png: not analysed: image not found: " + missing + "\n"), run.out());

        Document page = page();
        assertEquals(List.of("image-1", "image-2", "image-3"), page.select("section.image").eachAttr("id"));
        Element failed = page.getElementById("image-2");
        assertEquals("image failed", failed.className());
        assertEquals(List.of("image not found: " + missing), failed.select("p.error").eachText());
        assertTrue(failed.select("img").isEmpty());
        assertEquals(4, page.select("#image-1 img").size());
        assertEquals(4, page.select("#image-3 img").size());
        assertEquals("3 (1 could not be analysed)", page.select("dl.summary dt:containsOwn(images) + dd").text());
    }

    @Test
    void whenNoImageCanBeReadThePageStillShowsTheModelAndTheErrors() throws IOException {
        Path text = Files.writeString(dir.resolve("text.png"), "not a picture");
        Path missing = dir.resolve("missing.png");
        CliRun run = CliRun.of("report", "--model", model, "--image", text.toString(), "--image",
                missing.toString(), "--out", out.toString());
        assertEquals(1, run.exitCode());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("convscope report: error: 2 of 2 images could not be analysed (text.png: "
                + "cannot read image " + text + ": not a decodable image file"), run.err());
        assertTrue(run.err().endsWith("; the page shows the errors: " + out.toAbsolutePath().resolve("index.html")
                + "\n"), run.err());

        Document page = page();
        assertEquals(2, page.select("section.image.failed p.error").size());
        assertTrue(page.select("#images img").isEmpty());
        assertEquals(2, page.select("#filters img").size(), "filters and layers need no image");
        assertEquals(10, page.select("table.layers tbody tr").size());
    }

    @Test
    void layerWindowStrideScoreAndEngineOptionsReachThePage() throws IOException {
        CliRun run = CliRun.of("report", "--model", model, "--image", TestImages.redDot(dir).toString(),
                "--layer", "0", "--window", "4", "--stride", "2x1", "--score", "logprob", "--engine", "full", "--topk",
                "1", "--out",
                out.toString(), "--quiet");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("", run.out());
        Document page = page();
        assertEquals("features.0 (Conv2d)", page.select("dl.summary dt:containsOwn(layer shown) + dd").text());
        assertEquals("window 4, stride 2x1, fill mean, grid, score logprob",
                page.select("dl.summary dt:containsOwn(occlusion) + dd").text());
        assertEquals(1, page.select("#image-1 table.predictions tbody tr").size());
        String caption = page.selectFirst("#image-1 figure.occlusion figcaption").text();
        assertTrue(caption.contains("(stride 2x1, fill mean, 15 windows, full engine)"),
                "rows 0, 2, 4 by columns 0..4");
        assertTrue(caption.startsWith("How much the log-probability of class "), caption);
        assertTrue(page.selectFirst("#image-1 figure.rf figcaption").text().startsWith("Centre unit (3, 3) of "
                + "features.0's 7x7 output"));
    }

    @Test
    void badOptionsAreUsageErrorsAndWriteNoPage() throws IOException {
        String image = TestImages.redDot(dir).toString();
        Path file = Files.writeString(dir.resolve("a-file"), "");
        CliRun notAFolder = CliRun.of("report", "--model", model, "--image", image, "--out", file.toString());
        assertEquals(2, notAFolder.exitCode());
        assertEquals("convscope report: error: " + file + " is a file; give a folder\n", notAFolder.err());

        CliRun noParent = CliRun.of("report", "--model", model, "--image", image, "--out",
                dir.resolve("no/such").toString());
        assertEquals(2, noParent.exitCode());
        assertTrue(noParent.err().contains("does not exist; create it first"), noParent.err());

        CliRun global = CliRun.of("report", "--model", model, "--image", image, "--layer", "avgpool", "--out",
                out.toString());
        assertEquals(2, global.exitCode());
        assertTrue(global.err().startsWith("convscope report: error: every unit of avgpool (AdaptiveAvgPool2d) "
                + "sees the whole input"), global.err());

        CliRun window = CliRun.of("report", "--model", model, "--image", image, "--window", "9", "--out",
                out.toString());
        assertEquals(2, window.exitCode(), window.err());

        CliRun noImage = CliRun.of("report", "--model", model, "--out", out.toString());
        assertEquals(2, noImage.exitCode());
        assertTrue(noImage.err().contains("image"), noImage.err());
        assertFalse(Files.exists(out.resolve("index.html")));
    }
}
