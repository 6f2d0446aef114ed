package io.convscope.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import io.convscope.image.ImageLoader;
import io.convscope.image.InputImage;

/** The model that ships in the jar: AlexNet's layout, its card, and sample images it classifies correctly. */
class BundledModelTest {

    @Test
    void hasAlexNetsConvolutionIndicesAndARgbFirstLayer() {
        try (TorchModel model = TorchModel.load(BuiltinModel.FASHION.modelFile())) {
            assertEquals(List.of("features.0", "features.3", "features.6", "features.8", "features.10"),
                    model.layers().convolutions().stream().map(LayerInfo::path).toList());
            assertEquals(3, model.layers().find("0").weightShape()[1]);
            assertEquals(10, model.card().labels().size());
            assertEquals(64, model.card().crop());
            assertArrayEquals(new long[] {1, 10}, model.layers().outputShape());
        }
    }

    @Test
    void classifiesEachSampleAsTheClassInItsFileName() {
        try (TorchModel model = TorchModel.load(BuiltinModel.FASHION.modelFile())) {
            List<Path> samples = BuiltinModel.FASHION.sampleFiles();
            assertEquals(6, samples.size());
            for (Path sample : samples) {
                InputImage input = ImageLoader.load(sample, model.card());
                try (PointerScope scope = new PointerScope()) {
                    Tensor x = torch.from_blob(new FloatPointer(input.tensor()), new long[] {1, 3, 64, 64}).clone();
                    int predicted = (int) model.forward(x).argmax().item_long();
                    String slug = model.card().labels().get(predicted).toLowerCase().replaceAll("[^a-z]+", "-");
                    String file = sample.getFileName().toString();
                    assertEquals(file.substring(file.indexOf('-') + 1, file.lastIndexOf('.')), slug, file);
                }
            }
        }
    }
}
