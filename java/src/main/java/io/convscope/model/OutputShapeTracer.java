package io.convscope.model;

import java.util.HashMap;
import java.util.Map;

import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.Tensor;

/**
 * Finds each module's output shape from one input by walking the model with {@link ChainedForward}; modules
 * the walk cannot reach are left out rather than guessed.
 */
final class OutputShapeTracer {
    private OutputShapeTracer() {
    }

    static Map<String, long[]> trace(JitModule root, Tensor input) {
        Map<String, long[]> shapes = new HashMap<>();
        ChainedForward.walk(root, input, (path, output) -> {
            shapes.put(path, ModuleTree.shape(output));
            return ChainedForward.Next.DESCEND;
        });
        return shapes;
    }
}
