package io.convscope.occlusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import io.convscope.UsageException;

class WindowGridTest {

    private static WindowGrid grid(int size, int window, int stride) {
        return WindowGrid.of(Method.GRID, size, size, Size2.square(window), Size2.square(stride));
    }

    @Test
    void window50Stride10On224HasNineteenPositionsEndingFlushWithTheEdge() {
        WindowGrid g = grid(224, 50, 10);
        assertEquals(19, g.rows());
        assertEquals(19, g.cols());
        assertEquals(361, g.count());
        assertArrayEquals(new int[] {0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160, 170,
                174}, g.tops());
        assertEquals(224, g.top(18) + 50, "the edge window is full size and touches the border");
    }

    @Test
    void window32Stride14On224AddsTheEdgeWindowAt192() {
        WindowGrid g = grid(224, 32, 14);
        assertEquals(15, g.rows());
        assertEquals(182, g.top(13));
        assertEquals(192, g.top(14));
    }

    @Test
    void noExtraWindowWhenTheStepsReachTheEdgeExactly() {
        assertArrayEquals(new int[] {0, 10, 20, 30}, grid(80, 50, 10).tops());
        assertArrayEquals(new int[] {0}, grid(50, 50, 10).tops());
    }

    @Test
    void rectangularWindowsAndStridesPlaceRowsAndColumnsIndependently() {
        WindowGrid g = WindowGrid.of(Method.GRID, 10, 12, new Size2(3, 4), new Size2(2, 3));
        assertArrayEquals(new int[] {0, 2, 4, 6, 7}, g.tops());
        assertArrayEquals(new int[] {0, 3, 6, 8}, g.lefts());
        // Window k = i * cols + j: the sixth window is row 1, column 1.
        assertArrayEquals(new int[] {2, 3, 3, 4, 2, 6, 3, 4}, g.packed(5, 7));
    }

    @Test
    void captumPlacementCutsTheLastWindowAtTheBorderInsteadOfShiftingIt() {
        WindowGrid g = WindowGrid.of(Method.CAPTUM, 224, 224, Size2.square(50), Size2.square(10));
        // ceil((224 - 50) / 10) + 1 = 19 positions 0..180; the last one covers 180..223 only.
        assertEquals(19, g.rows());
        assertEquals(180, g.top(18));
        WindowGrid r = WindowGrid.of(Method.CAPTUM, 10, 12, new Size2(3, 4), new Size2(2, 3));
        assertArrayEquals(new int[] {0, 2, 4, 6, 8}, r.tops());
        assertArrayEquals(new int[] {0, 3, 6, 9}, r.lefts());
    }

    @Test
    void badSizesAreUsageErrorsThatSayWhatToDo() {
        assertEquals("stride 20 is larger than window 10, which would leave pixels never occluded; use a stride of "
                + "at most the window", assertThrows(UsageException.class, () -> grid(64, 10, 20)).getMessage());
        assertEquals("window 70 is larger than the 64x64 input; use a window of at most 64x64",
                assertThrows(UsageException.class, () -> grid(64, 70, 10)).getMessage());
        assertEquals("window and stride must be at least 1 pixel, got window 0 and stride 1",
                assertThrows(UsageException.class, () -> grid(64, 0, 1)).getMessage());
        assertEquals("window and stride must be at least 1 pixel, got window 8 and stride 0x4",
                assertThrows(UsageException.class, () -> WindowGrid.of(Method.GRID, 64, 64, Size2.square(8),
                        new Size2(0, 4))).getMessage());
    }

    @Test
    void sizesParseAsSquareOrHeightByWidth() {
        assertEquals(new Size2(50, 50), Size2.parse("window", "50"));
        assertEquals(new Size2(50, 40), Size2.parse("window", "50x40"));
        assertEquals("stride takes N or HxW in pixels (50, 50x40), got '10,8'",
                assertThrows(UsageException.class, () -> Size2.parse("stride", "10,8")).getMessage());
    }
}
