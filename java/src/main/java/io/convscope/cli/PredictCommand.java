package io.convscope.cli;

import java.nio.file.Path;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

import io.convscope.image.Input;
import io.convscope.model.TorchModel;
import io.convscope.predict.PredictSpec;
import io.convscope.predict.PredictionResult;
import io.convscope.predict.Predictions;

/** {@code convscope predict}: the model's top-k classes for an image, with probabilities. */
final class PredictCommand implements Command {
    @Override
    public String name() {
        return "predict";
    }

    @Override
    public String summary() {
        return "print the top-k classes for an image with their probabilities";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(OptionKit.required("image", "I", "the input image"))
                .addOption(OptionKit.value("topk", "K", "how many classes (default 5)"))
                .addOption(OptionKit.value("labels", "F", "class names, one per line in output order (default: the "
                        + "model card's, or ImageNet's for 1000-class models)"));
    }

    @Override
    public int run(CommandLine line, Session session) {
        PredictSpec spec = new PredictSpec(OptionKit.positiveInt(line, "topk", PredictSpec.DEFAULT_TOPK),
                line.hasOption("labels") ? Path.of(line.getOptionValue("labels")) : null);
        Input image = Input.file(Path.of(line.getOptionValue("image")), session.maxPixels());
        try (TorchModel model = session.loadModel()) {
            PredictionResult result = Predictions.run(model, image, spec, session.device());
            session.out.print(session.json ? result.json() + "\n" : result.table());
        }
        return 0;
    }
}
