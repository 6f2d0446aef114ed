package io.convscope.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

class OcclusionBenchmarkTest {
    @Test
    void freedMemoryIsKeptOnlyWithOneHeapAndNoMappedBlocks() {
        // What ./convscope exports.
        assertTrue(OcclusionBenchmark.retainsFreedMemory(Map.of("MALLOC_ARENA_MAX", "1", "MALLOC_MMAP_MAX_", "0",
                "MALLOC_TRIM_THRESHOLD_", "17179869184")));
        assertFalse(OcclusionBenchmark.retainsFreedMemory(Map.of()), "glibc's defaults");
        // A user's own arena count wins in the launcher; threads with heaps of their own still map large blocks.
        assertFalse(OcclusionBenchmark.retainsFreedMemory(Map.of("MALLOC_ARENA_MAX", "4", "MALLOC_MMAP_MAX_", "0")));
        assertFalse(OcclusionBenchmark.retainsFreedMemory(Map.of("MALLOC_ARENA_MAX", "1")));
    }
}
