package io.convscope;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A folder a command fills with several files (a report), checked before any work and written all or none:
 * the files are made in a hidden scratch folder beside it and moved in only when the whole build returned.
 * A folder that did not exist is created only then, so a failure leaves no empty folder either.
 */
public record OutputFolder(Path given, Path target) {
    /** Checks that {@code given} is a folder, or can be created as one, in a place that takes new files. */
    public static OutputFolder check(Path given) {
        Path target = given.toAbsolutePath().normalize();
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new UsageException(given + " is a file; give a folder");
        }
        Path parent = target.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new UsageException("cannot write into " + given + ": folder " + parent
                    + " does not exist; create it first");
        }
        OutputFile.probe(Files.isDirectory(target) ? target : parent, given);
        return new OutputFolder(given, target);
    }

    /** Runs {@code build} on a scratch folder, then moves what it made into the target folder. */
    public <T> T write(Function<Path, T> build) {
        Path scratch;
        try {
            scratch = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".convscope-");
        } catch (IOException e) {
            throw new ConvscopeException("cannot write into " + given + ": " + e.getMessage(), e);
        }
        try {
            T result = build.apply(scratch);
            Files.createDirectories(target);
            for (Path file : list(scratch)) {
                Files.move(file, target.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            }
            return result;
        } catch (IOException e) {
            throw new ConvscopeException("cannot write into " + given + ": " + e.getMessage(), e);
        } finally {
            delete(scratch);
        }
    }

    private static List<Path> list(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        }
    }

    private static void delete(Path scratch) {
        try (Stream<Path> all = Files.walk(scratch)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // Only leftovers of a build that already failed or finished; the user needs its outcome, not this.
        }
    }
}
