package example;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import io.convscope.Device;
import io.convscope.filters.FilterPictures;
import io.convscope.filters.FilterResult;
import io.convscope.filters.FilterSpec;
import io.convscope.image.Input;
import io.convscope.model.BuiltinModel;
import io.convscope.model.TorchModel;
import io.convscope.occlusion.Occlusion;
import io.convscope.occlusion.OcclusionResult;
import io.convscope.occlusion.OcclusionSpec;
import io.convscope.occlusion.Size2;
import io.convscope.predict.PredictSpec;
import io.convscope.predict.Predictions;

/** What a JVM application does with convscope: one call per analysis, pictures in memory or on disk. */
public final class EmbeddingExample {
    public static void main(String[] args) throws Exception {
        Path out = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "example-output"));
        Path modelFile = BuiltinModel.EXPRESSION.modelFile();      // or Path.of("alexnet.pt"): any TorchScript CNN
        BufferedImage photo = ImageIO.read(BuiltinModel.EXPRESSION.sampleFiles().get(0).toFile());  // the astronaut

        try (TorchModel model = TorchModel.load(modelFile)) {      // load once; threads may share it
            // Which part of the picture made the model decide? The stride and score follow the input and the card.
            OcclusionResult occlusion = Occlusion.run(model, Input.of(photo),
                    OcclusionSpec.defaults().withWindow(Size2.square(28)), Device.AUTO);
            System.out.println(occlusion.summary());
            BufferedImage overlay = occlusion.picture().toBufferedImage();      // in memory, for a web response
            occlusion.write(out.resolve("occlusion.png"), out.resolve("occlusion.json"));  // all or none

            // What did the first convolution's filters learn?
            String firstConvolution = model.layers().convolutions().get(0).path();
            FilterResult filters = FilterPictures.run(model, FilterSpec.of(firstConvolution));
            filters.write(out.resolve("filters.png"));
            System.out.println(filters.summary());

            // The top classes, as the map's target is chosen.
            System.out.print(Predictions.run(model, Input.of(photo), PredictSpec.defaults().withTopk(3),
                    Device.AUTO).table());
            System.out.println("overlay " + overlay.getWidth() + "x" + overlay.getHeight() + ", files in " + out);
        }
    }
}
