package io.convscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import io.convscope.TestImages;
import io.convscope.browser.BrowserTab;
import io.convscope.browser.Chromium;
import io.convscope.cli.Main;

/**
 * The report as a reader gets it: opened from disk in headless Chromium at 1280 px. Every picture decodes, the
 * console stays clean, no request leaves the machine, nothing is wider than the window, the print layout works,
 * and a failed image shows its error. Screenshots of the demo's page go to {@code target/report-screenshot.png}
 * (the first screen), {@code target/report-screenshot-image.png} (the first image's section) and
 * {@code target/report-screenshot-full.png} (the whole page).
 */
@Timeout(300)
class ReportInBrowserTest {
    private static final Path TARGET = Path.of(System.getProperty("convscope.repoRoot", "."), "target");
    private static final int WIDTH = 1280;

    /** Every img on the page: its src, alt, width attribute, whether it finished loading, its decoded width. */
    private static final String IMAGES = "JSON.stringify(Array.from(document.images).map(i => ({src: "
            + "i.getAttribute('src'), alt: i.alt, width: Number(i.getAttribute('width')), complete: i.complete, "
            + "naturalWidth: i.naturalWidth})))";

    private static Chromium chromium;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startChromium() throws Exception {
        chromium = Chromium.launch(TARGET.resolve("chromium"));
    }

    @AfterAll
    static void stopChromium() {
        if (chromium != null) {
            chromium.close();
        }
    }

    private static int cli(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        System.err.print(err.toString(StandardCharsets.UTF_8));
        return code;
    }

    @Test
    void theDemoPageOpensOfflineWithEveryPictureDecodedAndNoConsoleError() throws Exception {
        Path out = dir.resolve("demo");
        String previousCache = System.getProperty("convscope.cacheDir");
        System.setProperty("convscope.cacheDir", dir.resolve("cache").toString());
        try {
            assertEquals(0, cli("demo", "--out", out.toString(), "--quiet"));
        } finally {
            if (previousCache == null) {
                System.clearProperty("convscope.cacheDir");
            } else {
                System.setProperty("convscope.cacheDir", previousCache);
            }
        }
        long start = System.nanoTime();
        BrowserTab tab = chromium.newTab();
        tab.viewport(WIDTH, 1000);
        tab.open(out.resolve("index.html"));

        List<JsonObject> images = objects(tab.evaluateJson(IMAGES));
        assertEquals(2 + 4 * 4, images.size(), "2 filter pictures (the recognition net's and the expression net's "
                + "first layers), 4 pictures for each of the 4 sample photos");
        for (JsonObject img : images) {
            String src = img.get("src").getAsString();
            assertTrue(img.get("complete").getAsBoolean(), src);
            assertEquals(img.get("width").getAsInt(), img.get("naturalWidth").getAsInt(), src + " decoded");
            assertFalse(img.get("alt").getAsString().isBlank(), src + " has alt text");
        }
        assertEquals(List.of(), tab.errors(), "console and log errors; Chromium says: " + chromium.logTail());
        List<String> requests = tab.requests();
        assertTrue(requests.size() >= 1 + images.size(), requests.toString());
        for (String url : requests) {
            assertTrue(url.startsWith("file:") || url.startsWith("data:"), "a request left the machine: " + url);
        }
        assertTrue(tab.evaluate("document.documentElement.scrollWidth").getAsInt() <= WIDTH,
                "nothing is wider than a 1280 px window");
        assertEquals(4, tab.evaluate("document.querySelectorAll('section.image').length").getAsInt());

        tab.screenshot(TARGET.resolve("report-screenshot.png"), false);
        tab.screenshot(TARGET.resolve("report-screenshot-full.png"), true);
        tab.screenshotOf("#image-1", TARGET.resolve("report-screenshot-image.png"));
        assertEquals(WIDTH, ImageIO.read(TARGET.resolve("report-screenshot.png").toFile()).getWidth());
        assertTrue(ImageIO.read(TARGET.resolve("report-screenshot-full.png").toFile()).getHeight() > 2000);

        tab.media("print");
        assertEquals("none", tab.evaluate("getComputedStyle(document.querySelector('nav')).display").getAsString(),
                "print leaves out the navigation");
        byte[] pdf = tab.printToPdf();
        assertEquals("%PDF", new String(pdf, 0, 4, StandardCharsets.US_ASCII));
        System.out.printf("browser checks of the demo page took %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    @Test
    void anUnreadableImageShowsAVisibleErrorNextToTheGoodOnes() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("partial"));
        Path model = TinyReportModel.copyInto(folder);
        Path good = TestImages.redDot(folder);
        Path bad = Files.writeString(folder.resolve("broken <1>.png"), "not a picture");
        Path out = folder.resolve("report");
        assertEquals(1, cli("report", "--model", model.toString(), "--image", good.toString(), bad.toString(),
                "--out", out.toString(), "--quiet"));

        BrowserTab tab = chromium.newTab();
        tab.viewport(WIDTH, 900);
        tab.open(out.resolve("index.html"));
        List<JsonObject> images = objects(tab.evaluateJson(IMAGES));
        assertEquals(2 + 4, images.size(), "2 filter pictures and the good image's 4");
        for (JsonObject img : images) {
            assertTrue(img.get("naturalWidth").getAsInt() > 0, img.get("src").getAsString());
        }
        JsonObject error = tab.evaluateJson("JSON.stringify((() => { const e = document.querySelector("
                + "'#image-2 p.error'); const r = e.getBoundingClientRect(); return {text: e.textContent, "
                + "height: r.height, display: getComputedStyle(e).display, heading: "
                + "document.querySelector('#image-2 h3').textContent}; })())").getAsJsonObject();
        assertEquals("cannot read image " + bad + ": not a decodable image file (convscope reads PNG, JPEG, BMP, "
                + "TIFF and WebP)", error.get("text").getAsString());
        assertEquals("2. broken <1>.png", error.get("heading").getAsString());
        assertEquals("block", error.get("display").getAsString());
        assertTrue(error.get("height").getAsDouble() > 10, "the error takes visible space");
        assertEquals(List.of(), tab.errors());
    }

    private static List<JsonObject> objects(JsonElement array) {
        return array.getAsJsonArray().asList().stream().map(JsonElement::getAsJsonObject).toList();
    }

    static {
        // Fails here, with the fix, rather than as a NullPointerException in every test.
        try {
            Files.createDirectories(TARGET);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + TARGET, e);
        }
    }
}
