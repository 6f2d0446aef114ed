package io.convscope.cli;

import java.nio.file.Path;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

import io.convscope.OutputFile;
import io.convscope.Outputs;
import io.convscope.UsageException;
import io.convscope.image.ImageLoader;
import io.convscope.model.LayerInfo;
import io.convscope.model.TorchModel;
import io.convscope.render.Png;
import io.convscope.render.Raster;
import io.convscope.rf.ReceptiveField;
import io.convscope.rf.ReceptiveFieldPicture;
import io.convscope.rf.ReceptiveFields;
import io.convscope.rf.RfPicture;

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
        try (TorchModel model = session.loadModel()) {
            LayerInfo layer = model.layers().find(line.getOptionValue("layer"));
            ReceptiveField field = ReceptiveFields.of(model.layers()).located(layer);
            long[] unit = line.hasOption("unit") ? parseUnit(line.getOptionValue("unit")) : field.centreUnit();
            int size = model.card().crop();
            Raster picture = line.hasOption("image")
                    ? ImageLoader.load(Path.of(line.getOptionValue("image")), model.card(), session.maxPixels())
                            .picture() : null;
            RfPicture drawn = ReceptiveFieldPicture.draw(picture, size, size, field, unit,
                    model.file().getFileName() + " | " + layer.path() + " (" + layer.type() + ")");
            new Outputs().add(out, Png.encode(drawn.raster())).write();
            if (!session.quiet) {
                ReceptiveField.Region r = field.region(unit[0], unit[1]);
                session.out.println("wrote " + out.given() + " (" + layer.path() + " unit " + unit[0] + "," + unit[1]
                        + ": receptive field " + field.sizeText() + " px, rows " + r.top() + ".." + r.bottom()
                        + ", cols " + r.left() + ".." + r.right() + ", jump " + field.jumpText() + ", start "
                        + field.startText() + ")");
            }
        }
        return 0;
    }

    static long[] parseUnit(String text) {
        String[] parts = text.split(",");
        try {
            if (parts.length == 2) {
                return new long[] {Long.parseLong(parts[0].strip()), Long.parseLong(parts[1].strip())};
            }
        } catch (NumberFormatException e) {
            // Falls through to the usage error below.
        }
        throw new UsageException("--unit takes row,col of a unit in the layer's output (e.g. 3,4), got '" + text + "'");
    }
}
