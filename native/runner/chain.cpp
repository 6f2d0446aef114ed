#include "chain.h"

#include <algorithm>
#include <array>
#include <exception>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>

namespace convscope::bench {

namespace {

// The types whose output pixel (y, x) reads only input pixel (y, x): LeadingChain.POINTWISE_TYPES.
const char* const kPointwiseTypes[] = {"ReLU",      "ReLU6",     "LeakyReLU",  "PReLU",       "ELU",
                                       "SELU",      "CELU",      "GELU",       "SiLU",        "Mish",
                                       "Sigmoid",   "Tanh",      "Hardtanh",   "Hardswish",   "Hardsigmoid",
                                       "Softplus",  "BatchNorm2d", "Dropout",  "Dropout2d",   "AlphaDropout",
                                       "Identity",  "LocalResponseNorm"};

bool is_pointwise_type(const std::string& type) {
    return std::any_of(std::begin(kPointwiseTypes), std::end(kPointwiseTypes),
                       [&](const char* t) { return type == t; });
}

std::vector<std::pair<std::string, Module>> children(const Module& module) {
    std::vector<std::pair<std::string, Module>> out;
    for (const auto& child : module.named_children()) out.emplace_back(child.name, child.value);
    return out;
}

// "Conv2d" for "__torch__.torch.nn.modules.conv.___torch_mangle_7.Conv2d".
std::string type_name(const Module& module) {
    const auto name = module.type()->name();
    if (!name) return "";
    const std::string qualified = name->qualifiedName();
    const size_t dot = qualified.rfind('.');
    return dot == std::string::npos ? qualified : qualified.substr(dot + 1);
}

torch::Tensor own_parameter(const Module& module, const std::string& name) {
    for (const auto& p : module.named_parameters(/*recurse=*/false)) {
        if (p.name == name) return p.value;
    }
    return {};
}

// An unexpected attribute form: the module is not a link whose patches can be computed exactly.
struct Unreadable : std::runtime_error {
    using std::runtime_error::runtime_error;
};

int32_t int32_of(int64_t v) {
    if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
        throw Unreadable("an attribute does not fit an int");
    }
    return static_cast<int32_t>(v);
}

int32_t single(const c10::IValue& v) {
    if (v.isNone()) return 0;
    if (!v.isInt()) throw Unreadable("an attribute holds a value that is not an int");
    return int32_of(v.toInt());
}

// An int, or a tuple or list of two ints (None counts as 0), as LayerGeometry.pair reads it.
std::array<int32_t, 2> pair(const c10::IValue& v) {
    if (v.isInt()) {
        const int32_t x = int32_of(v.toInt());
        return {x, x};
    }
    if (v.isNone()) return {0, 0};
    if (v.isTuple()) {
        const auto tuple = v.toTuple();
        const auto& elements = tuple->elements();
        if (elements.size() == 2) return {single(elements[0]), single(elements[1])};
    }
    if (v.isIntList()) {
        const std::vector<int64_t> list = v.toIntVector();
        if (list.size() == 2) return {int32_of(list[0]), int32_of(list[1])};
    }
    throw Unreadable("an attribute is neither an int nor a pair of ints");
}

std::array<int32_t, 2> pair(const Module& module, const std::string& name) { return pair(module.attr(name)); }

void set(int32_t (&to)[2], std::array<int32_t, 2> from) {
    to[0] = from[0];
    to[1] = from[1];
}

// nn.MaxPool2d(k) stores stride = kernel_size; a scripted module may still hold None or an empty tuple.
std::array<int32_t, 2> pool_stride(const Module& module) {
    const c10::IValue stride = module.attr("stride");
    const bool unset = stride.isNone() || (stride.isTuple() && stride.toTuple()->elements().size() == 0) ||
                       (stride.isIntList() && stride.toIntVector().empty());
    return unset ? pair(module, "kernel_size") : pair(stride);
}

// The module as a chain link, or nothing when it is not one whose patches can be computed exactly
// (LeadingChain.link with LayerGeometry.readKnown).
std::optional<Link> link_of(const std::string& path, const std::string& type, const Module& module) {
    try {
        if (is_pointwise_type(type)) return Link{path, type, LinkKind::Pointwise, module, Geometry{}, 1};
        Geometry g;
        if (type == "Conv2d") {
            set(g.kernel, pair(module, "kernel_size"));
            set(g.dilation, pair(module, "dilation"));
            set(g.stride, pair(module, "stride"));
            const c10::IValue padding = module.attr("padding");
            if (padding.isString()) {
                // 'valid' is no padding; 'same' pads d * (k - 1) in all, the odd pixel after.
                const bool same = padding.toStringRef() == "same";
                for (int a = 0; a < 2; ++a) g.padding[a] = same ? g.dilation[a] * (g.kernel[a] - 1) / 2 : 0;
            } else {
                set(g.padding, pair(padding));
            }
            if (module.attr("padding_mode").toStringRef() != "zeros") {
                return std::nullopt;  // reflect and replicate padding change with the input
            }
            return Link{path, type, LinkKind::Conv, module, g, int32_of(module.attr("groups").toInt())};
        }
        if (type == "MaxPool2d") {
            set(g.kernel, pair(module, "kernel_size"));
            set(g.stride, pool_stride(module));
            set(g.padding, pair(module, "padding"));
            set(g.dilation, pair(module, "dilation"));
            module.attr("ceil_mode").toBool();  // read as LayerGeometry does: a module without it is no link
            if (module.attr("return_indices").toBool()) return std::nullopt;
            return Link{path, type, LinkKind::MaxPool, module, g, 1};
        }
        if (type == "AvgPool2d") {
            set(g.kernel, pair(module, "kernel_size"));
            set(g.stride, pool_stride(module));
            set(g.padding, pair(module, "padding"));
            module.attr("ceil_mode").toBool();
            // Padding counted in the divisor is what zero-padding the base input reproduces.
            const bool padded = g.padding[0] > 0 || g.padding[1] > 0;
            const bool counts_padding = module.attr("count_include_pad").toBool();
            const bool plain_divisor = module.attr("divisor_override").isNone();
            if ((padded && !counts_padding) || !plain_divisor) return std::nullopt;
            return Link{path, type, LinkKind::AvgPool, module, g, 1};
        }
        return std::nullopt;
    } catch (const std::exception&) {
        return std::nullopt;  // an attribute of an unexpected form: not a link we can compute exactly
    }
}

void walk(LeadingChain& chain, const Module& container, const std::string& prefix) {
    for (const auto& [name, module] : children(container)) {
        const std::string path = prefix.empty() ? name : prefix + "." + name;
        const std::string type = type_name(module);
        const bool parent = has_children(module);
        if (!chain.ended_by.empty() && !(parent && type == "Sequential")) {
            chain.rest.push_back({path, type, module});
            continue;
        }
        // A Sequential runs its children in order: the chain goes on into it, and after the chain its children
        // are the steps (so that the Linear layers of a classifier are steps of their own).
        if (parent && type == "Sequential") {
            walk(chain, module, path);
            continue;
        }
        std::optional<Link> link = parent ? std::nullopt : link_of(path, type, module);
        if (link) {
            chain.links.push_back(std::move(*link));
        } else {
            chain.ended_by = path + " (" + type + ")";
            chain.rest.push_back({path, type, module});
        }
    }
}

// module(input) where the module has a forward that accepts it; undefined otherwise.
torch::Tensor try_forward(const Module& module, const torch::Tensor& input) {
    if (!module.find_method("forward")) return {};
    try {
        return forward_tensor(module, input);
    } catch (const std::exception&) {
        return {};
    }
}

// Every module's output shape, by running the children of `parent` one after another on `parent_input`
// (ChainedForward.children: a child that rejects the chained tensor may take the parent's input, a shortcut
// branch, or the chained tensor flattened from dimension 1; one that takes neither ends the walk there).
void trace(const Module& parent, const std::string& parent_path, const torch::Tensor& parent_input,
           std::map<std::string, std::vector<int64_t>>& shapes) {
    torch::Tensor chained = parent_input;
    bool first = true;
    for (const auto& [name, module] : children(parent)) {
        const std::string path = parent_path.empty() ? name : parent_path + "." + name;
        torch::Tensor input = chained;
        torch::Tensor output = try_forward(module, input);
        if (!output.defined() && !first) {
            input = parent_input;
            output = try_forward(module, input);
        }
        if (!output.defined() && chained.dim() > 2) {
            input = chained.flatten(1, -1);
            output = try_forward(module, input);
        }
        if (!output.defined()) return;
        shapes[path] = output.sizes().vec();
        trace(module, path, input, shapes);
        chained = output;
        first = false;
    }
}

struct Layer {
    std::string path;
    std::string type;
    int64_t weights;  // elements of its own weight, 0 without one
};

void collect(const Module& module, const std::string& prefix, std::vector<Layer>& into) {
    for (const auto& [name, child] : children(module)) {
        const std::string path = prefix.empty() ? name : prefix + "." + name;
        const torch::Tensor weight = own_parameter(child, "weight");
        into.push_back({path, type_name(child), weight.defined() && weight.dim() > 0 ? weight.numel() : 0});
        collect(child, path, into);
    }
}

}  // namespace

torch::Tensor first_tensor(const c10::IValue& output) {
    if (output.isTensor()) return output.toTensor();
    if (output.isTuple()) {
        const auto tuple = output.toTuple();
        if (!tuple->elements().empty()) return first_tensor(tuple->elements()[0]);
    }
    throw std::runtime_error("the module's forward returned no tensor");
}

torch::Tensor forward_tensor(const Module& module, const torch::Tensor& input) {
    Module m = module;  // a handle: forward is not const
    return first_tensor(m.forward({input}));
}

torch::Tensor Link::parameter(const std::string& name) const { return own_parameter(module, name); }

std::string module_type(const Module& module) { return type_name(module); }

bool has_children(const Module& module) { return !children(module).empty(); }

bool is_torch_nn(const Module& module, const std::string& type) {
    const auto name = module.type()->name();
    if (!name) return false;
    const std::string qualified = name->qualifiedName();
    static const std::string kPrefix = "__torch__.torch.nn.modules.";
    return qualified.rfind(kPrefix, 0) == 0 && type_name(module) == type;
}

std::optional<Link> link_of(const std::string& path, const Module& module) {
    return link_of(path, type_name(module), module);
}

LeadingChain LeadingChain::of(const Module& model) {
    LeadingChain chain;
    walk(chain, model, "");
    return chain;
}

int64_t macs_per_image(const Module& model, const std::vector<int64_t>& shape, const torch::Device& device) {
    std::map<std::string, std::vector<int64_t>> shapes;
    std::vector<Layer> layers;
    try {
        trace(model, "", torch::zeros(shape, torch::TensorOptions().device(device)), shapes);
        collect(model, "", layers);
    } catch (const std::exception&) {
        return -1;
    }
    int64_t total = 0;
    for (const Layer& layer : layers) {
        const auto found = shapes.find(layer.path);
        if (found == shapes.end() || layer.weights == 0) continue;
        const std::vector<int64_t>& out = found->second;
        if (layer.type == "Conv2d" && out.size() == 4) {
            total += layer.weights * out[2] * out[3];
        } else if (layer.type == "Linear" && out.size() >= 2) {
            int64_t rows = 1;
            for (size_t i = 0; i + 1 < out.size(); ++i) rows *= out[i];
            total += layer.weights * rows;
        }
    }
    return total;
}

}  // namespace convscope::bench
