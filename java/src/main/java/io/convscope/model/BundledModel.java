package io.convscope.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import io.convscope.AtomicFiles;
import io.convscope.ConvscopeException;

/**
 * The default model that ships inside the jar (an AlexNet-shaped CNN trained on colourised Fashion-MNIST),
 * with its card and sample images. LibTorch loads models from files, so the first use copies them into a
 * per-version cache folder ({@code ~/.cache/convscope}, or the {@code convscope.cacheDir} system property).
 */
public final class BundledModel {
    public static final String NAME = "convscope-fashion";
    private static final String ROOT = "/io/convscope/bundled/";

    private BundledModel() {
    }

    /** The bundled TorchScript file on disk, with its card beside it. */
    public static Path modelFile() {
        return extracted().resolve(NAME + ".pt");
    }

    /** The bundled sample images on disk, in a stable order. */
    public static List<Path> samples() {
        Path folder = extracted();
        List<Path> samples = new ArrayList<>();
        for (String name : sampleNames()) {
            samples.add(folder.resolve("samples").resolve(name));
        }
        return samples;
    }

    private static synchronized Path extracted() {
        byte[] model = resource(NAME + ".pt");
        Path folder = cacheRoot().resolve(NAME + "-" + shortHash(model));
        Path done = folder.resolve(".complete");
        if (Files.exists(done)) {
            return folder;
        }
        try {
            Files.createDirectories(folder.resolve("samples"));
            AtomicFiles.write(folder.resolve(NAME + ".pt"), model);
            AtomicFiles.write(folder.resolve(NAME + ".json"), resource(NAME + ".json"));
            for (String sample : sampleNames()) {
                AtomicFiles.write(folder.resolve("samples").resolve(sample), resource("samples/" + sample));
            }
            Files.writeString(done, "ok\n");
        } catch (IOException e) {
            throw new ConvscopeException("cannot unpack the bundled model into " + folder + ": " + e.getMessage()
                    + " (set -Dconvscope.cacheDir to a writable folder)", e);
        }
        return folder;
    }

    private static List<String> sampleNames() {
        String index = new String(resource("samples/index.txt"), java.nio.charset.StandardCharsets.UTF_8);
        return index.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    }

    private static Path cacheRoot() {
        String configured = System.getProperty("convscope.cacheDir");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("convscope");
    }

    private static byte[] resource(String name) {
        try (InputStream in = BundledModel.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new ConvscopeException("the bundled model file " + name + " is missing from the classpath; "
                        + "rebuild with 'mvn package' or give a model file");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ConvscopeException("cannot read bundled resource " + name + ": " + e.getMessage(), e);
        }
    }

    private static String shortHash(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
