package io.convscope.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

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
        return new Options();
    }

    @Override
    public int run(CommandLine line, Session session) {
        try (TorchModel model = session.loadModel()) {
            LayerReport layers = LayerReport.of(model);
            session.out.print(session.json ? layers.json() + "\n" : layers.table());
        }
        return 0;
    }
}
