package io.convscope.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

import io.convscope.OutputFile;
import io.convscope.filters.FilterMode;
import io.convscope.filters.FilterNorm;
import io.convscope.filters.FilterPictures;
import io.convscope.filters.FilterResult;
import io.convscope.filters.FilterSpec;
import io.convscope.model.TorchModel;

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
        FilterSpec spec = new FilterSpec(line.getOptionValue("layer"),
                line.hasOption("mode") ? FilterMode.parse(line.getOptionValue("mode")) : null,
                line.hasOption("norm") ? FilterNorm.parse(line.getOptionValue("norm")) : null,
                line.getOptionValue("colormap"), OptionKit.positiveInt(line, "scale", 0));
        try (TorchModel model = session.loadModel()) {
            long start = System.nanoTime();
            FilterResult result = FilterPictures.run(model, spec);
            result.write(out, npy);
            session.log(String.format("rendered %s in %.1f ms", result.layer().path(), (System.nanoTime() - start) / 1e6));
            if (!session.quiet) {
                session.out.println("wrote " + out.given() + " (" + result.summary() + ")");
            }
        }
        return 0;
    }
}
