package io.convscope.batch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

import io.convscope.ConvscopeException;
import io.convscope.UsageException;

/**
 * The images of a batch, in the order their rows appear in the results table. Each path is absolute and
 * normalized, and appears once: a path listed twice would otherwise give two rows for one image.
 */
public record ImageList(List<Path> files) {
    /** What a folder contributes: files whose names end in one of these (any case), found at any depth. */
    static final List<String> IMAGE_EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp");

    public ImageList {
        Set<Path> unique = new LinkedHashSet<>();
        for (Path file : files) {
            unique.add(file.toAbsolutePath().normalize());
        }
        files = List.copyOf(unique);
    }

    /**
     * A folder's image files (by extension, at any depth, sorted by path), or the files a list names: one path a
     * line, relative ones taken from the list's folder; blank lines and lines starting with {@code #} are skipped.
     * A listed file that is missing or damaged is not refused here: it becomes a row with its error. A name ending
     * in {@code .parquet} is a table of paths (a file, or a folder of part files as Spark writes them), read by
     * {@link ImageTableReader}.
     */
    public static ImageList read(Path folderOrList) {
        if (folderOrList.getFileName() != null && folderOrList.getFileName().toString().endsWith(".parquet")) {
            return new ImageList(ImageTableReader.find().read(folderOrList));
        }
        if (Files.isDirectory(folderOrList)) {
            return new ImageList(folder(folderOrList));
        }
        if (Files.isRegularFile(folderOrList)) {
            return new ImageList(list(folderOrList));
        }
        throw UsageException.of("images", folderOrList + " is neither a folder nor a list file; give a folder of "
                + "images or a text file with one image path a line");
    }

    public int size() {
        return files.size();
    }

    private static List<Path> folder(Path folder) {
        try (Stream<Path> all = Files.walk(folder)) {
            return all.filter(Files::isRegularFile).filter(ImageList::looksLikeImage).sorted().toList();
        } catch (IOException e) {
            throw new ConvscopeException("cannot list the images in " + folder + ": " + e.getMessage(), e);
        }
    }

    private static List<Path> list(Path listFile) {
        List<String> lines;
        try {
            lines = Files.readAllLines(listFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw UsageException.of("images", "list " + listFile + " cannot be read as UTF-8 text: " + e.getMessage());
        }
        Path base = listFile.toAbsolutePath().getParent();
        List<Path> files = new ArrayList<>();
        for (String line : lines) {
            String entry = line.strip();
            if (!entry.isEmpty() && !entry.startsWith("#")) {
                files.add(base.resolve(entry));
            }
        }
        return files;
    }

    private static boolean looksLikeImage(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return !name.startsWith(".") && IMAGE_EXTENSIONS.stream().anyMatch(name::endsWith);
    }
}
