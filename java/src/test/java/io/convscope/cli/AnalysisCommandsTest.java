package io.convscope.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.convscope.TestImages;
import io.convscope.TestModels;
import io.convscope.image.Npy;
import io.convscope.predict.ClassNames;

/** The rf, activations and predict commands end to end. */
class AnalysisCommandsTest {
    @TempDir
    Path dir;

    private Path image(String name, int size, int rgb) throws IOException {
        return TestImages.filled(dir, name, size, rgb);
    }

    @Test
    void rfDrawsTheCentreUnitOfAlexnetsLastPoolAndSaysWhereItLooks() throws IOException {
        Path out = dir.resolve("rf.png");
        CliRun run = CliRun.of("rf", "--model", TestModels.path("alexnet.pt").toString(), "--layer", "12",
                "--image", image("gray.png", 300, 0x808080).toString(), "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        // Unit (2, 2) of 6x6: centre 31 + 2 * 32 = 95, +/- 97.
        assertEquals("wrote " + out + " (features.12 unit 2,2: receptive field 195 px, rows -2..192, cols -2..192, "
                + "jump 32, start 31)\n", run.out());
        assertTrue(ImageIO.read(out.toFile()).getWidth() > 224);

        CliRun corner = CliRun.of("rf", "--model", TestModels.path("dilated.pt").toString(), "--layer", "features.3",
                "--unit", "0,0", "--out", out.toString());
        assertEquals(0, corner.exitCode(), corner.err());
        assertTrue(corner.out().contains("receptive field 34x26 px, rows -12..21, cols -8..17, jump 4, start 4.5"),
                corner.out());
    }

    @Test
    void rfRefusesGlobalLayersAndUnitsOutsideTheOutput() {
        String dilated = TestModels.path("dilated.pt").toString();
        CliRun global = CliRun.of("rf", "--model", dilated, "--layer", "avgpool", "--out",
                dir.resolve("r.png").toString());
        assertEquals(2, global.exitCode());
        assertEquals("convscope rf: error: every unit of avgpool (AdaptiveAvgPool2d) sees the whole input, so there "
                + "is no receptive field to draw; pick a layer before the global pooling\n", global.err());
        CliRun unit = CliRun.of("rf", "--model", dilated, "--layer", "features.3", "--unit", "1,9", "--out",
                dir.resolve("r.png").toString());
        assertEquals(2, unit.exitCode());
        assertEquals("convscope rf: error: --unit 1,9 is outside the layer's 6x6 output; give a unit row,col with row "
                + "0..5 and col 0..5\n", unit.err());
        CliRun text = CliRun.of("rf", "--model", dilated, "--layer", "features.3", "--unit", "middle", "--out",
                dir.resolve("r.png").toString());
        assertEquals("convscope rf: error: --unit takes row,col of a unit in the layer's output (e.g. 3,4), got "
                + "'middle'\n", text.err());
        assertFalse(Files.exists(dir.resolve("r.png")));
    }

    @Test
    void activationsWritesTheGridAndTheRawMaps() throws IOException {
        Path png = dir.resolve("a.png");
        Path npy = dir.resolve("a.npy");
        CliRun run = CliRun.of("activations", "--model", TestModels.path("tiny.pt").toString(), "--image",
                TestImages.redDot(dir).toString(), "--layer", "0", "--top", "1",
                "--out", png.toString(), "--npy", npy.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("wrote " + png + " (1 of 2 maps of features.0 1x2x7x7)\n", run.out());
        Npy.Array raw = Npy.read(npy);
        assertArrayEquals(new long[] {1, 2, 7, 7}, raw.shape());
        assertEquals(15f, raw.values()[49 + 2 * 7 + 3], 1e-5, "map 1 at row 2, col 3");
        assertEquals(3f, raw.values()[2 * 7 + 3], 1e-5, "map 0 at row 2, col 3");
        assertTrue(Files.exists(png));
    }

    @Test
    void predictPrintsTheTopClassesWithProbabilities() throws IOException {
        // A black image gives tiny.pt the scores (0, 0.5): softmax 1 / (1 + e^0.5) and e^0.5 / (1 + e^0.5).
        String black = image("black.png", 8, 0).toString();
        CliRun run = CliRun.of("predict", "--model", TestModels.path("tiny.pt").toString(), "--image", black);
        assertEquals(0, run.exitCode(), run.err());
        String[] lines = run.out().split("\n");
        assertEquals(black + " | tiny.pt | labels: the model card", lines[0]);
        assertEquals("RANK  CLASS  PROBABILITY  LABEL", lines[1]);
        assertEquals("1     1      0.6225       b", lines[2]);
        assertEquals("2     0      0.3775       a", lines[3]);

        CliRun json = CliRun.of("predict", "--model", TestModels.path("tiny.pt").toString(), "--image", black,
                "--topk", "1", "--json");
        JsonObject top = JsonParser.parseString(json.out()).getAsJsonObject().getAsJsonArray("top").get(0)
                .getAsJsonObject();
        assertEquals(1, JsonParser.parseString(json.out()).getAsJsonObject().getAsJsonArray("top").size());
        assertEquals(Math.exp(0.5) / (1 + Math.exp(0.5)), top.get("probability").getAsDouble(), 1e-6);
        assertEquals(0.5, top.get("score").getAsDouble(), 1e-6);
        assertEquals("b", top.get("label").getAsString());
    }

    @Test
    void predictRefusesAnEmbeddingModelItHasNoClassesFor() {
        CliRun run = CliRun.of("predict", "--model", TestModels.path("embedder.pt").toString(), "--image",
                io.convscope.model.BundledModel.samples().get(0).toString());
        assertEquals(2, run.exitCode());
        assertEquals("convscope predict: error: model embedder outputs an embedding (its card's score is "
                + "similarity), not class scores, so it has no classes to predict; map it with the similarity score "
                + "instead\n", run.err());
        assertEquals("", run.out());
    }

    @Test
    void predictTakesLabelsFromAFileAndFailsInOneLineOnABadOne() throws IOException {
        String tiny = TestModels.path("tiny.pt").toString();
        String black = image("black.png", 8, 0).toString();
        Path labels = Files.writeString(dir.resolve("labels.txt"), "sneaker\nboot\n");
        CliRun named = CliRun.of("predict", "--model", tiny, "--image", black, "--labels", labels.toString());
        assertTrue(named.out().contains("1     1      0.6225       boot\n"), named.out());

        Path missing = dir.resolve("missing.txt");
        CliRun absent = CliRun.of("predict", "--model", tiny, "--image", black, "--labels", missing.toString());
        assertEquals(2, absent.exitCode());
        assertEquals("convscope predict: error: labels file not found: " + missing + " (a labels file is a text "
                + "file with one class name per line)\n", absent.err());
        Path one = Files.writeString(dir.resolve("one.txt"), "sneaker\n");
        CliRun few = CliRun.of("predict", "--model", tiny, "--image", black, "--labels", one.toString());
        assertEquals(2, few.exitCode());
        assertEquals("convscope predict: error: labels file " + one + " has 1 lines but the model outputs 2 scores; "
                + "give one class name per line, in output order\n", few.err());
        assertEquals("", few.out());
    }

    @Test
    void aThousandClassModelWithoutACardGetsImagenetNames() throws IOException {
        CliRun run = CliRun.of("predict", "--model", TestModels.path("alexnet.pt").toString(), "--image",
                image("gray.png", 256, 0x808080).toString(), "--topk", "3");
        assertEquals(0, run.exitCode(), run.err());
        String[] lines = run.out().split("\n");
        assertTrue(lines[0].endsWith("| alexnet.pt | labels: ImageNet (ILSVRC-2012, torchvision order)"), lines[0]);
        List<String> imagenet = ClassNames.imagenet();
        for (int i = 2; i < 5; i++) {
            String[] cells = lines[i].split("\\s{2,}", 4);
            assertEquals(imagenet.get(Integer.parseInt(cells[1])), cells[3], lines[i]);
        }
    }

    @Test
    void layersShowsReceptiveFieldColumnsAndJson() {
        String dilated = TestModels.path("dilated.pt").toString();
        CliRun table = CliRun.of("layers", "--model", dilated);
        assertEquals(0, table.exitCode(), table.err());
        String block = table.out().lines().filter(l -> l.startsWith("features.3 ")).findFirst().orElseThrow();
        assertEquals(List.of("features.3", "Block", "-", "-", "1x4x6x6", "34x26", "4", "4.5"),
                List.of(block.split(" +")));
        String avgpool = table.out().lines().filter(l -> l.startsWith("avgpool ")).findFirst().orElseThrow();
        assertEquals(List.of("avgpool", "AdaptiveAvgPool2d", "-", "-", "1x4x1x1", "global", "-", "-"),
                List.of(avgpool.split(" +")));

        CliRun json = CliRun.of("layers", "--model", dilated, "--json");
        JsonObject conv = JsonParser.parseString(json.out()).getAsJsonObject().getAsJsonArray("layers").get(1)
                .getAsJsonObject();
        assertEquals("features.0", conv.get("path").getAsString());
        assertEquals("{\"global\":false,\"size\":[5,5],\"jump\":[1,1],\"start\":[0.0,0.0],\"outputSize\":[31,31]}",
                conv.get("receptiveField").toString());
    }
}
