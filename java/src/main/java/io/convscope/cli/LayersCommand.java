package io.convscope.cli;

import java.nio.file.Path;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

import io.convscope.image.Input;
import io.convscope.model.TorchModel;
import io.convscope.rf.LayerReport;

/**
 * {@code convscope layers}: every module with its index path, type, weight and output shapes, and the receptive
 * field of its units (size, jump and start in input pixels; {@code global} where every unit sees the whole input,
 * {@code -} where it is unknown).
 */
final class LayersCommand implements Command {
    @Override
    public String name() {
        return "layers";
    }

    @Override
    public String summary() {
        return "list the model's modules: index path, type, weight shape, output shape, receptive field";
    }

    @Override
    public Options options() {
        return new Options().addOption(OptionKit.value("input", "X.npy", "list shapes and receptive fields for "
                + "this tensor's size (C x H x W or 1 x C x H x W) instead of the card's"));
    }

    @Override
    public int run(CommandLine line, Session session) {
        try (TorchModel model = session.loadModel()) {
            LayerReport layers = line.hasOption("input")
                    ? LayerReport.of(model, Input.npy(Path.of(line.getOptionValue("input")))) : LayerReport.of(model);
            session.out.print(session.json ? layers.json() + "\n" : layers.table());
        }
        return 0;
    }
}
