package io.convscope.occlusion;

import org.bytedeco.pytorch.Tensor;

import io.convscope.model.TorchModel;

/**
 * The full engine for a model that is not run as chain plus rest: each chunk of occluded copies goes through the
 * model's own forward (its inference-optimized copy).
 */
final class ModelScorer implements ChunkScorer {
    private final TorchModel model;
    private final OccludedChunks chunks;

    ModelScorer(TorchModel model, OccludedChunks chunks) {
        this.model = model;
        this.chunks = chunks;
    }

    @Override
    public int windowsPerCall() {
        return chunks.batch();
    }

    @Override
    public Tensor outputs(int from, int to) {
        return model.forwardOptimized(chunks.occluded(from, to));
    }
}
