package io.convscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.convscope.model.BundledModel;

/** {@code convscope batch}: exit codes, the closing line, and errors that name flags. */
class BatchCommandTest {
    @TempDir
    Path dir;

    @Test
    void aRunWithAFailedImageWritesEveryRowAndExitsOne() throws Exception {
        Path list = dir.resolve("list.txt");
        Path sandal = BundledModel.samples().stream().filter(p -> p.toString().contains("sandal")).findFirst()
                .orElseThrow();
        Files.writeString(list, sandal + "\nmissing.png\n");
        Path out = dir.resolve("out");
        CliRun run = CliRun.of("batch", "--images", list.toString(), "--out", out.toString(), "--window", "16",
                "--stride", "16", "--threads", "1", "--table", "csv");
        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.out().matches("2 images \\(0 done before, 2 analysed now in [0-9.]+ s, [0-9.]+ images/s, 1 "
                + "failed\\): " + java.util.regex.Pattern.quote(out.resolve("results.csv").toString()) + "\n"), run.out());
        assertTrue(run.err().contains("1 images failed"), run.err());
        List<String> lines = Files.readAllLines(out.resolve("results.csv"));
        assertEquals(3, lines.size());
        assertTrue(lines.get(2).endsWith(",image not found: " + dir.resolve("missing.png")), lines.get(2));
    }

    @Test
    void aFormatThatIsNotOnTheClassPathIsAUsageErrorNamingTheFlag() {
        CliRun run = CliRun.of("batch", "--images", dir.toString(), "--out", dir.resolve("out").toString(),
                "--table", "parquet");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("convscope batch: error: --table format 'parquet' is not available (here: "
                + "csv); Parquet is written by the convscope-spark module"), run.err());
        assertFalse(Files.exists(dir.resolve("out/results.parquet")));
    }

    @Test
    void partitionsWithoutSparkIsAUsageError() {
        CliRun run = CliRun.of("batch", "--images", dir.toString(), "--out", dir.resolve("out").toString(),
                "--partitions", "4");
        assertEquals(2, run.exitCode());
        assertEquals("convscope batch: error: --partitions applies to --spark runs only\n", run.err());
    }
}
