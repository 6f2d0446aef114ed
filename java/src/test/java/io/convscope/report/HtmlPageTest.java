package io.convscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

import io.convscope.model.ModelCard;
import io.convscope.occlusion.OcclusionSpec;
import io.convscope.predict.Prediction;
import io.convscope.rf.LayerTable;

/** The page itself, from a report made by hand: structure, alt text, escaping, and nothing fetched from outside. */
class HtmlPageTest {
    private static final String NASTY = "<b>&\"x'</b>";

    private static Figure figure(String file) {
        return new Figure(file, 64, 48, "alt of " + file + " " + NASTY, "caption of " + file);
    }

    private static Report report() {
        ReportHeader header = new ReportHeader("m<1>.pt", "/models/m<1>.pt", "card & co", 1_234_567, "3x64x64", "cpu",
                2.25);
        List<LayerTable.Row> layers = List.of(
                new LayerTable.Row("features", "Sequential", "-", "-", "1x8x30x30", "5", "2", "2", 0, false),
                new LayerTable.Row("features.0", "Conv2d", "8x3x5x5", "8", "1x8x30x30", "5", "2", "2", 1, true));
        ImageEntry good = new ImageEntry.Analysis("cat.png", "in/cat.png", "A cat by <Ann> & Bo. Licence: CC0.",
                figure("cat-input.png"),
                List.of(new Prediction(1, 3, NASTY, 0.75, 2.0), new Prediction(2, 0, "plain", 0.25, 1.0)),
                figure("cat-occlusion.png"), figure("cat-rf.png"), figure("cat-activations.png"));
        ImageEntry bad = new ImageEntry.Failure("a<b>.png", "in/a<b>.png", null, "image not found: in/a<b>.png");
        return new Report(header, layers, List.of(figure("filters-features-0-rgb.png")), "features.0", "Conv2d",
                OcclusionSpec.defaults().resolvedFor(64, false, ModelCard.imagenetDefaults("m")), List.of(good, bad));
    }

    @Test
    void everyImageHasAltTextAndLinksToItselfAtFullSize() {
        Document page = Jsoup.parse(HtmlPage.render(report()));
        List<Element> images = page.select("img");
        assertEquals(5, images.size(), "1 filter picture + input, occlusion, rf and activations of the good image");
        for (Element img : images) {
            assertEquals("alt of " + img.attr("src") + " " + NASTY, img.attr("alt"));
            assertEquals(img.attr("src"), img.parent().attr("href"), "click to enlarge opens the picture itself");
            assertEquals("64", img.attr("width"));
            assertEquals("48", img.attr("height"));
        }
        assertEquals(List.of("filters-features-0-rgb.png"), page.select("#filters img").eachAttr("src"));
        assertEquals(List.of("cat-input.png", "cat-occlusion.png", "cat-rf.png", "cat-activations.png"),
                page.select("#image-1 img").eachAttr("src"));
    }

    @Test
    void anEmbeddingModelsImageSaysWhyItHasNoPredictions() {
        Report full = report();
        ImageEntry.Analysis cat = (ImageEntry.Analysis) full.images().get(0);
        ImageEntry.Analysis noClasses = new ImageEntry.Analysis(cat.name(), cat.source(), cat.credit(), cat.input(),
                List.of(), cat.occlusion(), cat.receptiveField(), cat.activations());
        Report embedding = new Report(full.header(), full.layers(), full.filters(), full.layer(), full.layerType(),
                full.occlusion(), List.of(noClasses));
        Document page = Jsoup.parse(HtmlPage.render(embedding));
        assertEquals("No predictions", page.selectFirst("#image-1 .predictions h4").text());
        assertTrue(page.select("#image-1 table.predictions").isEmpty());
        assertEquals(List.of("cat-input.png", "cat-occlusion.png", "cat-rf.png", "cat-activations.png"),
                page.select("#image-1 img").eachAttr("src"), "the other analyses are all there");
    }

    @Test
    void eachImageHasItsSectionAndAFailedOneShowsItsErrorMessage() {
        Document page = Jsoup.parse(HtmlPage.render(report()));
        assertEquals(List.of("image-1", "image-2"), page.select("#images > section").eachAttr("id"));
        assertEquals("1. cat.png", page.selectFirst("#image-1 h3").text());
        assertEquals(List.of("1", "3", NASTY, "0.7500"), page.select("#image-1 table.predictions tbody tr")
                .first().select("td").eachText());
        assertEquals("width:75.0%", page.selectFirst("#image-1 .bar").attr("style"));
        assertEquals("in/cat.png", page.selectFirst("#image-1 p.source").text());
        assertEquals("Source: A cat by <Ann> & Bo. Licence: CC0.", page.selectFirst("#image-1 p.credit").text(),
                "the image's source and licence, escaped");

        Element failed = page.getElementById("image-2");
        assertEquals("image failed", failed.className());
        assertEquals("2. a<b>.png", failed.selectFirst("h3").text());
        assertEquals(List.of("image not found: in/a<b>.png"), failed.select("p.error").eachText());
        assertTrue(failed.select("img").isEmpty());
        assertTrue(failed.select("p.credit").isEmpty(), "no credit line where the spec gives none");
        assertEquals("a<b>.png (error)", page.selectFirst("nav a.error").text());
        assertEquals("2 (1 could not be analysed)", summary(page, "images"));
    }

    @Test
    void theHeaderSaysWhatModelOnWhatDeviceAndHowLong() {
        Document page = Jsoup.parse(HtmlPage.render(report()));
        assertEquals("convscope report: m<1>.pt", page.title());
        assertEquals("/models/m<1>.pt", summary(page, "model file"));
        assertEquals("card & co", summary(page, "model card"));
        assertEquals("1,234,567", summary(page, "parameters"));
        assertEquals("3x64x64 (channels x height x width)", summary(page, "input"));
        assertEquals("cpu", summary(page, "device"));
        assertEquals("2.3 s", summary(page, "time taken"));
        assertEquals("features.0 (Conv2d)", summary(page, "layer shown"));
        assertEquals("window 16, stride 4, fill mean, grid, score prob", summary(page, "occlusion"));
        List<Element> rows = page.select("table.layers tbody tr");
        assertEquals(2, rows.size());
        assertEquals(List.of("features.0", "Conv2d", "8x3x5x5", "8", "1x8x30x30", "5", "2", "2"),
                rows.get(1).select("td").eachText());
        assertEquals("conv", rows.get(1).className());
        assertEquals(List.of("layer", "type", "weight", "bias", "output", "rf", "jump", "start"),
                page.select("table.layers thead th").eachText());
    }

    @Test
    void textFromTheModelAndFileNamesIsEscaped() {
        String html = HtmlPage.render(report());
        assertFalse(html.contains(NASTY), "no raw markup from a label");
        assertFalse(html.contains("a<b>"), "no raw markup from a file name");
        assertTrue(html.contains("<td>&lt;b&gt;&amp;&quot;x&#39;&lt;/b&gt;</td>"), "the label, escaped");
        assertTrue(html.contains("<title>convscope report: m&lt;1&gt;.pt</title>"));
        assertEquals("&lt;&amp;&gt;&quot;&#39;", HtmlPage.escape("<&>\"'"));
    }

    @Test
    void nothingIsFetchedFromElsewhereAndThereIsNoScript() {
        Document page = Jsoup.parse(HtmlPage.render(report()));
        assertTrue(page.select("script, iframe, object, embed").isEmpty());
        for (Element e : page.select("[src], [href]")) {
            String url = e.hasAttr("src") ? e.attr("src") : e.attr("href");
            assertTrue(url.matches("[a-z0-9._-]+\\.png|#[a-z0-9-]+|data:,"), e.outerHtml());
        }
        assertFalse(page.selectFirst("style").data().contains("url("), "no fonts or images from the stylesheet");
        assertTrue(page.selectFirst("style").data().contains("@media print"), "a print layout");
    }

    private static String summary(Document page, String term) {
        for (Element item : page.select("dl.summary > div")) {
            if (item.selectFirst("dt").text().equals(term)) {
                return item.selectFirst("dd").text();
            }
        }
        throw new AssertionError("no summary item " + term);
    }
}
