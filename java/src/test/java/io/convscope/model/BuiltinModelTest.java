package io.convscope.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.convscope.FreshBuiltinCache;
import io.convscope.UsageException;
import io.convscope.image.ImageLoader;
import io.convscope.image.InputImage;

/** The models that ship in the jar: names, cards, samples with their licences, and the cache they unpack to. */
@ExtendWith(FreshBuiltinCache.class)
class BuiltinModelTest {
    @Test
    void modelArgumentsNameBuiltinModelsOrFiles() {
        assertEquals(BuiltinModel.EXPRESSION, BuiltinModel.DEFAULT);
        assertEquals("builtin:face-recognition", BuiltinModel.FACE_RECOGNITION.spec());
        assertEquals(BuiltinModel.FASHION.modelFile(), BuiltinModel.fileFor("builtin:fashion"));
        assertEquals(Path.of("alexnet.pt"), BuiltinModel.fileFor("alexnet.pt"));
        UsageException unknown = assertThrows(UsageException.class, () -> BuiltinModel.fileFor("builtin:alexnet"));
        assertEquals("model", unknown.field());
        assertEquals("model 'builtin:alexnet' names no built-in model; the built-in models are builtin:expression, "
                + "builtin:face-recognition, builtin:fashion", unknown.getMessage());
        assertThrows(UsageException.class, () -> BuiltinModel.of("alexnet.pt"));
    }

    @Test
    void eachModelUnpacksOnceWithItsCardAndSamplesIntoAFolderNamedByItsContent() throws IOException {
        Path expression = BuiltinModel.EXPRESSION.modelFile();
        assertTrue(expression.startsWith(FreshBuiltinCache.folder()), expression.toString());
        assertEquals("expression.pt", expression.getFileName().toString());
        assertTrue(expression.getParent().getFileName().toString().matches("expression-[0-9a-f]{12}"));
        assertTrue(Files.isRegularFile(expression.resolveSibling("expression.json")));
        assertTrue(Files.isRegularFile(expression.resolveSibling(".complete")));
        assertEquals(Files.size(Path.of(System.getProperty("convscope.repoRoot", "."), "models/builtin/expression.pt")),
                Files.size(expression));
        long written = Files.getLastModifiedTime(expression).toMillis();
        assertEquals(written, Files.getLastModifiedTime(BuiltinModel.EXPRESSION.modelFile()).toMillis(),
                "a complete folder is used as it is");
        assertNotEquals(expression.getParent(), BuiltinModel.FASHION.modelFile().getParent());
        // A copy cut short (no marker) is written again.
        Files.delete(expression.resolveSibling(".complete"));
        Files.write(expression, new byte[] {1, 2, 3});
        assertEquals(Files.size(Path.of(System.getProperty("convscope.repoRoot", "."), "models/builtin/expression.pt")),
                Files.size(BuiltinModel.EXPRESSION.modelFile()));
    }

    @Test
    void everySampleHasItsLicenceAndSourceAndTheModelsSize() throws IOException {
        assertEquals(List.of("astronaut-face.png", "cat-face.png", "coffee-cup.png", "rocket.png"),
                BuiltinModel.EXPRESSION.samples().stream().map(Sample::name).toList());
        assertEquals(List.of("public domain", "CC0", "CC0", "public domain"),
                BuiltinModel.EXPRESSION.samples().stream().map(Sample::licence).toList());
        assertEquals(List.of("astronaut-face-150.png"),
                BuiltinModel.FACE_RECOGNITION.samples().stream().map(Sample::name).toList());
        for (BuiltinModel m : BuiltinModel.values()) {
            ModelCard card = ModelCard.besideModel(m.modelFile());
            for (Sample s : m.samples()) {
                assertEquals(m.shortName(), s.model());
                assertTrue(s.credit().startsWith(s.source()) && s.credit().endsWith("Licence: " + s.licence() + "."));
                var picture = javax.imageio.ImageIO.read(s.file().toFile());
                assertEquals(m == BuiltinModel.FASHION ? 192 : card.crop(), picture.getWidth(), s.name());
            }
        }
    }

    @Test
    void theCardsNameTheirOcclusionScoreAndSource() {
        assertEquals("logit", ModelCard.besideModel(BuiltinModel.EXPRESSION.modelFile()).score());
        assertEquals("similarity", ModelCard.besideModel(BuiltinModel.FACE_RECOGNITION.modelFile()).score());
        ModelCard fashion = ModelCard.besideModel(BuiltinModel.FASHION.modelFile());
        assertEquals("prob", fashion.score());
        assertTrue(fashion.source().contains("Fashion-MNIST"));
        String listing = BuiltinCatalog.read().text();
        assertTrue(listing.startsWith("builtin:expression (default)\n  face-api's face expression net"), listing);
        assertTrue(listing.contains("\n  input 3x112x112 (resize 112, crop 112), mean 0.4815,0.4588,0.409, std 1,1,1\n"
                + "  labels: neutral, happy, sad, angry, fearful, disgusted, surprised\n  occlusion score: logit\n"
                + "  samples: 4\n  source: npm @vladmandic/face-api@1.7.15 (MIT licence)"), listing);
        assertTrue(listing.contains("builtin:face-recognition\n"), listing);
        assertTrue(listing.contains("  labels: none (the output is not class scores)\n  occlusion score: similarity\n"),
                listing);
    }

    @Test
    void theFashionNetHasAlexNetsConvolutionIndicesAndARgbFirstLayer() {
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
    void theFashionNetClassifiesEachSampleAsTheClassInItsFileName() {
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
