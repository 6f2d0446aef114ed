package io.convscope;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The files of one command, written all or none: every output is encoded first, then each regular file is
 * written to a scratch file beside it, and only when all of them are on disk are they renamed into place
 * (each rename is atomic, so no reader sees half a file). Writing is what fails in practice (a full disk, a
 * folder that went away); a rename within a folder {@link OutputFile#check} accepted does not. Devices and
 * pipes are written through after the scratch files.
 */
public final class Outputs {
    private final Map<OutputFile, byte[]> files = new LinkedHashMap<>();

    /** Adds one output; nothing is written until {@link #write()}. A null file (an output not asked for) is skipped. */
    public Outputs add(OutputFile file, byte[] bytes) {
        if (file != null) {
            files.put(file, bytes);
        }
        return this;
    }

    public void write() {
        List<Path> scratch = new ArrayList<>();
        try {
            List<Path[]> moves = new ArrayList<>();
            for (Map.Entry<OutputFile, byte[]> e : files.entrySet()) {
                OutputFile file = e.getKey();
                if (file.writeThrough()) {
                    continue;
                }
                Path part = scratchBeside(file.target());
                scratch.add(part);
                write(file, part, e.getValue());
                moves.add(new Path[] {part, file.target()});
            }
            for (Map.Entry<OutputFile, byte[]> e : files.entrySet()) {
                if (e.getKey().writeThrough()) {
                    write(e.getKey(), e.getKey().target(), e.getValue());
                }
            }
            for (Path[] move : moves) {
                Files.move(move[0], move[1], StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new ConvscopeException("cannot write the outputs: " + e.getMessage(), e);
        } finally {
            for (Path part : scratch) {
                try {
                    Files.deleteIfExists(part);
                } catch (IOException ignored) {
                    // The failure that brought us here is what the user needs to see.
                }
            }
        }
    }

    /**
     * A new empty file beside {@code target}, in the same folder so the rename is atomic. Unlike
     * {@code createTempFile} (mode 0600) it gets the permissions a new file gets from the umask, or those of
     * the file it will replace.
     */
    private static Path scratchBeside(Path target) throws IOException {
        Path part = Files.createFile(target.resolveSibling(".convscope-" + UUID.randomUUID() + ".part"));
        if (Files.isRegularFile(target)) {
            try {
                Files.setPosixFilePermissions(part, Files.getPosixFilePermissions(target));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: the new file keeps the default permissions.
            }
        }
        return part;
    }

    private static void write(OutputFile file, Path path, byte[] bytes) {
        // No truncation: a scratch file is new and empty, and a device or pipe is written as it is.
        try (OutputStream out = Files.newOutputStream(path, StandardOpenOption.WRITE)) {
            out.write(bytes);
        } catch (IOException e) {
            throw new ConvscopeException("cannot write " + file.given() + ": " + e.getMessage(), e);
        }
    }
}
