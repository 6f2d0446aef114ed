package io.convscope.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

import io.convscope.ConvscopeException;
import io.convscope.filters.FilterMode;
import io.convscope.filters.FilterPictures;
import io.convscope.filters.FilterSpec;
import io.convscope.model.BundledModel;
import io.convscope.model.ConvWeights;
import io.convscope.model.LayerInfo;
import io.convscope.model.TorchModel;
import io.convscope.render.Png;
import io.convscope.render.Raster;

/** {@code convscope demo}: every picture convscope can make of the bundled model, with no arguments. */
final class DemoCommand implements Command {
    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "filter pictures, predictions, receptive fields and activations of the bundled model and samples, "
                + "into ./convscope-demo/";
    }

    @Override
    public Options options() {
        return new Options().addOption(OptionKit.value("out", "DIR", "output folder (default: convscope-demo)"));
    }

    @Override
    public int run(CommandLine line, Session session) {
        Path folder = Path.of(line.getOptionValue("out", "convscope-demo"));
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new ConvscopeException("cannot create " + folder + ": " + e.getMessage(), e);
        }
        try (TorchModel model = session.loadModel()) {
            String name = model.file().getFileName().toString();
            for (LayerInfo layer : model.layers().convolutions()) {
                ConvWeights weights = ConvWeights.read(model, layer);
                String stem = "filters-" + layer.path().replace('.', '-');
                if (weights.channels() == 3) {
                    write(session, folder.resolve(stem + "-rgb.png"),
                            FilterPictures.render(weights, FilterSpec.of(layer.path(), FilterMode.RGB), name));
                }
                write(session, folder.resolve(stem + "-collated.png"),
                        FilterPictures.render(weights, FilterSpec.of(layer.path(), FilterMode.COLLATED), name));
            }
            // Per sample image: predictions, the receptive-field picture and the top activations.
            DemoAnalysis.write(model, BundledModel.samples(), folder, session);
        }
        session.out.println("demo pictures are in " + folder.toAbsolutePath());
        return 0;
    }

    private static void write(Session session, Path file, io.convscope.render.TileSheet sheet) {
        write(session, file, sheet.raster());
    }

    static void write(Session session, Path file, Raster picture) {
        Png.write(picture, file);
        if (!session.quiet) {
            session.out.println("wrote " + file);
        }
    }
}
