package io.convscope.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.convscope.TestModels;
import io.convscope.image.Npy;

/** The occlusion command end to end: outputs decoded and checked, and every bad input's one-line error. */
class OcclusionCommandTest {
    @TempDir
    Path dir;

    private Path ones(int c, int h, int w) {
        float[] v = new float[c * h * w];
        Arrays.fill(v, 1f);
        Path file = dir.resolve("ones-" + c + ".npy");
        Npy.write(file, new long[] {c, h, w}, v);
        return file;
    }

    private CliRun occlusion(String... more) {
        String[] base = {"occlusion", "--model", TestModels.path("patch_probe.pt").toString(), "--out",
                dir.resolve("o.png").toString()};
        String[] args = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return CliRun.of(args);
    }

    private void assertError(CliRun run, int code, String message) {
        assertEquals(code, run.exitCode(), run.err());
        assertEquals("convscope occlusion: error: " + message + "\n", run.err());
        assertFalse(Files.exists(dir.resolve("o.png")), "no picture is left behind");
    }

    @Test
    void writesOnlyTheJsonWhenOnlyJsonIsAsked() throws IOException {
        Path json = dir.resolve("only.json");
        Path input = ones(3, 224, 224);
        CliRun run = CliRun.of("occlusion", "--model", TestModels.path("patch_probe.pt").toString(), "--input",
                input.toString(), "--score", "logit", "--json", json.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(Files.readString(json).contains("\"baseScore\": 1.0"), Files.readString(json));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(input.getFileName().toString(), "only.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void versionPrintsTheVersionAndExitsZero() {
        CliRun run = CliRun.of("--version");
        assertEquals(0, run.exitCode());
        assertEquals("convscope " + Main.version() + "\n", run.out());
    }

    @Test
    void writesTheOverlayTheRawMapAndAJsonSummary() throws IOException {
        Path npy = dir.resolve("map.npy");
        Path json = dir.resolve("map.json");
        CliRun run = occlusion("--input", ones(3, 224, 224).toString(), "--score", "logit", "--npy", npy.toString(),
                "--json", json.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("wrote " + dir.resolve("o.png") + ", " + npy + ", " + json
                + " (target 0 'patch', base logit 1.0000, "
                + "grid map 19x19, 361 windows in "), run.out());

        Npy.Array map = Npy.read(npy);
        assertArrayEquals(new long[] {19, 19}, map.shape());
        assertEquals(1f, map.values()[6 * 19 + 15]);

        JsonObject summary = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        assertEquals(0, summary.get("target").getAsInt());
        assertEquals("patch", summary.get("label").getAsString());
        assertEquals(1.0, summary.get("baseScore").getAsDouble());
        assertEquals(361, summary.get("windows").getAsInt());
        JsonObject max = summary.getAsJsonObject("max");
        assertEquals(6, max.get("row").getAsInt());
        assertEquals(15, max.get("col").getAsInt());
        assertEquals(1.0, max.get("value").getAsDouble());
        assertEquals("[0,10,20,30,40,50,60,70,80,90,100,110,120,130,140,150,160,170,174]",
                summary.getAsJsonObject("grid").get("tops").toString());
        assertTrue(summary.get("windowsPerSecond").getAsDouble() > 0);

        // The overlay is the 224x224 input enlarged twice: the patch cell is the strongest red there.
        BufferedImage overlay = ImageIO.read(dir.resolve("o.png").toFile());
        assertTrue(overlay.getWidth() > 448 && overlay.getHeight() > 448, overlay.getWidth() + "x" + overlay.getHeight());
    }

    @Test
    void preprocessingFlagsOverrideTheModelCard() throws IOException {
        // A white 300 x 240 image: resized to 224 on its shorter side, centre-cropped to 224 x 224.
        BufferedImage white = new BufferedImage(300, 240, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 240; y++) {
            for (int x = 0; x < 300; x++) {
                white.setRGB(x, y, 0xffffff);
            }
        }
        Path image = dir.resolve("white.png");
        ImageIO.write(white, "png", image.toFile());
        CliRun card = occlusion("--image", image.toString(), "--score", "logit");
        assertEquals(0, card.exitCode(), card.err());
        assertTrue(card.out().contains("base logit 1.0000"), "card: mean 0, std 1: " + card.out());
        CliRun flags = occlusion("--image", image.toString(), "--score", "logit", "--mean", "0.5,0.5,0.5", "--std",
                "0.125,0.125,0.125");
        assertEquals(0, flags.exitCode(), flags.err());
        assertTrue(flags.out().contains("base logit 4.0000"), "(1 - 0.5) / 0.125 = 4: " + flags.out());
        Files.delete(dir.resolve("o.png"));
        assertError(occlusion("--image", image.toString(), "--mean", "0.5,0.5"), 2,
                "--mean needs 3 comma-separated values (one per input channel), got '0.5,0.5'");
        assertError(occlusion("--image", image.toString(), "--resize", "100", "--crop", "224"), 2,
                "--crop 224 is larger than --resize 100; the crop is taken from the resized image");
    }

    @Test
    void windowAndStrideDefaultsFollowSmallInputs() throws IOException {
        // The fashion net sees 64 x 64: window 16 and stride 4 (13 x 13 windows) instead of 50 and 10.
        Path json = dir.resolve("small.json");
        Path sample = io.convscope.model.BuiltinModel.FASHION.sampleFiles().get(1);
        CliRun run = CliRun.of("occlusion", "--model", "builtin:fashion", "--image", sample.toString(), "--out",
                dir.resolve("o.png").toString(),
                "--json", json.toString());
        assertEquals(0, run.exitCode(), run.err());
        JsonObject grid = JsonParser.parseString(Files.readString(json)).getAsJsonObject().getAsJsonObject("grid");
        assertEquals("[16,16]", grid.get("window").toString());
        assertEquals("[4,4]", grid.get("stride").toString());
        assertEquals(13, grid.get("rows").getAsInt());
        CliRun given = CliRun.of("occlusion", "--model", "builtin:fashion", "--image", sample.toString(), "--out",
                dir.resolve("o.png").toString(),
                "--window", "32", "--json", json.toString());
        assertEquals(0, given.exitCode(), given.err());
        grid = JsonParser.parseString(Files.readString(json)).getAsJsonObject().getAsJsonObject("grid");
        assertEquals("[32,32]", grid.get("window").toString(), "a given window is kept");
        assertEquals("[4,4]", grid.get("stride").toString());
    }

    @Test
    void theSummarySaysWhichEngineRanAndWhatItSaved() throws IOException {
        Path json = dir.resolve("engine.json");
        Path sample = io.convscope.model.BuiltinModel.FASHION.sampleFiles().get(1);
        CliRun auto = CliRun.of("occlusion", "--model", "builtin:fashion", "--image", sample.toString(), "--out",
                dir.resolve("o.png").toString(),
                "--json", json.toString());
        assertEquals(0, auto.exitCode(), auto.err());
        assertTrue(auto.out().contains(", incremental engine)"), auto.out());
        JsonObject engine = JsonParser.parseString(Files.readString(json)).getAsJsonObject().getAsJsonObject("engine");
        assertEquals("incremental", engine.get("name").getAsString());
        long full = engine.get("fullMacsPerWindow").getAsLong();
        long used = engine.get("engineMacsPerWindow").getAsLong();
        assertTrue(full > 1.3 * used && used > 0, full + " against " + used);
        assertEquals(Math.round(1000.0 * full / used) / 1000.0, engine.get("countedSpeedup").getAsDouble());
        assertTrue(engine.get("note").getAsString().startsWith("patches through features.0.."), engine.toString());
        assertTrue(JsonParser.parseString(Files.readString(json)).getAsJsonObject().get("scoringMs").getAsDouble() > 0);

        CliRun full1 = CliRun.of("occlusion", "--model", "builtin:fashion", "--image", sample.toString(), "--out",
                dir.resolve("o.png").toString(),
                "--engine", "full", "--json", json.toString());
        assertEquals(0, full1.exitCode(), full1.err());
        engine = JsonParser.parseString(Files.readString(json)).getAsJsonObject().getAsJsonObject("engine");
        assertEquals("full", engine.get("name").getAsString());
        assertEquals("the full engine was asked for", engine.get("note").getAsString());
        assertEquals(full, engine.get("engineMacsPerWindow").getAsLong());
    }

    @Test
    void engineChoicesAreCheckedAndExplained() {
        String input = ones(3, 224, 224).toString();
        assertError(occlusion("--input", input, "--engine", "fast"), 2,
                "unknown engine 'fast'; choose one of: full, incremental, auto");
        // patch_probe is a weightless probe: no convolution to run on patches.
        assertError(occlusion("--input", input, "--engine", "incremental"), 2,
                "--engine incremental does not apply to this model: the model does not start with a convolution "
                        + "or pool (it has none); use the full or auto engine");
    }

    @Test
    void badWindowsAndStridesAreUsageErrors() {
        String input = ones(3, 224, 224).toString();
        assertError(occlusion("--input", input, "--window", "10", "--stride", "20"), 2,
                "stride 20 is larger than window 10, which would leave pixels never occluded; use a stride of at most "
                        + "the window");
        assertError(occlusion("--input", input, "--window", "300"), 2,
                "window 300 is larger than the 224x224 input; use a window of at most 224x224");
        assertError(occlusion("--input", input, "--window", "0"), 2,
                "window and stride must be at least 1 pixel, got window 0 and stride 10");
        assertError(occlusion("--input", input, "--stride", "0x5"), 2,
                "window and stride must be at least 1 pixel, got window 50 and stride 0x5");
    }

    @Test
    void targetOutOfRangeAndWrongChannelCount() {
        assertError(occlusion("--input", ones(3, 224, 224).toString(), "--target", "5"), 2,
                "--target 5 is out of range 0..1 (the model has 2 classes)");
        Path four = ones(4, 224, 224);
        assertError(occlusion("--input", four.toString()), 2, four + " has 4 channels (shape 4x224x224) and the model "
                + "expects 3; give a 3 x H x W tensor");
    }

    @Test
    void unreadableImagesAndNonFloat32TensorsAreRejected() throws IOException {
        Path notImage = dir.resolve("photo.png");
        Files.writeString(notImage, "this is not a PNG");
        assertError(occlusion("--image", notImage.toString()), 1, "cannot read image " + notImage
                + ": not a decodable image file (convscope reads PNG, JPEG, BMP, TIFF and WebP)");
        assertError(occlusion("--image", dir.resolve("absent.jpg").toString()), 2,
                "image not found: " + dir.resolve("absent.jpg"));

        Path doubles = dir.resolve("doubles.npy");
        byte[] header = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 224, 224), }\n"
                .getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(10 + header.length + 3 * 224 * 224 * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length).put(header);
        Files.write(doubles, b.array());
        assertError(occlusion("--input", doubles.toString()), 2, doubles + " holds dtype '<f8', and convscope reads "
                + "float32 ('<f4'); convert it with array.astype(numpy.float32)");
    }

    @Test
    void exactlyOneInputAndMeaningfulOptions() {
        assertError(occlusion(), 2, "give exactly one of --image I or --input X.npy");
        String input = ones(3, 224, 224).toString();
        assertError(occlusion("--input", input, "--method", "sliding"), 2,
                "unknown occlusion method 'sliding'; choose one of: grid, captum");
        assertError(occlusion("--input", input, "--score", "loss"), 2,
                "unknown score 'loss'; choose one of: prob, logit, logprob, similarity");
        assertError(occlusion("--input", input, "--score", "similarity", "--target", "0"), 2,
                "--target does not apply to the similarity score, which compares the whole output with the "
                        + "unoccluded one; leave the target out");
        assertError(occlusion("--input", input, "--method", "captum", "--raw"), 2,
                "--raw applies to the grid method; captum maps are always drops");
        assertError(occlusion("--input", input, "--fill", "0.5,0.5"), 2,
                "--fill for a tensor input is one number in tensor space, got '0.5,0.5'");
    }
}
