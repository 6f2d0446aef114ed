package io.convscope.model;

import java.util.LinkedHashMap;
import java.util.Map;

import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.NamedJitModule;
import org.bytedeco.pytorch.NamedTensor;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.named_module_iterator;
import org.bytedeco.pytorch.named_module_list;
import org.bytedeco.pytorch.named_parameter_iterator;
import org.bytedeco.pytorch.named_parameter_list;

/** Small, allocation-conscious reads of a TorchScript module tree through the JavaCPP API. */
final class ModuleTree {
    private ModuleTree() {
    }

    /** Direct children in registration order, which is also the order Sequential runs them. */
    static Map<String, JitModule> children(JitModule module) {
        Map<String, JitModule> children = new LinkedHashMap<>();
        named_module_list list = module.named_children();
        named_module_iterator end = list.end();
        for (named_module_iterator it = list.begin(); it.notEquals(end); it.increment()) {
            NamedJitModule named = it.access();
            children.put(named.name().getString(), named.value());
        }
        return children;
    }

    /** The module at a dotted path, or null when some part of the path does not exist. */
    static JitModule find(JitModule root, String path) {
        JitModule current = root;
        for (String part : path.split("\\.")) {
            current = children(current).get(part);
            if (current == null) {
                return null;
            }
        }
        return current;
    }

    /** The first convolution in registration order, depth first, and the channels its weight takes. */
    record FirstConvolution(String path, int inputChannels) {
    }

    /** The model's first {@code Conv2d}, or null when it has none. */
    static FirstConvolution firstConvolution(JitModule root) {
        return firstConvolution(root, "");
    }

    private static FirstConvolution firstConvolution(JitModule parent, String prefix) {
        for (Map.Entry<String, JitModule> child : children(parent).entrySet()) {
            String path = prefix.isEmpty() ? child.getKey() : prefix + "." + child.getKey();
            JitModule module = child.getValue();
            Tensor weight = typeName(module).equals("Conv2d") ? ownParameter(module, "weight") : null;
            if (weight != null && weight.dim() == 4) {
                return new FirstConvolution(path, Math.toIntExact(weight.size(1) * groups(module)));
            }
            FirstConvolution inside = firstConvolution(module, path);
            if (inside != null) {
                return inside;
            }
        }
        return null;
    }

    /** A convolution's input channel groups; 1 where a scripted module does not say. */
    private static long groups(JitModule conv) {
        try {
            return conv.attr("groups").toInt();
        } catch (RuntimeException noSuchAttribute) {
            return 1;
        }
    }

    /** {@code Conv2d} for {@code __torch__.torch.nn.modules.conv.___torch_mangle_7.Conv2d}. */
    static String typeName(JitModule module) {
        String qualified = module.type().name().get().qualifiedName().getString();
        return qualified.substring(qualified.lastIndexOf('.') + 1);
    }

    /** The module's own parameter (not its children's), or null. */
    static Tensor ownParameter(JitModule module, String name) {
        named_parameter_list list = module.named_parameters(false);
        named_parameter_iterator end = list.end();
        for (named_parameter_iterator it = list.begin(); it.notEquals(end); it.increment()) {
            NamedTensor named = it.access();
            if (named.name().getString().equals(name)) {
                return named.value();
            }
        }
        return null;
    }

    /** Elements in every parameter of the module and its descendants; buffers (running means) not included. */
    static long parameterCount(JitModule module) {
        long count = 0;
        named_parameter_list list = module.named_parameters(true);
        named_parameter_iterator end = list.end();
        for (named_parameter_iterator it = list.begin(); it.notEquals(end); it.increment()) {
            count += it.access().value().numel();
        }
        return count;
    }

    static long[] shape(Tensor tensor) {
        return tensor == null ? new long[0] : tensor.sizes().vec().get();
    }
}
