package io.convscope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outputs are checked before work, written all or none, through links and devices, never over a folder. */
class OutputsTest {
    @TempDir
    Path dir;

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void put(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesEveryFileAndLeavesNoScratchFile() throws IOException {
        new Outputs().add(OutputFile.check(dir.resolve("a.png"), ".png"), bytes("png"))
                .add(OutputFile.check(dir.resolve("a.json"), ".json"), bytes("{}")).add(null, bytes("skipped")).write();
        assertEquals(List.of("a.json", "a.png"), names());
        assertEquals("png", Files.readString(dir.resolve("a.png")));
    }

    @Test
    void aSymlinkIsFollowedAndStaysALink() throws IOException {
        Path target = Files.writeString(dir.resolve("real.npy"), "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.npy"), target.getFileName());
        new Outputs().add(OutputFile.check(link, ".npy"), bytes("new")).write();
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("new", Files.readString(target));
    }

    @Test
    void aDanglingSymlinkCreatesTheFileItNames() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("link.npy"), Path.of("made.npy"));
        new Outputs().add(OutputFile.check(link, ".npy"), bytes("x")).write();
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("x", Files.readString(dir.resolve("made.npy")));
    }

    @Test
    void aDeviceIsWrittenThroughNotReplaced() throws IOException {
        Path devNull = Path.of("/dev/null");
        OutputFile file = OutputFile.check(devNull, ".npy");
        assertTrue(file.writeThrough());
        new Outputs().add(file, bytes("discarded")).write();
        assertFalse(Files.isRegularFile(devNull));
        assertTrue(Files.exists(devNull));
    }

    @Test
    void aPipeIsWrittenThroughToItsReader() throws Exception {
        Path fifo = dir.resolve("pipe");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Path link = Files.createSymbolicLink(dir.resolve("pipe-link"), fifo);
        OutputFile file = OutputFile.check(link, ".npy");
        assertTrue(file.writeThrough(), "a pipe needs no extension and is not replaced");
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readAllBytes(fifo);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        new Outputs().add(file, bytes("through")).write();
        assertEquals("through", new String(read.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8));
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(List.of("pipe", "pipe-link"), names());
    }

    @Test
    void anExistingFileKeepsItsPermissions() throws IOException {
        Path file = Files.writeString(dir.resolve("kept.json"), "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        new Outputs().add(OutputFile.check(file, ".json"), bytes("new")).write();
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("new", Files.readString(file));
    }

    @Test
    void aFolderIsNeverATarget() throws IOException {
        Path folder = Files.createDirectory(dir.resolve("x.png"));
        Path link = Files.createSymbolicLink(dir.resolve("y.png"), folder);
        assertEquals(dir.resolve("x.png") + " is a folder; give a file name ending in .png",
                assertThrows(UsageException.class, () -> OutputFile.check(folder, ".png")).getMessage());
        assertThrows(UsageException.class, () -> OutputFile.check(link, ".png"));
        assertTrue(Files.isDirectory(folder));
    }

    @Test
    void theFormatFollowsTheExtension() {
        assertEquals("cannot write " + dir.resolve("o.jpg") + ": this output is written as .png and the format "
                + "follows the file name; name it *.png",
                assertThrows(UsageException.class, () -> OutputFile.check(dir.resolve("o.jpg"), ".png")).getMessage());
        OutputFile.check(dir.resolve("UPPER.PNG"), ".png");
    }

    @Test
    void aFailedWriteMovesNothingIntoPlace() throws IOException {
        Path existing = Files.writeString(dir.resolve("keep.png"), "previous");
        OutputFile png = OutputFile.check(existing, ".png");
        Path sub = Files.createDirectory(dir.resolve("sub"));
        OutputFile json = OutputFile.check(sub.resolve("o.json"), ".json");
        Files.delete(sub);   // gone after the check: the second output cannot be written
        assertThrows(ConvscopeException.class, () -> new Outputs().add(png, bytes("new")).add(json, bytes("{}"))
                .write());
        assertEquals("previous", Files.readString(existing), "the first output was not replaced either");
        assertEquals(List.of("keep.png"), names());
    }

    @Test
    void aReportFolderAppearsOnlyWhenItsBuildSucceeds() throws IOException {
        OutputFolder folder = OutputFolder.check(dir.resolve("rep"));
        assertThrows(UsageException.class, () -> folder.write(scratch -> {
            put(scratch.resolve("index.html"), "half");
            throw new UsageException("no such layer");
        }));
        assertEquals(List.of(), names());
        assertEquals("done", folder.write(scratch -> {
            put(scratch.resolve("index.html"), "whole");
            return "done";
        }));
        assertArrayEquals(bytes("whole"), Files.readAllBytes(dir.resolve("rep").resolve("index.html")));
        assertEquals(List.of("rep"), names());
    }
}
