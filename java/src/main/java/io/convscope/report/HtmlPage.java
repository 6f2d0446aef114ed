package io.convscope.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import io.convscope.AtomicFiles;
import io.convscope.ConvscopeException;
import io.convscope.predict.Prediction;
import io.convscope.rf.LayerTable;

/**
 * Renders a {@link Report} as one HTML page, {@code index.html} beside its pictures. Plain HTML and CSS: no
 * script, no font or stylesheet from anywhere else, so the page opens offline and the folder can be moved or
 * zipped as it is. Every picture has alt text and links to itself at full size; the layout is one column of at
 * most 1200 px, and printing hides the navigation and never cuts a figure or table in two. All text from the
 * model, its card and the file names is escaped.
 */
public final class HtmlPage {
    public static final String FILE_NAME = "index.html";

    private HtmlPage() {
    }

    /** Writes {@code folder/index.html} atomically and returns its path. */
    public static Path write(Report report, Path folder) {
        Path page = folder.resolve(FILE_NAME);
        try {
            AtomicFiles.writeString(page, render(report));
        } catch (IOException e) {
            throw new ConvscopeException("cannot write " + page + ": " + e.getMessage(), e);
        }
        return page;
    }

    public static String render(Report report) {
        StringBuilder html = new StringBuilder(16_384);
        ReportHeader h = report.header();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta name=\"generator\" content=\"convscope\">\n")
                // An empty icon, so the browser does not go looking for /favicon.ico.
                .append("<link rel=\"icon\" href=\"data:,\">\n")
                .append("<title>convscope report: ").append(escape(h.modelFile())).append("</title>\n")
                .append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
        header(html, report);
        html.append("<main>\n");
        // Pictures before the table: a model's first-layer filters are the page's first picture, as in the article.
        filters(html, report.filters());
        layers(html, report.layers());
        html.append("<section id=\"images\">\n<h2>Images</h2>\n");
        List<ImageEntry> images = report.images();
        for (int i = 0; i < images.size(); i++) {
            if (images.get(i) instanceof ImageEntry.Analysis a) {
                analysis(html, i + 1, a);
            } else if (images.get(i) instanceof ImageEntry.Failure f) {
                failure(html, i + 1, f);
            }
        }
        html.append("</section>\n</main>\n<footer>\n<p>Made by convscope from ").append(escape(h.modelPath()))
                .append(". Click a picture to see it at full size.</p>\n</footer>\n</body>\n</html>\n");
        return html.toString();
    }

    private static void header(StringBuilder html, Report report) {
        ReportHeader h = report.header();
        int failed = report.failures().size();
        int total = report.images().size();
        html.append("<header>\n<h1>convscope report: ").append(escape(h.modelFile())).append("</h1>\n")
                .append("<dl class=\"summary\">\n");
        item(html, "model file", h.modelPath());
        item(html, "model card", h.cardName());
        item(html, "parameters", String.format(Locale.ROOT, "%,d", h.parameters()));
        item(html, "input", h.input() + " (channels x height x width)");
        item(html, "device", h.device().equals("cpu") ? "cpu" : h.device() + " (occlusion; the rest on the cpu)");
        item(html, "time taken", String.format(Locale.ROOT, "%.1f s", h.seconds()));
        item(html, "images", failed == 0 ? Integer.toString(total)
                : total + " (" + failed + " could not be analysed)");
        item(html, "layer shown", report.layer() + " (" + report.layerType() + ")");
        item(html, "occlusion", "window " + report.occlusion().window() + ", stride " + report.occlusion().stride()
                + ", fill " + report.occlusion().fill() + ", " + report.occlusion().method().cliName() + ", score "
                + report.occlusion().score().cliName());
        html.append("</dl>\n<nav aria-label=\"contents\">\n<ul>\n")
                .append("<li><a href=\"#filters\">Filters</a></li>\n<li><a href=\"#layers\">Layers</a></li>\n");
        List<ImageEntry> images = report.images();
        for (int i = 0; i < images.size(); i++) {
            ImageEntry e = images.get(i);
            html.append("<li><a href=\"#image-").append(i + 1).append('"')
                    .append(e instanceof ImageEntry.Failure ? " class=\"error\"" : "").append('>')
                    .append(escape(e.name())).append(e instanceof ImageEntry.Failure ? " (error)" : "")
                    .append("</a></li>\n");
        }
        html.append("</ul>\n</nav>\n</header>\n");
    }

    private static void item(StringBuilder html, String term, String value) {
        html.append("<div><dt>").append(escape(term)).append("</dt><dd>").append(escape(value))
                .append("</dd></div>\n");
    }

    private static void layers(StringBuilder html, List<LayerTable.Row> rows) {
        html.append("<section id=\"layers\">\n<h2>Layers</h2>\n<p class=\"note\">Receptive field (RF), jump and "
                + "start in input pixels; <code>global</code>: every unit sees the whole input; <code>-</code>: "
                + "unknown or not applicable. Convolutions in bold.</p>\n<div class=\"scroll\">\n"
                + "<table class=\"layers\">\n<thead><tr>");
        for (String heading : LayerTable.HEADINGS) {
            html.append("<th scope=\"col\">").append(escape(heading.toLowerCase(Locale.ROOT))).append("</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        for (LayerTable.Row row : rows) {
            html.append(row.convolution() ? "<tr class=\"conv\">" : "<tr>");
            List<String> cells = row.cells();
            for (int i = 0; i < cells.size(); i++) {
                html.append(i == 0 ? "<td style=\"padding-left:" + (8 + 16 * row.depth()) + "px\">" : "<td>")
                        .append(escape(cells.get(i))).append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table>\n</div>\n</section>\n");
    }

    private static void filters(StringBuilder html, List<Figure> filters) {
        html.append("<section id=\"filters\">\n<h2>Filters</h2>\n");
        if (filters.isEmpty()) {
            html.append("<p class=\"note\">This model has no Conv2d layers.</p>\n");
        }
        html.append("<div class=\"figures\">\n");
        for (Figure f : filters) {
            figure(html, f, "filters");
        }
        html.append("</div>\n</section>\n");
    }

    private static void analysis(StringBuilder html, int number, ImageEntry.Analysis a) {
        html.append("<section class=\"image\" id=\"image-").append(number).append("\">\n<h3>").append(number)
                .append(". ").append(escape(a.name())).append("</h3>\n");
        source(html, a);
        html.append("<div class=\"panels\">\n");
        figure(html, a.input(), "input");
        if (a.predictions().isEmpty()) {
            html.append("<div class=\"predictions\">\n<h4>No predictions</h4>\n<p>The model outputs an embedding, "
                    + "not class scores; the occlusion map shows how far hiding each part moves it.</p>\n</div>\n");
        } else {
            predictions(html, a.predictions());
        }
        figure(html, a.occlusion(), "occlusion");
        figure(html, a.receptiveField(), "rf");
        figure(html, a.activations(), "activations");
        html.append("</div>\n</section>\n");
    }

    private static void predictions(StringBuilder html, List<Prediction> top) {
        html.append("<div class=\"predictions\">\n<h4>Top ").append(top.size())
                .append(" predictions</h4>\n<table class=\"predictions\">\n<thead><tr><th scope=\"col\">rank</th>"
                        + "<th scope=\"col\">class</th><th scope=\"col\">label</th>"
                        + "<th scope=\"col\">probability</th></tr></thead>\n<tbody>\n");
        for (Prediction p : top) {
            html.append(String.format(Locale.ROOT, "<tr><td>%d</td><td>%d</td><td>%s</td><td class=\"p\">"
                            + "<span class=\"meter\"><span class=\"bar\" style=\"width:%.1f%%\"></span></span> "
                            + "%.4f</td></tr>%n", p.rank(), p.index(), escape(p.label()), 100 * p.probability(),
                    p.probability()));
        }
        html.append("</tbody>\n</table>\n</div>\n");
    }

    private static void failure(StringBuilder html, int number, ImageEntry.Failure f) {
        html.append("<section class=\"image failed\" id=\"image-").append(number).append("\">\n<h3>").append(number)
                .append(". ").append(escape(f.name())).append("</h3>\n");
        source(html, f);
        html.append("<p class=\"error\" role=\"alert\">")
                .append(escape(f.message())).append("</p>\n</section>\n");
    }

    /** The path the image was read from, and where it comes from and its licence when the spec says. */
    private static void source(StringBuilder html, ImageEntry e) {
        html.append("<p class=\"source\">").append(escape(e.source())).append("</p>\n");
        if (e.credit() != null) {
            html.append("<p class=\"credit\">Source: ").append(escape(e.credit())).append("</p>\n");
        }
    }

        private static void figure(StringBuilder html, Figure f, String kind) {
        String file = escape(f.file());
        html.append("<figure class=\"").append(kind).append("\">\n<a href=\"").append(file)
                .append("\" title=\"open full size\"><img src=\"").append(file).append("\" width=\"")
                .append(f.width()).append("\" height=\"").append(f.height()).append("\" alt=\"")
                .append(escape(f.alt())).append("\"></a>\n<figcaption>").append(escape(f.caption()))
                .append("</figcaption>\n</figure>\n");
    }

    /** Text and attribute values: the five characters HTML gives meaning to, as entities. */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static final String STYLE = """
            :root { --ink: #1d1d1f; --muted: #55575d; --rule: #d6d6dc; --panel: #f4f4f6; --accent: #2a5db0;
                    --error: #a8001c; --error-bg: #fdecee; }
            * { box-sizing: border-box; }
            body { margin: 0; color: var(--ink); background: #fff;
                   font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
            header, main, footer { max-width: 1200px; margin: 0 auto; padding: 0 24px; }
            h1 { font-size: 1.6rem; margin: 24px 0 12px; overflow-wrap: anywhere; }
            h2 { font-size: 1.3rem; margin: 40px 0 12px; padding-bottom: 4px; border-bottom: 2px solid var(--rule); }
            h3 { font-size: 1.15rem; margin: 0; overflow-wrap: anywhere; }
            h4 { font-size: 1rem; margin: 0 0 8px; }
            code { font-size: 0.9em; }
            dl.summary { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 8px 24px; margin: 0;
                         padding: 12px 16px; background: var(--panel); border-radius: 6px; }
            dl.summary dt { color: var(--muted); font-size: 13px; }
            dl.summary dd { margin: 0; overflow-wrap: anywhere; font-variant-numeric: tabular-nums; }
            nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 16px; padding: 0; margin: 12px 0 0; }
            a { color: var(--accent); }
            a.error, nav a.error { color: var(--error); }
            .note, .source, .credit { color: var(--muted); font-size: 13px; margin: 4px 0 12px;
                                      overflow-wrap: anywhere; }
            .source + .credit { margin-top: -8px; }
            .scroll { overflow-x: auto; }
            table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
            th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--rule); white-space: nowrap; }
            th { font-weight: 600; background: var(--panel); }
            table.layers { width: 100%; font-size: 13px; }
            table.layers tr.conv td { font-weight: 600; }
            table.predictions { width: 100%; }
            .meter { display: inline-block; width: 80px; height: 10px; background: #e3e3e8; vertical-align: middle; }
            .bar { display: block; height: 100%; background: var(--accent); }
            .figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 16px; }
            .panels { display: grid; grid-template-columns: minmax(0, auto) minmax(0, 1fr); gap: 16px;
                      align-items: start; }
            /* The maps carry their own titles and colorbars: full width, so they show at their own size. */
            .panels figure.occlusion, .panels figure.rf, .panels figure.activations { grid-column: 1 / -1; }
            .panels .predictions { max-width: 560px; }
            /* The input's figure is as wide as its picture; width 0 keeps the caption from widening it. */
            .panels figure.input { width: fit-content; max-width: 100%; }
            .panels figure.input figcaption { width: 0; min-width: 100%; }
            figure, .predictions { margin: 0; padding: 8px; background: var(--panel); border-radius: 6px;
                                   break-inside: avoid; }
            figure img { display: block; max-width: 100%; height: auto; background: #282828;
                         image-rendering: pixelated; }
            figcaption { color: var(--muted); font-size: 13px; margin-top: 6px; }
            section.image { margin: 16px 0 24px; padding: 16px; border: 1px solid var(--rule); border-radius: 8px; }
            section.image.failed { border-color: var(--error); }
            p.error { margin: 12px 0 0; padding: 8px 12px; color: var(--error); background: var(--error-bg);
                      border-left: 4px solid var(--error); font-weight: 600; overflow-wrap: anywhere; }
            footer { margin: 32px auto; color: var(--muted); font-size: 13px; overflow-wrap: anywhere; }
            @media print {
              body { font-size: 10pt; }
              header, main, footer { max-width: none; padding: 0; }
              nav { display: none; }
              a { color: inherit; text-decoration: none; }
              h2, h3 { break-after: avoid; }
              figure, .predictions, table.predictions, section.image.failed { break-inside: avoid; }
              .figures { grid-template-columns: repeat(2, minmax(0, 1fr)); }
              .scroll { overflow: visible; }
              dl.summary, figure, .predictions { background: none; border: 1px solid var(--rule); }
              .bar, .meter, p.error { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
            }
            """;
}
