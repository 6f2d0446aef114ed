package io.convscope.occlusion;

import io.convscope.model.TorchModel;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Whether a model's output for an image depends on the other images in its batch. A batch norm without running
 * statistics ({@code track_running_stats=False}) normalises by the batch's own, even in eval mode, so occluded
 * copies run together would change each other's scores, and the single-image proofs of the engines cannot see
 * it. The image is scored beside a zero image; its row must be its output alone, within
 * {@link ChainDecomposition#PROOF_TOLERANCE}. The C++ runner checks the same (engines.h).
 */
final class BatchDependence {
    private BatchDependence() {
    }

    /**
     * {@code alone} is the model's output for {@code image} (batch 1). A model that does not take two images at
     * once is batch-dependent too: one at a time is how it runs.
     */
    static boolean of(TorchModel model, Tensor image, Tensor alone) {
        TensorVector pair = new TensorVector();
        pair.push_back(image);
        pair.push_back(torch.zeros_like(image));
        Tensor rows;
        try {
            rows = model.forwardOptimized(torch.cat(pair, 0));
        } catch (RuntimeException batchOfTwoFailed) {
            return true;
        }
        return rows.dim() < 1 || rows.size(0) != 2 || !ChainDecomposition.close(rows.narrow(0, 0, 1), alone);
    }

    /** The engine note, and the first half of the refusal of the incremental engine. */
    static final String WHY = "the model's output for an image depends on the other images in its batch (a batch "
            + "norm without running statistics?), so windows run one at a time";
}
