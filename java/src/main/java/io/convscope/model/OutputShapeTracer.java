package io.convscope.model;

import java.util.HashMap;
import java.util.Map;

import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.Tensor;

/**
 * Finds each module's output shape from one input, without hooks (TorchScript has none we can add from C++).
 *
 * <p>Every module is run on its own. A module's children are run in registration order, each on its
 * predecessor's output: that is exactly what a Sequential does, and what the plain chains in AlexNet, VGG
 * and ResNet stems do. Two departures from a chain are recognised, because torchvision's models make them:
 * a child that rejects the chained tensor but accepts its parent's input is a shortcut branch (ResNet's
 * {@code downsample}); a module that rejects a feature map but accepts it flattened from dimension 1 sits behind
 * {@code torch.flatten(x, 1)} (the classifier of AlexNet, VGG and ResNet). When a child accepts neither, its shape and those of
 * the siblings after it are left unknown rather than guessed.
 */
final class OutputShapeTracer {
    private final Map<String, long[]> shapes = new HashMap<>();

    static Map<String, long[]> trace(JitModule root, Tensor input) {
        OutputShapeTracer tracer = new OutputShapeTracer();
        tracer.traceChildren(root, "", input);
        return tracer.shapes;
    }

    private void traceChildren(JitModule parent, String parentPath, Tensor parentInput) {
        Tensor chained = parentInput;
        for (Map.Entry<String, JitModule> child : ModuleTree.children(parent).entrySet()) {
            String path = parentPath.isEmpty() ? child.getKey() : parentPath + "." + child.getKey();
            JitModule module = child.getValue();
            Tensor input = chained;
            Tensor output = tryForward(module, input);
            if (output == null && chained != parentInput) {
                input = parentInput;
                output = tryForward(module, input);
            }
            if (output == null && chained.dim() > 2) {
                input = chained.flatten(1, -1);
                output = tryForward(module, input);
            }
            if (output == null) {
                return;
            }
            shapes.put(path, ModuleTree.shape(output));
            traceChildren(module, path, input);
            chained = output;
        }
    }

    private static Tensor tryForward(JitModule module, Tensor input) {
        if (module.find_method("forward").has_value()) {
            try {
                return TorchModel.firstTensor(module.forward(new IValueVector(new IValue(input))));
            } catch (RuntimeException rejected) {
                return null;
            }
        }
        return null;
    }
}
