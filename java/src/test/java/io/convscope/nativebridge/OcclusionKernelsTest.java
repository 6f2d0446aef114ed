package io.convscope.nativebridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.junit.jupiter.api.Test;

class OcclusionKernelsTest {
    private static final int C = 3;
    private static final int H = 5;
    private static final int W = 6;
    private static final float[] FILL = {-1f, -2f, -3f};

    /** Pixel (c, y, x) holds its flat index, so every value tells where it came from. */
    private static float[] numberedImage() {
        float[] image = new float[C * H * W];
        for (int i = 0; i < image.length; i++) {
            image[i] = i;
        }
        return image;
    }

    /** Sets rows [y0, y1) x columns [x0, x1) of copy k to the fill, in every channel. */
    private static void fillRectangle(float[] batch, int k, int y0, int y1, int x0, int x1) {
        for (int c = 0; c < C; c++) {
            for (int y = y0; y < y1; y++) {
                for (int x = x0; x < x1; x++) {
                    batch[((k * C + c) * H + y) * W + x] = FILL[c];
                }
            }
        }
    }

    @Test
    void writesOneCopyPerWindowWithTheWindowFilledPerChannelAndClippedAtTheEdge() {
        float[] image = numberedImage();
        int[] windows = {
            1, 2, 2, 3, // top, left, height, width: rows 1-2, columns 2-4
            3, 4, 4, 4, // reaches past the bottom-right corner: only rows 3-4, columns 4-5 exist
        };
        float[] expected = new float[2 * C * H * W];
        System.arraycopy(image, 0, expected, 0, image.length);
        System.arraycopy(image, 0, expected, image.length, image.length);
        fillRectangle(expected, 0, 1, 3, 2, 5);
        fillRectangle(expected, 1, 3, 5, 4, 6);

        float[] actual = new float[expected.length];
        try (FloatPointer imagePtr = new FloatPointer(image);
             IntPointer windowPtr = new IntPointer(windows);
             FloatPointer fillPtr = new FloatPointer(FILL);
             FloatPointer out = new FloatPointer(expected.length)) {
            int status = OcclusionKernels.occludeBatchCpu(imagePtr, C, H, W, windowPtr, 2, fillPtr, out, 2);
            assertEquals(OcclusionKernels.CS_OK, status, OcclusionKernels.statusMessage(status));
            out.get(actual);
        }
        assertArrayEquals(expected, actual);
        // Spot checks read straight off the layout N x C x H x W.
        assertEquals(-1f, actual[(0 * C + 0) * H * W + 1 * W + 2]);
        assertEquals(-3f, actual[(0 * C + 2) * H * W + 2 * W + 4]);
        assertEquals(2 * H * W + 2 * W + 5, actual[(0 * C + 2) * H * W + 2 * W + 5]);
        assertEquals(-2f, actual[(1 * C + 1) * H * W + 4 * W + 5]);
        assertEquals(1 * H * W + 2 * W + 5, actual[(1 * C + 1) * H * W + 2 * W + 5]);
    }

    @Test
    void rejectsAWindowOfZeroHeightWithoutWritingAnything() {
        float[] untouched = new float[2 * C * H * W];
        java.util.Arrays.fill(untouched, 42f);
        float[] actual = new float[untouched.length];
        try (FloatPointer imagePtr = new FloatPointer(numberedImage());
             IntPointer windowPtr = new IntPointer(0, 0, 1, 1, 0, 0, 0, 2);
             FloatPointer fillPtr = new FloatPointer(FILL);
             FloatPointer out = new FloatPointer(untouched)) {
            int status = OcclusionKernels.occludeBatchCpu(imagePtr, C, H, W, windowPtr, 2, fillPtr, out, 0);
            assertEquals(OcclusionKernels.CS_INVALID_ARGUMENT, status);
            assertTrue(OcclusionKernels.statusMessage(status).startsWith("invalid argument"),
                    OcclusionKernels.statusMessage(status));
            out.get(actual);
        }
        assertArrayEquals(untouched, actual);
    }

    @Test
    void cudaEntryPointsAnswerInEveryBuild() {
        int devices = OcclusionKernels.cudaDeviceCount();
        assertTrue(devices >= 0);
        if (!OcclusionKernels.cudaCompiled()) {
            assertEquals(0, devices);
            try (FloatPointer one = new FloatPointer(1f);
                 IntPointer window = new IntPointer(0, 0, 1, 1);
                 FloatPointer out = new FloatPointer(1)) {
                assertEquals(OcclusionKernels.CS_CUDA_UNAVAILABLE,
                        OcclusionKernels.occludeBatchCuda(one, 1, 1, 1, window, 1, one, out, null));
            }
        }
        assertEquals("ok", OcclusionKernels.statusMessage(OcclusionKernels.CS_OK));
    }
}
