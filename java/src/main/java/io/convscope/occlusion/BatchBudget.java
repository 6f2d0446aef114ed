package io.convscope.occlusion;

import io.convscope.nativebridge.GridPolicy;

/**
 * How many windows go through the model at once when the caller does not say: the shared policy of
 * {@code native/include/convscope/grid.h} (a memory budget, a cap where bigger batches stopped paying, equal
 * chunks), which the C++ runner follows too.
 */
final class BatchBudget {
    private BatchBudget() {
    }

    /** Windows per chunk for {@code count} windows of {@code c x h x w} inputs. */
    static int chunk(int count, int c, int h, int w, boolean cuda) {
        return Math.toIntExact(GridPolicy.chunkWindows(count, c, h, w, cuda ? 1 : 0));
    }

    /**
     * Windows per call of a classifier that reads {@code elements} floats per window: a multiple of the chunk
     * size, up to all {@code count} windows, within the budget.
     */
    static int head(long elements, int chunk, int count) {
        return Math.toIntExact(GridPolicy.headWindows(elements, chunk, count));
    }

    /** The largest batch that splits {@code count} windows into equal chunks no bigger than {@code most}. */
    static int evenChunks(int count, int most) {
        return Math.toIntExact(GridPolicy.evenChunks(count, most));
    }
}
