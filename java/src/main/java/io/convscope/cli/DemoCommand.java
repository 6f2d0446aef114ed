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
import io.convscope.image.ImageLoader;
import io.convscope.image.InputImage;
import io.convscope.model.BundledModel;
import io.convscope.occlusion.OcclusionEngine;
import io.convscope.occlusion.OcclusionMap;
import io.convscope.occlusion.OcclusionSpec;
import io.convscope.occlusion.Progress;
import io.convscope.occlusion.Size2;
import io.convscope.render.Overlay;
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
        return "filter pictures, occlusion maps, predictions, receptive fields and activations of the bundled model "
                + "and its sample images, into ./convscope-demo/";
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
            writeFilterPictures(session, model, folder);
            writeOcclusionMaps(session, model, folder);
            // Per sample image: predictions, the receptive-field picture and the top activations.
            DemoAnalysis.write(model, BundledModel.samples(), folder, session);
        }
        session.out.println("demo pictures are in " + folder.toAbsolutePath());
        return 0;
    }

    /** rgb for 3-channel layers, collated for every layer. */
    private static void writeFilterPictures(Session session, TorchModel model, Path folder) {
        String name = model.file().getFileName().toString();
        for (LayerInfo layer : model.layers().convolutions()) {
            ConvWeights weights = ConvWeights.read(model, layer);
            String stem = "filters-" + layer.path().replace('.', '-');
            if (weights.channels() == 3) {
                write(session, folder.resolve(stem + "-rgb.png"),
                        FilterPictures.render(weights, FilterSpec.of(layer.path(), FilterMode.RGB), name).raster());
            }
            write(session, folder.resolve(stem + "-collated.png"),
                    FilterPictures.render(weights, FilterSpec.of(layer.path(), FilterMode.COLLATED), name).raster());
        }
    }

    /**
     * One occlusion map per sample image, for its top-1 class, with a window a quarter of the input and a
     * stride a sixteenth of it (16 and 4 pixels on the bundled 64 x 64 model).
     */
    private static void writeOcclusionMaps(Session session, TorchModel model, Path folder) {
        int size = model.card().crop();
        OcclusionSpec spec = OcclusionSpec.defaults().withWindow(Size2.square(Math.max(1, size / 4)),
                Size2.square(Math.max(1, size / 16)));
        OcclusionEngine engine = new OcclusionEngine(model, false, session.threads());
        for (Path sample : BundledModel.samples()) {
            InputImage input = ImageLoader.load(sample, model.card());
            OcclusionMap map = engine.run(input, spec, Progress.NONE);
            String stem = sample.getFileName().toString().replaceFirst("\\.[^.]+$", "");
            write(session, folder.resolve("occlusion-" + stem + ".png"),
                    Overlay.render(input.picture(), map.perPixel(), OcclusionCommand.title(model, map)));
        }
    }

    static void write(Session session, Path file, Raster picture) {
        Png.write(picture, file);
        if (!session.quiet) {
            session.out.println("wrote " + file);
        }
    }
}
