package io.convscope.occlusion;

import org.bytedeco.pytorch.Tensor;

/**
 * The full engine for a model run as chain plus rest: every layer of every occluded copy is computed, the chain
 * on channels-last chunks, exactly the operations the incremental engine runs on the layers it does not patch.
 */
final class ChainFullScorer extends ChainScorer {
    private final OccludedChunks chunks;

    ChainFullScorer(ChainDecomposition chain, OccludedChunks chunks, int windowCount) {
        super(chain, chunks.batch(), windowCount);
        this.chunks = chunks;
    }

    @Override
    protected Tensor chainOutput(int from, int to) {
        // The chunk buffer is rewritten by the next call, but the channels-last copy is a tensor of its own.
        return chain.runLinks(0, channelsLast(chunks.occluded(from, to)));
    }
}
