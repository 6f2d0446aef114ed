package io.convscope.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

import io.convscope.OutputFolder;
import io.convscope.model.TorchModel;
import io.convscope.occlusion.Engine;
import io.convscope.occlusion.OcclusionSpec;
import io.convscope.occlusion.Score;
import io.convscope.occlusion.Size2;
import io.convscope.report.ImageEntry;
import io.convscope.report.Report;
import io.convscope.report.ReportSpec;
import io.convscope.report.Reports;

/**
 * {@code convscope report}: one HTML page, {@code DIR/index.html} beside its pictures, with the layer table,
 * the filters of every convolution, and each image's predictions, occlusion map, receptive field and
 * activations. Images that cannot be analysed get an error entry on the page, and the command exits 1.
 */
final class ReportCommand implements Command {
    @Override
    public String name() {
        return "report";
    }

    @Override
    public String summary() {
        return "an HTML page (DIR/index.html and its pictures) with layers, filters, and for each image its "
                + "predictions, occlusion map, receptive field and activations";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(OptionKit.requiredValues("image", "I...", "one or more images (PNG, JPEG, ...)"))
                .addOption(OptionKit.value("layer", "L", "the layer whose receptive field and activations are "
                        + "shown (default: the last convolution)"))
                .addOption(OptionKit.value("window", "N|HxW", "occlusion window (default: a quarter of the input "
                        + "side)"))
                .addOption(OptionKit.value("stride", "N|HxW", "occlusion stride (default: a sixteenth of the input "
                        + "side)"))
                .addOption(OptionKit.value("engine", "E", "occlusion engine: auto (default), incremental or full"))
                .addOption(OptionKit.value("score", "S", "occlusion score: prob, logit, logprob or similarity "
                        + "(default: the model card's, else prob)"))
                .addOption(OptionKit.value("topk", "K", "classes listed per image (default 5)"))
                .addOption(OptionKit.required("out", "DIR", "the folder to write index.html and its pictures into "
                        + "(created if missing)"));
    }

    @Override
    public int run(CommandLine line, Session session) {
        OutputFolder folder = OutputFolder.check(Path.of(line.getOptionValue("out")));
        List<Path> images = Arrays.stream(line.getOptionValues("image")).map(Path::of).toList();
        OcclusionSpec occlusion = OcclusionSpec.defaults().withEngine(Engine.parse(line.getOptionValue("engine", "auto")));
        if (line.hasOption("window")) {
            occlusion = occlusion.withWindow(Size2.parse("window", line.getOptionValue("window")));
        }
        if (line.hasOption("stride")) {
            occlusion = occlusion.withStride(Size2.parse("stride", line.getOptionValue("stride")));
        }
        if (line.hasOption("score")) {
            occlusion = occlusion.withScore(Score.parse(line.getOptionValue("score")));
        }
        ReportSpec spec = ReportSpec.of(images).withLayer(line.getOptionValue("layer")).withOcclusion(occlusion)
                .withTopk(OptionKit.intValue(line, "topk", ReportSpec.DEFAULT_TOPK)).withMaxPixels(session.maxPixels());
        try (TorchModel model = session.loadModel()) {
            return write(session, name(), model, spec, folder);
        }
    }

    /**
     * Writes the report (see {@link Reports}) and says what happened: 0 when every image was analysed, else 1
     * after writing the page, with one line on stderr. A failure that stops the report (a usage error) leaves
     * the folder as it was.
     */
    static int write(Session session, String command, TorchModel model, ReportSpec spec, OutputFolder folder) {
        Report report = Reports.write(model, spec, session.device(), folder);
        Path page = Reports.page(folder);
        session.log(String.format(Locale.ROOT, "report computed in %.1f s", report.header().seconds()));
        if (!session.quiet) {
            for (ImageEntry entry : report.images()) {
                session.out.println(entry.name() + ": " + describe(entry));
            }
            session.out.println("wrote " + page + " (" + report.images().size() + " images, "
                    + report.filters().size() + " filter pictures)");
        }
        List<ImageEntry.Failure> failures = report.failures();
        if (failures.isEmpty()) {
            return 0;
        }
        ImageEntry.Failure first = failures.get(0);
        session.err.println("convscope " + command + ": error: " + failures.size() + " of " + report.images().size()
                + " images could not be analysed (" + first.name() + ": " + first.message() + "); the page shows "
                + (failures.size() == report.images().size() ? "the errors" : "the others and the errors")
                + ": " + page);
        return 1;
    }

    private static String describe(ImageEntry entry) {
        if (entry instanceof ImageEntry.Analysis a) {
            return a.predictions().stream().limit(3)
                    .map(p -> String.format(Locale.ROOT, "%s %.3f", p.label(), p.probability()))
                    .collect(Collectors.joining(", "));
        }
        return "not analysed: " + ((ImageEntry.Failure) entry).message();
    }
}
