package io.convscope.cli;

import java.nio.file.Path;
import java.util.Locale;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

import io.convscope.OutputFile;
import io.convscope.activations.ActivationResult;
import io.convscope.activations.ActivationSpec;
import io.convscope.activations.Activations;
import io.convscope.image.Input;
import io.convscope.model.TorchModel;

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
        ActivationSpec spec = new ActivationSpec(line.getOptionValue("layer"), OptionKit.positiveInt(line, "top", 0),
                line.getOptionValue("colormap"), OptionKit.positiveInt(line, "scale", 0));
        Input image = Input.file(Path.of(line.getOptionValue("image")), session.maxPixels());
        try (TorchModel model = session.loadModel()) {
            long start = System.nanoTime();
            ActivationResult result = Activations.run(model, image, spec, session.device());
            session.log(String.format(Locale.ROOT, "ran up to %s and drew it in %.1f ms", result.layer().path(),
                    (System.nanoTime() - start) / 1e6));
            result.write(out, npy);
            if (!session.quiet) {
                session.out.println("wrote " + out.given() + " (" + result.summary() + ")");
            }
        }
        return 0;
    }
}
