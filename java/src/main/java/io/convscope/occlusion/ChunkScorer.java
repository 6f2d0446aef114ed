package io.convscope.occlusion;

import org.bytedeco.pytorch.Tensor;

/** Evaluates the occluded copies of a run's windows {@code from} (inclusive) to {@code to}: their model outputs. */
interface ChunkScorer {
    /** How many windows one call should cover, for the best speed within the memory budget. */
    int windowsPerCall();

    /** One row of model outputs per window; valid until the next call. Runs inside the caller's PointerScope. */
    Tensor outputs(int from, int to);
}
