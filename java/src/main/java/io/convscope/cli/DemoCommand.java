package io.convscope.cli;

import java.nio.file.Path;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

import io.convscope.OutputFolder;
import io.convscope.model.BundledModel;
import io.convscope.model.TorchModel;
import io.convscope.report.ReportSpec;

/** {@code convscope demo}: the report on the bundled model and its sample images, with no arguments. */
final class DemoCommand implements Command {
    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "the HTML report of the bundled model and its sample images, into ./convscope-demo/index.html";
    }

    @Override
    public Options options() {
        return new Options().addOption(OptionKit.value("out", "DIR", "output folder (default: convscope-demo)"));
    }

    @Override
    public int run(CommandLine line, Session session) {
        OutputFolder folder = OutputFolder.check(Path.of(line.getOptionValue("out", "convscope-demo")));
        try (TorchModel model = session.loadModel()) {
            return ReportCommand.write(session, name(), model, ReportSpec.of(BundledModel.samples())
                    .withMaxPixels(session.maxPixels()), folder);
        }
    }
}
