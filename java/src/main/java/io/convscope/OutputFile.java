package io.convscope;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A file a command will write, checked before any work is done. The name as given is kept for messages;
 * {@link #target()} is where the bytes go: a symbolic link is followed to the file it names (the link stays a
 * link), and anything that exists and is not a regular file (a device such as {@code /dev/null}, a pipe) is
 * written through rather than replaced. A folder is never a target. {@link #format()} is the extension of the
 * format written there (".png").
 */
public record OutputFile(Path given, Path target, boolean writeThrough, String format) {
    /** Longest file name, in bytes, that Linux file systems accept (NAME_MAX). */
    static final int NAME_MAX = 255;
    private static final int MAX_LINKS = 40;

    /**
     * Checks {@code given} as an output of the format named by {@code extension} (".png", ".npy", ".json"): a
     * regular file's name must end in it, its folder must exist and take new files. Fails with a
     * {@link UsageException} naming the path and the fix.
     */
    public static OutputFile check(Path given, String extension) {
        Path absolute = given.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            throw new UsageException(given + " is a folder; give a file name ending in " + extension);
        }
        if (Files.exists(absolute) && !Files.isRegularFile(absolute)) {
            // Opened by the name given: /dev/stdout and /dev/fd/N are links the kernel resolves ("pipe:[N]"),
            // not paths we could follow ourselves.
            if (!Files.isWritable(absolute)) {
                throw new UsageException("cannot write " + given + ": it is not writable");
            }
            return new OutputFile(given, absolute, true, extension);
        }
        Path target = followLinks(absolute);
        String name = target.getFileName().toString();
        if (!name.toLowerCase(Locale.ROOT).endsWith(extension)) {
            throw new UsageException("cannot write " + given + ": this output is written as " + extension
                    + " and the format follows the file name; name it *" + extension);
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > NAME_MAX) {
            throw new UsageException("cannot write " + given + ": the file name is " + name.length()
                    + " characters long, and file systems take at most " + NAME_MAX + " bytes; use a shorter name");
        }
        Path folder = target.getParent();
        if (!Files.isDirectory(folder)) {
            throw new UsageException("cannot write " + given + ": folder " + folder
                    + " does not exist; create it first");
        }
        probe(folder, given);
        return new OutputFile(given, target, false, extension);
    }

    /** Creates and removes a scratch file in {@code folder}: the only sure test that the folder takes new files. */
    static void probe(Path folder, Path given) {
        try {
            Files.delete(Files.createTempFile(folder, ".convscope-", ".probe"));
        } catch (AccessDeniedException e) {
            throw new UsageException("cannot write " + given + ": folder " + folder + " is not writable; "
                    + "choose another folder");
        } catch (FileSystemException e) {
            String reason = reason(e);
            throw new UsageException("cannot write " + given + ": folder " + folder + " does not take new files"
                    + (reason.isEmpty() ? "" : " (" + reason + ")") + "; choose another folder");
        } catch (IOException e) {
            throw new UsageException("cannot write " + given + ": " + e.getMessage());
        }
    }

    /** What the operating system said, without the exception's class name; may be empty. */
    static String reason(FileSystemException e) {
        return e.getReason() != null ? e.getReason() : "";
    }

    /** The file a chain of symbolic links ends at; it may not exist yet (a dangling link names a new file). */
    private static Path followLinks(Path path) {
        Path current = path;
        for (int hops = 0; Files.isSymbolicLink(current); hops++) {
            if (hops == MAX_LINKS) {
                throw new UsageException("cannot write " + path + ": too many levels of symbolic links");
            }
            try {
                current = current.resolveSibling(Files.readSymbolicLink(current)).normalize();
            } catch (IOException e) {
                throw new UsageException("cannot write " + path + ": cannot read the link (" + e.getMessage() + ")");
            }
        }
        return Files.exists(current, LinkOption.NOFOLLOW_LINKS) ? realPath(current) : current;
    }

    private static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path;
        }
    }
}
