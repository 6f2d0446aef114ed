package io.convscope.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

import io.convscope.AtomicFiles;
import io.convscope.ConvscopeException;
import io.convscope.UsageException;

/**
 * The models that ship inside the jar, each with its card and sample images, named {@code builtin:NAME} where a
 * model file is asked for. LibTorch loads models from files, so the first use of a model copies it, its card and
 * its samples into a cache folder named after a hash of what it copies ({@code ~/.cache/convscope}, or the
 * {@code convscope.cacheDir} system property): a new jar never finds an old copy, and a half-written copy (no
 * {@code .complete} marker) is written again.
 */
public enum BuiltinModel {
    /** face-api's facial expression net (7 classes, 112 x 112 face crops): the default model. */
    EXPRESSION("expression", "builtin/expression"),
    /** face-api's face recognition net (a 128-d descriptor of a 150 x 150 face crop). */
    FACE_RECOGNITION("face-recognition", "builtin/face-recognition"),
    /** convscope's small AlexNet-shaped net trained on colourised Fashion-MNIST (64 x 64). */
    FASHION("fashion", "convscope-fashion");

    /** How a model argument names a built-in model: {@code builtin:expression}. */
    public static final String PREFIX = "builtin:";
    /** The model used where none is given. */
    public static final BuiltinModel DEFAULT = EXPRESSION;

    private static final String ROOT = "/io/convscope/bundled/";

    private final String shortName;
    /** The resource path without extension; its file name is the model's file name on disk. */
    private final String resource;

    BuiltinModel(String shortName, String resource) {
        this.shortName = shortName;
        this.resource = resource;
    }

    /** {@code expression}, as it follows {@link #PREFIX}. */
    public String shortName() {
        return shortName;
    }

    /** {@code builtin:expression}: what to give where a model file is asked for. */
    public String spec() {
        return PREFIX + shortName;
    }

    /** The TorchScript file on disk, with its card beside it. */
    public Path modelFile() {
        return extracted().resolve(fileStem() + ".pt");
    }

    /** The model's sample images on disk, in the index's order, with their sources and licences. */
    public List<Sample> samples() {
        Path folder = extracted().resolve("samples");
        return entries().stream().map(e -> new Sample(folder.resolve(e.file()), e.model(), e.licence(), e.source()))
                .toList();
    }

    /** The sample images' files, in the index's order. */
    public List<Path> sampleFiles() {
        return samples().stream().map(Sample::file).toList();
    }

    /**
     * The built-in model a model argument names ({@code builtin:NAME}), as a file on disk; any other argument is a
     * path as it is. An unknown name is a usage error that lists the names.
     */
    public static Path fileFor(String model) {
        return model.startsWith(PREFIX) ? named(model.substring(PREFIX.length())).modelFile() : Path.of(model);
    }

    /** The built-in model a model argument names ({@code builtin:NAME}); anything else is a usage error. */
    public static BuiltinModel of(String model) {
        if (!model.startsWith(PREFIX)) {
            throw UsageException.of("model", "must name a built-in model here (" + Arrays.stream(values())
                    .map(BuiltinModel::spec).collect(Collectors.joining(", ")) + "), got '" + model + "'");
        }
        return named(model.substring(PREFIX.length()));
    }

    /** The built-in model called {@code name} ({@code expression}, {@code face-recognition}, {@code fashion}). */
    public static BuiltinModel named(String name) {
        for (BuiltinModel m : values()) {
            if (m.shortName.equals(name)) {
                return m;
            }
        }
        throw UsageException.of("model", "'" + PREFIX + name + "' names no built-in model; the built-in models are "
                + Arrays.stream(values()).map(BuiltinModel::spec).collect(Collectors.joining(", ")));
    }

    private String fileStem() {
        return resource.substring(resource.lastIndexOf('/') + 1);
    }

    private List<SampleIndex.Entry> entries() {
        return SampleIndex.parse(new String(resource("samples/index.txt"), StandardCharsets.UTF_8)).stream()
                .filter(e -> e.model().equals(shortName)).toList();
    }

    private synchronized Path extracted() {
        byte[] model = resource(resource + ".pt");
        byte[] card = resource(resource + ".json");
        List<SampleIndex.Entry> samples = entries();
        byte[][] sampleBytes = new byte[samples.size()][];
        MessageDigest digest = sha256();
        digest.update(model);
        digest.update(card);
        for (int i = 0; i < samples.size(); i++) {
            sampleBytes[i] = resource("samples/" + samples.get(i).file());
            digest.update(samples.get(i).file().getBytes(StandardCharsets.UTF_8));
            digest.update(sampleBytes[i]);
        }
        String hash = HexFormat.of().formatHex(digest.digest()).substring(0, 12);
        Path folder = cacheRoot().resolve(fileStem() + "-" + hash);
        Path done = folder.resolve(".complete");
        if (Files.exists(done)) {
            return folder;
        }
        try {
            Files.createDirectories(folder.resolve("samples"));
            AtomicFiles.write(folder.resolve(fileStem() + ".pt"), model);
            AtomicFiles.write(folder.resolve(fileStem() + ".json"), card);
            for (int i = 0; i < samples.size(); i++) {
                AtomicFiles.write(folder.resolve("samples").resolve(samples.get(i).file()), sampleBytes[i]);
            }
            Files.writeString(done, "ok\n");
        } catch (IOException e) {
            throw new ConvscopeException("cannot unpack the built-in model " + spec() + " into " + folder + ": "
                    + e.getMessage() + " (set -Dconvscope.cacheDir to a writable folder)", e);
        }
        return folder;
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
        try (InputStream in = BuiltinModel.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new ConvscopeException("the built-in model file " + name + " is missing from the classpath; "
                        + "rebuild with 'mvn package' or give a model file");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ConvscopeException("cannot read built-in resource " + name + ": " + e.getMessage(), e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
