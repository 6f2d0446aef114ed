package io.convscope.occlusion;

/**
 * How many windows go through the model at once when the caller does not say: as many as fit a memory budget
 * with their activations, capped where bigger batches stopped paying, in equal chunks.
 */
final class BatchBudget {
    /** Budget for one chunk's input and activations. */
    static final long BYTES = 2L << 30;
    /** Rough ratio of a CNN's peak activation memory to its input size, per example. */
    static final int ACTIVATION_FACTOR = 16;
    /** oneDNN's convolutions kept gaining up to batches of about 128 on AlexNet here (bench occlusion). */
    private static final int MAX_CPU = 128;
    private static final int MAX_CUDA = 512;

    private BatchBudget() {
    }

    /** Windows per chunk for {@code count} windows of {@code c x h x w} inputs. */
    static int chunk(int count, int c, int h, int w, boolean cuda) {
        long perWindow = 4L * c * h * w * ACTIVATION_FACTOR;
        long fits = Math.max(1, BYTES / perWindow);
        return Math.min(count, evenChunks(count, (int) Math.min(fits, cuda ? MAX_CUDA : MAX_CPU)));
    }

    /**
     * Windows per call of a classifier that reads {@code elements} floats per window: a multiple of the chunk
     * size, up to all {@code count} windows, within the budget.
     */
    static int head(long elements, int chunk, int count) {
        long perWindow = 4L * elements * ACTIVATION_FACTOR;
        long fits = Math.max(chunk, BYTES / Math.max(1, perWindow));
        return (int) Math.max(1, Math.min(count, fits / chunk * chunk));
    }

    /** The largest batch that splits {@code count} windows into equal chunks no bigger than {@code most}. */
    static int evenChunks(int count, int most) {
        int chunks = (count + most - 1) / most;
        return (count + chunks - 1) / chunks;
    }
}
