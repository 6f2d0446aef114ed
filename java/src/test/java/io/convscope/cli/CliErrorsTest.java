package io.convscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.convscope.Device;
import io.convscope.TestModels;

/** Every bad input gets one line on stderr naming the problem and the fix, the right exit code, no file. */
class CliErrorsTest {
    @TempDir
    Path dir;

    private CliRun filters(String model, String... more) {
        String[] base = {"filters", "--model", model, "--out", dir.resolve("f.png").toString()};
        String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return CliRun.of(args);
    }

    private void assertOneLineError(CliRun run, int code, String message) {
        assertEquals(code, run.exitCode(), run.err());
        assertEquals("convscope filters: error: " + message + "\n", run.err());
        assertFalse(Files.exists(dir.resolve("f.png")), "no picture is left behind");
    }

    @Test
    void cudaOnABuildWithoutCudaSaysHowToGetOne() {
        Assumptions.assumeFalse(Device.cudaBuild(), "this is a -Pgpu build");
        CliRun run = CliRun.of("layers", "--model", TestModels.path("tiny.pt").toString(), "--device", "cuda");
        assertEquals(1, run.exitCode(), run.err());
        assertEquals("convscope layers: error: --device cuda: this build has no CUDA (LibTorch's CPU build); build one "
                + "with 'mvn -Pgpu package' (see README \"GPU\"), or use the cpu device\n", run.err());
        assertEquals("", run.out());
    }

    @Test
    void missingModelFile() {
        String missing = dir.resolve("absent.pt").toString();
        assertOneLineError(filters(missing, "--layer", "0"), 2,
                "model file not found: " + missing + " (give the path of a TorchScript .pt file)");
    }

    @Test
    void unreadableModelFile() {
        assertOneLineError(filters(dir.toString(), "--layer", "0"), 2,
                "cannot read model file " + dir + ": it is not a readable regular file");
    }

    @Test
    void fileThatIsNotTorchScript() {
        CliRun run = filters(TestModels.path("state_dict.pt").toString(), "--layer", "0");
        assertEquals(1, run.exitCode());
        assertTrue(run.err().startsWith("convscope filters: error: " + TestModels.path("state_dict.pt")
                + " is not a TorchScript model"), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    @Test
    void layerOutOfRange() {
        assertOneLineError(filters(TestModels.path("alexnet.pt").toString(), "--layer", "13"), 2,
                "layer 13 is out of range: 'features' has 13 layers (0..12); convolution layers: features.0, "
                        + "features.3, features.6, features.8, features.10");
    }

    @Test
    void layerThatIsNotAConvolution() {
        assertOneLineError(filters(TestModels.path("alexnet.pt").toString(), "--layer", "2"), 2,
                "layer features.2 is a MaxPool2d, not a convolution; convolution layers: features.0, features.3, "
                        + "features.6, features.8, features.10");
    }

    @Test
    void rgbOnFiltersWithoutThreeChannels() {
        assertOneLineError(filters(TestModels.path("tiny_gray.pt").toString(), "--layer", "0", "--mode", "rgb"), 2,
                "--mode rgb needs a layer with 3 input channels, and features.0 has 1; use mode channels or collated");
    }

    @Test
    void unknownModeNormAndColormapListTheChoices() {
        String tiny = TestModels.path("tiny.pt").toString();
        assertOneLineError(filters(tiny, "--layer", "0", "--mode", "grid"), 2,
                "unknown filter mode 'grid'; choose one of: rgb, channels, collated");
        assertOneLineError(filters(tiny, "--layer", "0", "--mode", "channels", "--norm", "l2"), 2,
                "unknown normalization 'l2'; choose one of: minmax, zscore, global");
        CliRun run = filters(tiny, "--layer", "0", "--mode", "channels", "--colormap", "rainbowish");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("convscope filters: error: unknown colormap 'rainbowish'; choose one of: "
                + "autumn, bone, cividis, cool, deepgreen, diverging, gray, hot, hsv, inferno, jet, magma,"), run.err());
    }

    @Test
    void missingRequiredOptionAndUnknownOptionAreUsageErrors() {
        CliRun noLayer = CliRun.of("filters", "--out", dir.resolve("f.png").toString());
        assertEquals(2, noLayer.exitCode());
        assertEquals("convscope filters: error: Missing required option: layer; see convscope filters --help\n",
                noLayer.err());
        CliRun unknown = CliRun.of("layers", "--colour");
        assertEquals(2, unknown.exitCode());
        assertEquals("convscope layers: error: Unrecognized option: --colour; see convscope layers --help\n",
                unknown.err());
        CliRun command = CliRun.of("paint");
        assertEquals(2, command.exitCode());
        assertEquals("convscope: error: unknown command 'paint'; commands: layers, filters, occlusion, rf, activations, "
                + "predict, report, batch, demo, models, bench\n", command.err());
    }

    @Test
    void outputFolderMustExist() {
        CliRun run = CliRun.of("filters", "--model", TestModels.path("tiny.pt").toString(), "--layer", "0",
                "--out", dir.resolve("missing/f.png").toString());
        assertEquals(2, run.exitCode());
        assertEquals("convscope filters: error: cannot write " + dir.resolve("missing/f.png") + ": folder "
                + dir.resolve("missing") + " does not exist; create it first\n", run.err());
    }

    @Test
    void verboseAddsTheStackTrace() {
        String tiny = TestModels.path("tiny.pt").toString();
        CliRun quiet = filters(tiny, "--layer", "1");
        CliRun verbose = filters(tiny, "--layer", "1", "--verbose");
        assertEquals(2, verbose.exitCode());
        assertFalse(quiet.err().contains("\tat "), quiet.err());
        assertTrue(verbose.err().contains("\tat io.convscope."), verbose.err());
    }
}
