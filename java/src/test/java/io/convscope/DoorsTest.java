package io.convscope;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.imageio.ImageIO;

import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.convscope.activations.ActivationResult;
import io.convscope.activations.ActivationSpec;
import io.convscope.activations.Activations;
import io.convscope.filters.FilterPictures;
import io.convscope.filters.FilterResult;
import io.convscope.filters.FilterSpec;
import io.convscope.image.Input;
import io.convscope.image.InputImage;
import io.convscope.image.Npy;
import io.convscope.model.BuiltinModel;
import io.convscope.model.TorchModel;
import io.convscope.occlusion.Occlusion;
import io.convscope.occlusion.OcclusionResult;
import io.convscope.occlusion.OcclusionSpec;
import io.convscope.occlusion.Score;
import io.convscope.occlusion.Size2;
import io.convscope.predict.PredictSpec;
import io.convscope.predict.PredictionResult;
import io.convscope.predict.Predictions;
import io.convscope.render.Raster;
import io.convscope.rf.ReceptiveFields;
import io.convscope.rf.RfResult;
import io.convscope.rf.RfSpec;

/**
 * The Java API's doors, as an embedding application uses them: one call per analysis, any kind of input,
 * results that write themselves or stay in memory, errors that name fields, one model shared by threads.
 */
class DoorsTest {
    private static TorchModel model;
    private static Path sandal;

    @BeforeAll
    static void load() {
        model = TorchModel.load(BuiltinModel.FASHION.modelFile());
        sandal = BuiltinModel.FASHION.sampleFiles().stream().filter(p -> p.getFileName().toString().contains("sandal"))
                .findFirst().orElseThrow();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static OcclusionSpec quick() {
        return OcclusionSpec.defaults().withWindow(Size2.square(16)).withStride(Size2.square(8));
    }

    @Test
    void everyKindOfInputGivesTheMapOfTheSameFile() throws IOException {
        float[] fromFile = Occlusion.run(model, Input.file(sandal), quick(), Device.CPU).map().values();
        BufferedImage picture = ImageIO.read(sandal.toFile());
        float[] fromPicture = Occlusion.run(model, Input.of(picture), quick(), Device.CPU).map().values();
        assertArrayEquals(fromFile, fromPicture);

        Mat bgr = imread(sandal.toString(), IMREAD_COLOR);
        assertArrayEquals(fromFile, Occlusion.run(model, Input.of(bgr), quick(), Device.CPU).map().values());

        try (Java2DFrameConverter converter = new Java2DFrameConverter()) {
            Frame frame = converter.convert(picture);
            assertArrayEquals(fromFile, Occlusion.run(model, Input.of(frame), quick(), Device.CPU).map().values());
        }

        InputImage prepared = Input.file(sandal).prepare(model.card());
        OcclusionResult fromTensor = Occlusion.run(model, Input.tensor(prepared.tensor(), prepared.channels(),
                prepared.height(), prepared.width()), quick(), Device.CPU);
        // A tensor's default fill is 0 in tensor space: the mean colour, the image default, so the same map.
        assertArrayEquals(fromFile, fromTensor.map().values());
        assertEquals("0.0", fromTensor.map().spec().fill().toString());
    }

    @Test
    void theDoorDecidesWhatTheSpecLeavesOpenFromTheInput() {
        OcclusionResult result = Occlusion.run(model, Input.file(sandal), OcclusionSpec.defaults(), Device.AUTO);
        // 64 x 64 input: a quarter and a sixteenth of the side.
        assertEquals(Size2.square(16), result.map().grid().window());
        assertEquals(Size2.square(4), result.map().grid().stride());
        assertEquals("mean", result.map().spec().fill().toString());
        assertEquals(13, result.map().rows());
        assertEquals(Device.CPU, model.placement());
    }

    @Test
    void resultsWriteThemselvesInTheFormatTheirNamesSay(@TempDir Path dir) throws IOException {
        OcclusionResult result = Occlusion.run(model, Input.file(sandal), quick().withScore(Score.LOGIT), Device.CPU);
        result.write(dir.resolve("map.png"), dir.resolve("map.npy"), dir.resolve("map.json"));

        Raster picture = result.picture();
        BufferedImage png = ImageIO.read(dir.resolve("map.png").toFile());
        assertEquals(picture.width(), png.getWidth());
        assertEquals(picture.get(picture.width() / 2, picture.height() / 2).r(),
                (png.getRGB(picture.width() / 2, picture.height() / 2) >> 16) & 0xff);
        Npy.Array npy = Npy.read(dir.resolve("map.npy"));
        assertArrayEquals(new long[] {result.map().rows(), result.map().cols()}, npy.shape());
        assertArrayEquals(result.map().values(), npy.values());
        JsonObject json = JsonParser.parseString(Files.readString(dir.resolve("map.json"))).getAsJsonObject();
        assertEquals(result.map().target(), json.get("target").getAsInt());
        assertEquals("logit", json.get("score").getAsString());

        UsageException jpeg = assertThrows(UsageException.class,
                () -> result.write(dir.resolve("extra.npy"), dir.resolve("map.jpg")));
        assertEquals("cannot write " + dir.resolve("map.jpg") + ": the format follows the file name, and this result "
                + "is written as .png, .npy, .json; name the file accordingly", jpeg.getMessage());
        assertFalse(Files.exists(dir.resolve("extra.npy")), "all or none: the good name is not written either");
    }

    @Test
    void picturesComeBackInMemoryAsJava2DImages() {
        Raster picture = Occlusion.run(model, Input.file(sandal), quick(), Device.CPU).picture();
        BufferedImage image = picture.toBufferedImage();
        assertEquals(picture.width(), image.getWidth());
        assertEquals(picture.height(), image.getHeight());
        for (int[] xy : new int[][] {{0, 0}, {picture.width() / 3, picture.height() / 2}}) {
            int rgb = image.getRGB(xy[0], xy[1]);
            assertEquals(picture.get(xy[0], xy[1]).r(), (rgb >> 16) & 0xff);
            assertEquals(picture.get(xy[0], xy[1]).g(), (rgb >> 8) & 0xff);
            assertEquals(picture.get(xy[0], xy[1]).b(), rgb & 0xff);
        }
    }

    @Test
    void errorsNameTheFieldTheyAreAbout() {
        UsageException target = assertThrows(UsageException.class, () -> Occlusion.run(model, Input.file(sandal),
                quick().withTarget(99), Device.CPU));
        assertEquals("target", target.field());
        assertEquals("target 99 is out of range 0..9 (the model has 10 classes)", target.getMessage());
        UsageException batch = assertThrows(UsageException.class, () -> Occlusion.run(model, Input.file(sandal),
                quick().withBatch(-1), Device.CPU));
        assertEquals("batch must be 1 or more (or 0 for a size from the memory budget), got -1", batch.getMessage());
        UsageException topk = assertThrows(UsageException.class, () -> PredictSpec.defaults().withTopk(0));
        assertEquals("topk", topk.field());
        UsageException device = assertThrows(UsageException.class, () -> Device.parse("tpu"));
        assertEquals("device 'tpu' is not a device; choose cpu, cuda or auto", device.getMessage());
        for (UsageException e : List.of(target, batch, topk, device)) {
            assertFalse(e.getMessage().contains("--"), e.getMessage());
        }
    }

    @Test
    void theOtherAnalysesTakeInMemoryPicturesToo(@TempDir Path dir) throws IOException {
        BufferedImage picture = ImageIO.read(sandal.toFile());
        PredictionResult fromFile = Predictions.run(model, Input.file(sandal), PredictSpec.defaults(), Device.CPU);
        PredictionResult fromMemory = Predictions.run(model, Input.of(picture), PredictSpec.defaults().withTopk(2),
                Device.CPU);
        assertEquals("Sandal", fromFile.top().get(0).label());
        assertEquals(fromFile.top().subList(0, 2), fromMemory.top());
        assertEquals("an in-memory picture (192x192)", fromMemory.input());

        ActivationResult maps = Activations.run(model, Input.of(picture), ActivationSpec.of("features.0").withTop(4),
                Device.CPU);
        assertEquals(4, maps.sheet().tileCount());
        assertEquals("4 of " + maps.maps().channels() + " maps of features.0 1x" + maps.maps().channels() + "x"
                + maps.maps().height() + "x" + maps.maps().width(), maps.summary());

        FilterResult filters = FilterPictures.run(model, FilterSpec.of("features.0"));
        // Three input channels: rgb, one tile per filter, is the default mode.
        assertEquals(filters.weights().filters(), filters.sheet().tileCount());
        filters.write(dir.resolve("f.png"), dir.resolve("f.npy"));
        assertArrayEquals(filters.weights().values(), Npy.read(dir.resolve("f.npy")).values());

        RfResult rf = ReceptiveFields.run(model, RfSpec.of("features.0"), Input.of(picture));
        RfResult gray = ReceptiveFields.run(model, RfSpec.of("features.0"), null);
        assertEquals(rf.summary(), gray.summary());
        assertFalse(rf.picture().raster().equals(gray.picture().raster()), "the photo is drawn under the field");
        rf.write(dir.resolve("rf.png"));
        assertTrue(Files.size(dir.resolve("rf.png")) > 0);
        assertNull(RfSpec.of("features.0").unit());
        String text = fromFile.table();
        assertTrue(text.startsWith(sandal + " | convscope-fashion.pt | labels: the model card\nRANK"), text);
        fromFile.write(dir.resolve("p.json"));
        assertTrue(Files.readString(dir.resolve("p.json"), StandardCharsets.UTF_8).contains("\"label\": \"Sandal\""));
    }

    /**
     * One model, several threads: each map equals the one computed alone. Forward passes take no lock, so the
     * threads' passes overlap.
     */
    @Test
    void threadsShareOneModelAndGetTheMapsTheyWouldAlone() throws Exception {
        List<Path> images = BuiltinModel.FASHION.sampleFiles();
        List<float[]> alone = new ArrayList<>();
        for (Path image : images) {
            alone.add(Occlusion.run(model, Input.file(image), quick(), Device.CPU).map().values());
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<float[]>> together = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                for (Path image : images) {
                    together.add(pool.submit(() -> Occlusion.run(model, Input.file(image), quick(), Device.CPU)
                            .map().values()));
                }
            }
            for (int i = 0; i < together.size(); i++) {
                assertArrayEquals(alone.get(i % images.size()), together.get(i).get(), images.get(i % images.size())
                        .toString());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
