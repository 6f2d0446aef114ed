package io.convscope.occlusion;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

import io.convscope.model.LeadingChain.Step;

/**
 * The modules after the chain as a list of operations, with each {@code Linear} run by oneDNN's inner product on
 * weights converted once: on the CPU it was 1.2x faster than LibTorch's BLAS matrix product for AlexNet's
 * classifier on 361 rows here, and its result for a row does not depend on how many rows come with it. Both
 * engines run it; {@code Sequential}s are opened up, eval-mode dropouts skipped, and every other module runs as
 * itself.
 */
final class Head {
    private static final Set<String> SKIPPED = Set.of("Dropout", "Dropout2d", "AlphaDropout", "Identity");

    private final List<UnaryOperator<Tensor>> operations;

    private Head(List<UnaryOperator<Tensor>> operations) {
        this.operations = operations;
    }

    /** The head of {@code steps}; {@code flattenBefore[s]} flattens step s's input to rows first. */
    static Head of(List<Step> steps, boolean[] flattenBefore) {
        return build(steps, flattenBefore, Head::add);
    }

    /** The modules themselves, one after another: where oneDNN is not the right tool (CUDA). */
    static Head asModules(List<Step> steps, boolean[] flattenBefore) {
        return build(steps, flattenBefore, (step, operations) -> operations.add(step::forward));
    }

    private static Head build(List<Step> steps, boolean[] flattenBefore,
                              BiConsumer<Step, List<UnaryOperator<Tensor>>> addStep) {
        List<UnaryOperator<Tensor>> operations = new ArrayList<>();
        for (int s = 0; s < steps.size(); s++) {
            if (flattenBefore[s]) {
                operations.add(x -> x.flatten(1, -1));
            }
            addStep.accept(steps.get(s), operations);
        }
        return new Head(operations);
    }

    private static void add(Step step, List<UnaryOperator<Tensor>> operations) {
        String type = step.type();
        List<Step> children = step.children();
        if (type.equals("Sequential")) {
            children.forEach(child -> add(child, operations));
        } else if (SKIPPED.contains(type) && children.isEmpty()) {
            return;
        } else if (type.equals("Linear") && children.isEmpty()) {
            Tensor weight = step.parameter("weight").to_mkldnn();
            Tensor bias = step.parameter("bias");
            TensorOptional optionalBias = bias == null ? new TensorOptional() : new TensorOptional(bias);
            operations.add(x -> x.dim() == 2
                    ? torch.mkldnn_linear(x.to_mkldnn(), weight, optionalBias).to_dense()
                    : step.forward(x));
        } else {
            operations.add(step::forward);
        }
    }

    Tensor run(Tensor x) {
        for (UnaryOperator<Tensor> operation : operations) {
            x = operation.apply(x);
        }
        return x;
    }
}
