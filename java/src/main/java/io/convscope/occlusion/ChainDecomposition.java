package io.convscope.occlusion;

import java.util.Arrays;
import java.util.List;

import org.bytedeco.pytorch.Tensor;

import io.convscope.model.LeadingChain;
import io.convscope.model.LeadingChain.Link;
import io.convscope.model.LeadingChain.LinkKind;
import io.convscope.model.LeadingChain.Step;
import io.convscope.model.TorchModel;

/**
 * A model proved, on one input, to be its leading chain of convolutions, pools and point-wise modules
 * ({@link LeadingChain}) followed by the modules after it, each run on its predecessor's output. Both engines run
 * such a model this way, so that they compute every layer with the same operations on the same batches and their
 * maps agree to the last bits; a model that does anything else in its forward is run whole by the full engine.
 *
 * <p>Holds the unoccluded input's activation before and after every link: the incremental engine's base.
 */
final class ChainDecomposition {
    /** Largest difference, relative to the largest magnitude, accepted when proving the decomposition. */
    static final double PROOF_TOLERANCE = 1e-4;

    /** The model cannot be run as chain plus rest, or patches gain nothing; the message says why. */
    static final class NotApplicable extends Exception {
        private static final long serialVersionUID = 1L;

        NotApplicable(String reason) {
            super(reason);
        }
    }

    private final List<Link> links;
    private final Head head;
    private final Tensor[] inputs;
    private final Tensor[] outputs;

    private ChainDecomposition(List<Link> links, Head head, Tensor[] inputs, Tensor[] outputs) {
        this.links = links;
        this.head = head;
        this.inputs = inputs;
        this.outputs = outputs;
    }

    /**
     * Runs {@code model}'s chain and the modules after it on {@code image} (1 x C x H x W, on the model's device)
     * and checks that they give {@code modelOutput}, the model's own output. The caller holds the PointerScope
     * and the NoGradGuard.
     */
    static ChainDecomposition prove(TorchModel model, Tensor image, Tensor modelOutput) throws NotApplicable {
        LeadingChain chain = LeadingChain.of(model);
        List<Link> links = chain.links();
        if (links.isEmpty() || links.stream().allMatch(l -> l.kind() == LinkKind.POINTWISE)) {
            throw new NotApplicable("the model does not start with a convolution or pool ("
                    + (chain.endedBy() == null ? "it has none" : "it starts with " + chain.endedBy()) + ")");
        }
        int count = links.size();
        Tensor[] inputs = new Tensor[count];
        Tensor[] outputs = new Tensor[count];
        Tensor x = image;
        for (int l = 0; l < count; l++) {
            inputs[l] = x;
            try {
                // A clone: in-place modules (AlexNet's ReLU) would overwrite the stored input.
                outputs[l] = links.get(l).forward(x.clone());
            } catch (RuntimeException e) {
                throw new NotApplicable(links.get(l).path() + " does not run on the output of the layer before it");
            }
            if (outputs[l].dim() != 4 || outputs[l].size(0) != 1) {
                throw new NotApplicable(links.get(l).path() + " does not output one feature map");
            }
            x = outputs[l];
        }
        Tensor chainOutput = x;
        List<Step> rest = chain.rest();
        boolean[] flattenBefore = new boolean[rest.size()];
        for (int s = 0; s < rest.size(); s++) {
            Step step = rest.get(s);
            Tensor y = tryForward(step, x);
            if (y == null && x.dim() > 2) {
                y = tryForward(step, x.flatten(1, -1));
                flattenBefore[s] = y != null;
            }
            if (y == null) {
                throw new NotApplicable("the model's modules do not run one after another (" + step.path()
                        + " rejects its predecessor's output)");
            }
            x = y;
        }
        if (!close(x, modelOutput)) {
            throw new NotApplicable("the model's forward does more than run its modules in order (their output "
                    + "differs from the model's)");
        }
        return new ChainDecomposition(links, head(rest, flattenBefore, chainOutput, x), inputs, outputs);
    }

    /** The oneDNN head on the CPU where it reproduces the modules' output, else the modules themselves. */
    private static Head head(List<Step> rest, boolean[] flattenBefore, Tensor chainOutput, Tensor restOutput) {
        Head modules = Head.asModules(rest, flattenBefore);
        if (!chainOutput.device().is_cpu()) {
            return modules;
        }
        try {
            Head fast = Head.of(rest, flattenBefore);
            return close(fast.run(chainOutput.clone()), restOutput) ? fast : modules;
        } catch (RuntimeException noOneDnn) {
            return modules;  // a LibTorch built without oneDNN, or a layer it does not take
        }
    }

    List<Link> links() {
        return links;
    }

    /** The unoccluded input of link l (batch 1). */
    Tensor baseInput(int l) {
        return inputs[l];
    }

    /** The unoccluded output of link l (batch 1). */
    Tensor baseOutput(int l) {
        return outputs[l];
    }

    /** Runs links {@code from} to the end of the chain on {@code x}. */
    Tensor runLinks(int from, Tensor x) {
        for (int l = from; l < links.size(); l++) {
            x = links.get(l).forward(x);
        }
        return x;
    }

    /** Runs the modules after the chain on the chain's output: the model's output. */
    Tensor runRest(Tensor x) {
        return head.run(x);
    }

    /** Floats of the chain's output per window. */
    long chainOutputElements() {
        return outputs[links.size() - 1].numel();
    }

    private static Tensor tryForward(Step step, Tensor input) {
        try {
            return step.forward(input);
        } catch (RuntimeException rejected) {
            return null;
        }
    }

    /** Same shape, and equal within {@link #PROOF_TOLERANCE} of the larger magnitude (NaN never is). */
    static boolean close(Tensor a, Tensor b) {
        if (!Arrays.equals(a.sizes().vec().get(), b.sizes().vec().get())) {
            return false;
        }
        double scale = Math.max(1e-6, b.abs().max().item_double());
        double diff = a.sub(b).abs().max().item_double();
        return diff <= PROOF_TOLERANCE * scale;
    }
}
