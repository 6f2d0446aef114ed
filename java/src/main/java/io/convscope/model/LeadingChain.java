package io.convscope.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.Tensor;

/**
 * A model seen as its leading chain of spatially local modules (convolutions, pools, activations, eval-mode
 * batch norms, dropouts) run one after another from the input, followed by the modules that run after it.
 * Found from the module tree alone: the model's children in registration order, descending into
 * {@code Sequential}s, the chain ending at the first module that is not one of those kinds (a Linear, a
 * residual block, a custom module). Nothing here proves that the model's forward really runs the modules in
 * that order; the incremental occlusion engine checks that on the input before it relies on it.
 *
 * <p>The modules are handles into the model's module tree: valid while the model is open.
 */
public final class LeadingChain {
    /** What a chain link does to its input, in the order of {@code cs_layer_kind}. */
    public enum LinkKind {
        CONV, MAX_POOL, AVG_POOL, POINTWISE
    }

    /**
     * One module of the chain.
     *
     * @param groups convolutions only: the input channel groups (1 elsewhere)
     */
    public record Link(String path, String type, LinkKind kind, JitModule module, LayerGeometry geometry, int groups) {
        /** The module's own parameter, or null ({@code weight} and {@code bias} of a convolution). */
        public Tensor parameter(String name) {
            return ModuleTree.ownParameter(module, name);
        }

        public Tensor forward(Tensor input) {
            return TorchModel.run(module, input);
        }
    }

    /** A module that runs after the chain, as a whole, on its predecessor's output. */
    public record Step(String path, JitModule module) {
        public Tensor forward(Tensor input) {
            return TorchModel.run(module, input);
        }

        /** The module's class name without its package ({@code Linear}, {@code Sequential}). */
        public String type() {
            return ModuleTree.typeName(module);
        }

        /** Its direct children in registration order (the order a Sequential runs them). */
        public List<Step> children() {
            List<Step> children = new ArrayList<>();
            ModuleTree.children(module).forEach((name, child) -> children.add(new Step(path + "." + name, child)));
            return children;
        }

        /** The module's own parameter, or null. */
        public Tensor parameter(String name) {
            return ModuleTree.ownParameter(module, name);
        }
    }

    private static final Set<String> POINTWISE_TYPES = Set.of("ReLU", "ReLU6", "LeakyReLU", "PReLU", "ELU", "SELU",
            "CELU", "GELU", "SiLU", "Mish", "Sigmoid", "Tanh", "Hardtanh", "Hardswish", "Hardsigmoid", "Softplus",
            "BatchNorm2d", "Dropout", "Dropout2d", "AlphaDropout", "Identity", "LocalResponseNorm");

    private final List<Link> links = new ArrayList<>();
    private final List<Step> rest = new ArrayList<>();
    private String endedBy;

    private LeadingChain() {
    }

    /** The chain of {@code model} (see the class comment); the caller holds the PointerScope. */
    public static LeadingChain of(TorchModel model) {
        LeadingChain chain = new LeadingChain();
        chain.walk(model.module(), "");
        return chain;
    }

    public List<Link> links() {
        return List.copyOf(links);
    }

    /** The modules after the chain, in the order they run. */
    public List<Step> rest() {
        return List.copyOf(rest);
    }

    /** Why the chain stops where it does: the first module that is not a chain link, or null at the end. */
    public String endedBy() {
        return endedBy;
    }

    private void walk(JitModule container, String prefix) {
        for (Map.Entry<String, JitModule> child : ModuleTree.children(container).entrySet()) {
            String path = prefix.isEmpty() ? child.getKey() : prefix + "." + child.getKey();
            JitModule module = child.getValue();
            if (endedBy != null) {
                rest.add(new Step(path, module));
                continue;
            }
            String type = ModuleTree.typeName(module);
            boolean hasChildren = !ModuleTree.children(module).isEmpty();
            if (hasChildren && type.equals("Sequential")) {
                walk(module, path);
                continue;
            }
            Link link = hasChildren ? null : link(path, type, module);
            if (link == null) {
                endedBy = path + " (" + type + ")";
                rest.add(new Step(path, module));
            } else {
                links.add(link);
            }
        }
    }

    /** The module as a chain link, or null when it is not one whose patches can be computed exactly. */
    private static Link link(String path, String type, JitModule module) {
        try {
            if (POINTWISE_TYPES.contains(type)) {
                return new Link(path, type, LinkKind.POINTWISE, module, LayerGeometry.of(LayerGeometry.Kind.ELEMENTWISE),
                        1);
            }
            LayerGeometry geometry = LayerGeometry.read(module, type, false);
            if (geometry.kind() != LayerGeometry.Kind.WINDOW) {
                return null;
            }
            switch (type) {
                case "Conv2d":
                    if (!module.attr("padding_mode").toStringRef().getString().equals("zeros")) {
                        return null;  // reflect and replicate padding change with the input
                    }
                    return new Link(path, type, LinkKind.CONV, module, geometry,
                            Math.toIntExact(module.attr("groups").toInt()));
                case "MaxPool2d":
                    return module.attr("return_indices").toBool() ? null
                            : new Link(path, type, LinkKind.MAX_POOL, module, geometry, 1);
                case "AvgPool2d":
                    // Padding counted in the divisor is what zero-padding the base input reproduces.
                    boolean padded = geometry.padding()[0] > 0 || geometry.padding()[1] > 0;
                    boolean countsPadding = module.attr("count_include_pad").toBool();
                    boolean plainDivisor = module.attr("divisor_override").isNone();
                    return (padded && !countsPadding) || !plainDivisor ? null
                            : new Link(path, type, LinkKind.AVG_POOL, module, geometry, 1);
                default:
                    return null;
            }
        } catch (RuntimeException unreadable) {
            return null;  // an attribute of an unexpected form: not a link we can compute exactly
        }
    }
}
