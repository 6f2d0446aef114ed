package io.convscope.nativebridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.convscope.TestModels;

/**
 * A JVM whose JavaCPP cache is empty (every CI machine's first run) must load LibTorch, read a model and draw
 * its filters. Each case starts a new JVM with {@code -Dorg.bytedeco.javacpp.cachedir} set to a fresh folder.
 */
class FreshCacheTest {
    /** Debian's libtorch-dev puts this on the default search path; it is what a fresh cache used to pick up. */
    private static final Path SYSTEM_LIBTORCH = Path.of("/usr/lib/x86_64-linux-gnu/libtorch_cpu.so");

    @TempDir
    Path dir;

    private record Child(int exitCode, String output) {
    }

    private Child runJava(Path cache, String mainClass, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.bytedeco.javacpp.cachedir=" + cache,
                "-XX:ErrorFile=" + dir.resolve("hs_err_%p.log"),
                "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "child JVM finished");
        return new Child(process.exitValue(), output);
    }

    @Test
    void aFirstRunWithAnEmptyCacheLoadsAModelAndRendersFilters() throws Exception {
        Path cache = Files.createDirectory(dir.resolve("empty-cache"));
        Path png = dir.resolve("filters.png");
        Child child = runJava(cache, "io.convscope.cli.Main", "filters", "--model",
                TestModels.path("tiny.pt").toAbsolutePath().toString(), "--layer", "0", "--mode", "rgb",
                "--out", png.toString());
        assertEquals(0, child.exitCode(), child.output());
        assertEquals(0xff282828, ImageIO.read(png.toFile()).getRGB(0, 0), "a PNG with the sheet's background");
        assertTrue(Files.isDirectory(cache.resolve("pytorch-2.10.0-1.5.13-linux-x86_64.jar")), "the cache was used");
    }

    @Test
    void withoutPreExtractionTheSameFirstRunLoadsTheSystemLibTorchAndCrashes() throws Exception {
        assumeTrue(Files.exists(SYSTEM_LIBTORCH), "the crash needs a system libtorch_cpu.so to be found");
        Child fresh = runJava(Files.createDirectory(dir.resolve("control-cache")),
                "io.convscope.nativebridge.LoadTorchDirectly");
        assertNotEquals(0, fresh.exitCode(), "the root cause is still there without TorchRuntime: " + fresh.output());
        assertTrue(fresh.output().contains("SIGSEGV"), fresh.output());
        Child second = runJava(dir.resolve("control-cache"), "io.convscope.nativebridge.LoadTorchDirectly");
        assertEquals(0, second.exitCode(), "the second run, with a full cache, works: " + second.output());
        assertTrue(second.output().contains("sum 6.0"), second.output());
    }
}
