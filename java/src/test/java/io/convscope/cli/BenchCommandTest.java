package io.convscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.convscope.TestModels;

/** {@code convscope bench}: its rows, and that {@code --threads} holds for the whole run. */
class BenchCommandTest {
    private static JsonObject lastRow(CliRun run) {
        List<String> lines = run.out().lines().toList();
        return JsonParser.parseString(lines.get(lines.size() - 1)).getAsJsonObject();
    }

    @Test
    void concurrencyComparesOneThreadWithCallersSharingTheModel() {
        CliRun one = CliRun.of("bench", "concurrency", "--threads", "1", "--callers", "2", "--maps", "1", "--repeat",
                "1");
        assertEquals(0, one.exitCode(), one.err());
        JsonObject summary = lastRow(one);
        assertEquals("concurrency-summary", summary.get("bench").getAsString());
        assertEquals(1, summary.get("intra_op_threads").getAsInt(), "the doors keep the thread count the run set");
        assertEquals(2, summary.get("maps_per_round").getAsInt());
        for (String rate : List.of("sequential_maps_per_s", "locked_maps_per_s", "shared_maps_per_s")) {
            assertTrue(summary.get(rate).getAsDouble() > 0, rate);
        }
        // The next run in this JVM, without --threads, gets all cores again.
        CliRun all = CliRun.of("bench", "concurrency", "--callers", "2", "--maps", "1", "--repeat", "1");
        assertEquals(Runtime.getRuntime().availableProcessors(), lastRow(all).get("intra_op_threads").getAsInt());
    }

    @Test
    void occlusionTimesTheEngineBesideTheFullOneOnTheSameMap() {
        CliRun run = CliRun.of("bench", "occlusion", "--model", TestModels.path("tiny.pt").toString(), "--window",
                "4", "--stride", "2", "--repeat", "1", "--loop-windows", "2", "--threads", "1");
        assertEquals(0, run.exitCode(), run.err());
        JsonObject summary = lastRow(run);
        assertEquals("occlusion-summary", summary.get("bench").getAsString());
        assertEquals("3x8x8", summary.get("input").getAsString());
        assertEquals(9, summary.get("windows").getAsInt(), "3 x 3 windows of 4 at stride 2 on 8 x 8");
        assertEquals("incremental", summary.get("engine").getAsString());
        assertEquals(0.0, summary.get("map_max_abs_difference").getAsDouble(), 1e-4,
                "the incremental engine's map is the full engine's");
        for (String rate : List.of("engine_windows_per_s", "full_windows_per_s", "loop_windows_per_s")) {
            assertTrue(summary.get(rate).getAsDouble() > 0, rate);
        }
        // The launcher's heap setting (README, "Memory") is reported, since it moves the numbers
        // (OcclusionBenchmarkTest has the rule); surefire starts this JVM without it, unless its caller set it.
        boolean launcherHeap = "0".equals(System.getenv("MALLOC_MMAP_MAX_"))
                && "1".equals(System.getenv("MALLOC_ARENA_MAX"));
        assertEquals(launcherHeap, summary.get("retains_freed_memory").getAsBoolean());
    }

    @Test
    void anUnknownTargetOrTooFewCallersIsAUsageError() {
        CliRun unknown = CliRun.of("bench", "speed");
        assertEquals(2, unknown.exitCode());
        assertEquals("convscope bench: error: bench needs one target: filters, occlusion or concurrency (e.g. "
                + "convscope bench occlusion --model alexnet.pt)\n", unknown.err());
        CliRun callers = CliRun.of("bench", "concurrency", "--callers", "1");
        assertEquals(2, callers.exitCode());
        assertEquals("convscope bench: error: --callers must be 2 or more, got 1\n", callers.err());
    }
}
