package io.convscope.cli;

import java.nio.file.Path;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

import io.convscope.OutputFile;
import io.convscope.Outputs;
import io.convscope.UsageException;
import io.convscope.filters.FilterMode;
import io.convscope.filters.FilterNorm;
import io.convscope.filters.FilterPictures;
import io.convscope.filters.FilterSpec;
import io.convscope.image.Npy;
import io.convscope.model.ConvWeights;
import io.convscope.model.LayerInfo;
import io.convscope.model.TorchModel;
import io.convscope.render.Png;
import io.convscope.render.TileSheet;

/** {@code convscope filters}: draws one convolution layer's filters. */
final class FiltersCommand implements Command {
    @Override
    public String name() {
        return "filters";
    }

    @Override
    public String summary() {
        return "draw a convolution layer's filters (rgb, channels or collated)";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(OptionKit.required("layer", "L", "conv layer: index into 'features' (3) or a module path "
                        + "(features.3, layer1.0.conv1)"))
                .addOption(OptionKit.value("mode", "MODE", "rgb | channels | collated (default: rgb for 3-channel "
                        + "layers, else collated)"))
                .addOption(OptionKit.value("norm", "NORM", "minmax | zscore | global (default: minmax, global for "
                        + "collated)"))
                .addOption(OptionKit.value("colormap", "NAME", "colormap of channel tiles: viridis (default), gray, "
                        + "or any OpenCV colormap"))
                .addOption(OptionKit.value("scale", "N", "pixels per weight (default: automatic)"))
                .addOption(OptionKit.required("out", "F.png", "the picture to write"))
                .addOption(OptionKit.value("npy", "F.npy", "also write the raw weight tensor as float32 .npy"));
    }

    @Override
    public int run(CommandLine line, Session session) {
        OutputFile out = session.outputFile("out", ".png");
        OutputFile npy = session.outputFile("npy", ".npy");
        int scale = OptionKit.positiveInt(line, "scale", 0);
        if (scale > 64) {
            throw new UsageException("--scale must be 1..64 pixels per weight, got " + scale);
        }
        try (TorchModel model = session.loadModel()) {
            long start = System.nanoTime();
            LayerInfo layer = model.layers().findConvolution(line.getOptionValue("layer"));
            ConvWeights weights = ConvWeights.read(model, layer);
            FilterMode mode = line.hasOption("mode") ? FilterMode.parse(line.getOptionValue("mode"))
                    : FilterMode.defaultFor(weights.channels());
            FilterNorm norm = line.hasOption("norm") ? FilterNorm.parse(line.getOptionValue("norm")) : null;
            FilterSpec spec = new FilterSpec(layer.path(), mode, norm, line.getOptionValue("colormap"), scale);
            TileSheet sheet = FilterPictures.render(weights, spec, model.file().getFileName().toString());
            new Outputs().add(out, Png.encode(sheet.raster()))
                    .add(npy, npy == null ? null : Npy.encode(weights.shape(), weights.values())).write();
            session.log(String.format("rendered %s in %.1f ms", layer.path(), (System.nanoTime() - start) / 1e6));
            if (!session.quiet) {
                session.out.println("wrote " + out.given() + " (" + sheet.raster().width() + "x"
                        + sheet.raster().height()
                        + ", " + sheet.tileCount() + " tiles of " + layer.path() + " " + LayerInfo.format(
                        weights.shape()) + ")");
            }
        }
        return 0;
    }
}
