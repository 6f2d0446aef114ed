package io.convscope.batch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import io.convscope.ConvscopeException;
import io.convscope.OutputFile;
import io.convscope.OutputFolder;

/**
 * Where a batch keeps its files: {@code maps/KEY.npy}, {@code overlays/KEY.png} (when asked for), and
 * {@code rows/KEY.json}, one row per image, written after that image's other files. A row on disk is the
 * record that the image is done; the results table is made from the rows, so a run killed at any point
 * and started again redoes exactly the images without a row.
 *
 * <p>An image's KEY is its file name without the extension, made safe for file names, plus 8 hex digits
 * of the SHA-256 of its absolute path: stable across runs and machines that see the same path, and
 * distinct for {@code a/cat.png} and {@code b/cat.png}.
 */
public record BatchFolder(Path root) {
    private static final int MAX_STEM = 80;

    /** Checks that {@code out} is, or can be made, a folder that takes new files, and makes its sub-folders. */
    public static BatchFolder prepare(Path out) {
        Path root = OutputFolder.check(out).target();
        try {
            Files.createDirectories(root.resolve("rows"));
            Files.createDirectories(root.resolve("maps"));
            Files.createDirectories(root.resolve("overlays"));
        } catch (IOException e) {
            throw new ConvscopeException("cannot make the batch folders in " + out + ": " + e.getMessage(), e);
        }
        return new BatchFolder(root);
    }

    public static String key(Path image) {
        String name = image.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = (dot > 0 ? name.substring(0, dot) : name).replaceAll("[^A-Za-z0-9._-]", "_");
        if (stem.length() > MAX_STEM) {
            stem = stem.substring(0, MAX_STEM);
        }
        return stem + "-" + shortHash(image.toAbsolutePath().normalize().toString());
    }

    public Path row(String key) {
        return root.resolve("rows").resolve(key + ".json");
    }

    public OutputFile mapFile(String key) {
        return OutputFile.check(root.resolve("maps").resolve(key + ".npy"), ".npy");
    }

    public OutputFile overlayFile(String key) {
        return OutputFile.check(root.resolve("overlays").resolve(key + ".png"), ".png");
    }

    public OutputFile rowFile(String key) {
        return OutputFile.check(row(key), ".json");
    }

    /** The results table: {@code results.csv} or {@code results.parquet}. */
    public OutputFile table(TableWriter writer) {
        return OutputFile.check(root.resolve("results." + writer.format()), "." + writer.format());
    }

    /** {@code file} relative to this folder, with forward slashes: how the table names the map and overlay. */
    public String relative(Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    private static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
