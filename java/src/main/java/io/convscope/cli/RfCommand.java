package io.convscope.cli;

import java.nio.file.Path;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

import io.convscope.OutputFile;
import io.convscope.image.Input;
import io.convscope.model.TorchModel;
import io.convscope.rf.ReceptiveFields;
import io.convscope.rf.RfResult;
import io.convscope.rf.RfSpec;

/** {@code convscope rf}: draws the receptive field of one unit of a layer over the input image. */
final class RfCommand implements Command {
    @Override
    public String name() {
        return "rf";
    }

    @Override
    public String summary() {
        return "draw the receptive field of a layer's centre unit (or --unit) over the input image";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(OptionKit.required("layer", "L", "layer: index into 'features' (3) or a module path "
                        + "(features.3, layer1.0.conv1); any layer before global pooling"))
                .addOption(OptionKit.value("image", "I", "image to draw on, resized and cropped as the model sees it "
                        + "(default: a plain gray input)"))
                .addOption(OptionKit.value("unit", "ROW,COL", "the unit in the layer's output (default: the centre "
                        + "one)"))
                .addOption(OptionKit.required("out", "F.png", "the picture to write"));
    }

    @Override
    public int run(CommandLine line, Session session) {
        OutputFile out = session.outputFile("out", ".png");
        RfSpec spec = new RfSpec(line.getOptionValue("layer"),
                line.hasOption("unit") ? RfSpec.parseUnit(line.getOptionValue("unit")) : null);
        Input image = line.hasOption("image") ? Input.file(Path.of(line.getOptionValue("image")), session.maxPixels())
                : null;
        try (TorchModel model = session.loadModel()) {
            RfResult result = ReceptiveFields.run(model, spec, image);
            result.write(out);
            if (!session.quiet) {
                session.out.println("wrote " + out.given() + " (" + result.summary() + ")");
            }
        }
        return 0;
    }
}
