package io.convscope.model;

import java.util.Map;

import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.Tensor;

/**
 * Runs a model module by module, so that every module's output can be seen, without hooks (TorchScript has
 * none we can add from C++). Both the layer inventory's output shapes and a layer's activations come from here.
 *
 * <p>Every module is run on its own. A module's children are run in registration order, each on its
 * predecessor's output: that is exactly what a Sequential does, and what the plain chains in AlexNet, VGG
 * and ResNet stems do. Two departures from a chain are recognised, because torchvision's models make them:
 * a child that rejects the chained tensor but accepts its parent's input is a shortcut branch (ResNet's
 * {@code downsample}); a module that rejects a feature map but accepts it flattened from dimension 1 sits behind
 * {@code torch.flatten(x, 1)} (the classifier of AlexNet, VGG and ResNet). When a child accepts neither, it and
 * the siblings after it are not visited rather than guessed.
 *
 * <p>In-place modules (AlexNet's {@code ReLU(inplace=True)}) overwrite their predecessor's output, so a visitor
 * that keeps an output past its visit must copy it.
 */
final class ChainedForward {
    /** What to do after seeing a module's output. */
    enum Next {
        /** Visit the module's children, then go on with its siblings. */
        DESCEND,
        /** Go on with the module's siblings; its children are not needed. */
        SKIP_CHILDREN,
        /** Stop the whole walk. */
        STOP
    }

    /** Sees each module's output in walk order: a module before its children, children before later siblings. */
    interface Visitor {
        Next visit(String path, Tensor output);
    }

    private final Visitor visitor;
    private boolean stopped;

    private ChainedForward(Visitor visitor) {
        this.visitor = visitor;
    }

    /** Walks every module under {@code root}; the caller holds the NoGradGuard and the PointerScope. */
    static void walk(JitModule root, Tensor input, Visitor visitor) {
        new ChainedForward(visitor).children(root, "", input);
    }

    private void children(JitModule parent, String parentPath, Tensor parentInput) {
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
            Next next = visitor.visit(path, output);
            if (next == Next.STOP) {
                stopped = true;
                return;
            }
            if (next == Next.DESCEND) {
                children(module, path, input);
                if (stopped) {
                    return;
                }
            }
            chained = output;
        }
    }

    private static Tensor tryForward(JitModule module, Tensor input) {
        if (module.find_method("forward").has_value()) {
            try {
                return TorchModel.run(module, input);
            } catch (RuntimeException rejected) {
                return null;
            }
        }
        return null;
    }
}
