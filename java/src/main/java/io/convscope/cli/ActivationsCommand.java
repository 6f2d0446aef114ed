package io.convscope.cli;

import java.nio.file.Path;
import java.util.Locale;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

import io.convscope.OutputFile;
import io.convscope.Outputs;
import io.convscope.activations.ActivationPictures;
import io.convscope.OutputFile;
import io.convscope.Outputs;
import io.convscope.activations.ActivationSpec;
import io.convscope.OutputFile;
import io.convscope.Outputs;
import io.convscope.activations.Activations;
import io.convscope.OutputFile;
import io.convscope.Outputs;
import io.convscope.activations.FeatureMaps;
import io.convscope.image.ImageLoader;
import io.convscope.image.InputImage;
import io.convscope.image.Npy;
import io.convscope.model.LayerInfo;
import io.convscope.model.TorchModel;
import io.convscope.render.Png;
import io.convscope.render.TileSheet;

/** {@code convscope activations}: a layer's feature maps for one image. */
final class ActivationsCommand implements Command {
    @Override
    public String name() {
        return "activations";
    }

    @Override
    public String summary() {
        return "draw a layer's feature maps for an image, highest mean activation first";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(OptionKit.required("image", "I", "the input image"))
                .addOption(OptionKit.required("layer", "L", "layer: index into 'features' (3) or a module path "
                        + "(features.3, layer1.0); any layer with a CxHxW output"))
                .addOption(OptionKit.value("top", "N", "draw only the N maps with the highest mean (default: all)"))
                .addOption(OptionKit.value("colormap", "NAME", "viridis (default), gray, or any OpenCV colormap"))
                .addOption(OptionKit.value("scale", "N", "pixels per activation (default: automatic)"))
                .addOption(OptionKit.required("out", "F.png", "the picture to write"))
                .addOption(OptionKit.value("npy", "F.npy", "also write the raw activations (1xCxHxW float32)"));
    }

    @Override
    public int run(CommandLine line, Session session) {
        OutputFile out = session.outputFile("out", ".png");
        OutputFile npy = session.outputFile("npy", ".npy");
        ActivationSpec spec = new ActivationSpec(OptionKit.positiveInt(line, "top", 0),
                line.getOptionValue("colormap"), OptionKit.positiveInt(line, "scale", 0));
        try (TorchModel model = session.loadModel()) {
            LayerInfo layer = model.layers().find(line.getOptionValue("layer"));
            InputImage image = ImageLoader.load(Path.of(line.getOptionValue("image")), model.card(),
                    session.maxPixels());
            long start = System.nanoTime();
            FeatureMaps maps = Activations.of(model, layer, image);
            session.log(String.format(Locale.ROOT, "ran up to %s in %.1f ms", layer.path(),
                    (System.nanoTime() - start) / 1e6));
            TileSheet sheet = ActivationPictures.render(maps, spec, model.file().getFileName() + " | "
                    + layer.path() + " (" + layer.type() + ") | " + image.source().getFileName());
            new Outputs().add(out, Png.encode(sheet.raster()))
                    .add(npy, npy == null ? null : Npy.encode(maps.shape(), maps.values())).write();
            if (!session.quiet) {
                session.out.println("wrote " + out.given() + " (" + sheet.tileCount() + " of " + maps.channels()
                        + " maps of "
                        + layer.path() + " " + LayerInfo.format(maps.shape()) + ")");
            }
        }
        return 0;
    }
}
