package io.convscope.occlusion;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Scores windows of a model run as chain plus rest ({@link ChainDecomposition}): the chain chunk by chunk of at
 * most {@code batch} windows, then the modules after it once on the whole call's windows, since a classifier's
 * matrix products gain from more rows (AlexNet's ran 1.3x faster on 361 rows than in chunks of 121 here). Both
 * engines share this, so their classifiers see the same rows in the same batches and compute them alike.
 */
abstract class ChainScorer implements ChunkScorer {
    protected final ChainDecomposition chain;
    protected final int batch;
    private final int headBatch;

    /** @param batch windows per chunk of the chain; the call size is a multiple of it within the memory budget */
    ChainScorer(ChainDecomposition chain, int batch, int windowCount) {
        this.chain = chain;
        this.batch = batch;
        this.headBatch = BatchBudget.head(chain.chainOutputElements(), batch, windowCount);
    }

    @Override
    public int windowsPerCall() {
        return headBatch;
    }

    @Override
    public Tensor outputs(int from, int to) {
        TensorVector chainOutputs = new TensorVector();
        for (int chunk = from; chunk < to; chunk += batch) {
            chainOutputs.push_back(chainOutput(chunk, Math.min(to, chunk + batch)));
        }
        Tensor x = chainOutputs.size() == 1 ? chainOutputs.get(0) : torch.cat(chainOutputs, 0);
        return chain.runRest(x);
    }

    /**
     * The chain's output for windows {@code from .. to - 1} (at most {@code batch}), in a tensor of its own: the
     * next chunk may reuse any buffer this one used.
     */
    protected abstract Tensor chainOutput(int from, int to);

    /**
     * The tensor in channels-last memory (a no-op when it is already): oneDNN and cuDNN convolve channels-last
     * tensors without reordering them (AlexNet's features ran 1.55x faster so on the CPU here), and every layer
     * keeps the format.
     */
    static Tensor channelsLast(Tensor t) {
        return t.contiguous(torch.MemoryFormat.ChannelsLast);
    }
}
