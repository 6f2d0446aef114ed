package io.convscope.cli;

import java.nio.file.Path;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

import io.convscope.OutputFolder;
import io.convscope.model.BuiltinModel;
import io.convscope.model.TorchModel;
import io.convscope.report.Demo;

/**
 * {@code convscope demo}: the report of a built-in model (the expression net unless {@code --model} names another)
 * on its sample photos, with no arguments.
 */
final class DemoCommand implements Command {
    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "the HTML report of a built-in model (default: the expression net) on its sample photos, into "
                + "./convscope-demo/index.html";
    }

    @Override
    public Options options() {
        return new Options().addOption(OptionKit.value("out", "DIR", "output folder (default: convscope-demo)"));
    }

    @Override
    public int run(CommandLine line, Session session) {
        OutputFolder folder = OutputFolder.check(Path.of(line.getOptionValue("out", "convscope-demo")));
        BuiltinModel builtin = BuiltinModel.of(line.getOptionValue("model", BuiltinModel.DEFAULT.spec()));
        try (TorchModel model = session.loadModel()) {
            return ReportCommand.write(session, name(), model, Demo.spec(builtin).withMaxPixels(session.maxPixels()),
                    folder);
        }
    }
}
