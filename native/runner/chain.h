// A TorchScript model read from its module tree, as the Java side reads it: its leading chain of spatially local
// modules (io.convscope.model.LeadingChain), what each link's geometry is (LayerGeometry), and the multiply-adds
// of one forward pass (ModelCost). The rules are the Java ones, so both sides choose and plan alike.
#ifndef CONVSCOPE_RUNNER_CHAIN_H
#define CONVSCOPE_RUNNER_CHAIN_H

#include <torch/script.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "convscope/incremental.h"

namespace convscope::bench {

using Module = torch::jit::Module;

// The first tensor of a module's output: the tensor itself, or the first element of a tuple (auxiliary heads),
// recursively. Throws std::runtime_error when there is none.
torch::Tensor first_tensor(const c10::IValue& output);

// module.forward(input), as its first tensor.
torch::Tensor forward_tensor(const Module& module, const torch::Tensor& input);

// What a chain link does to its input, in the order of cs_layer_kind.
enum class LinkKind : int32_t {
    Conv = CS_LAYER_CONV,
    MaxPool = CS_LAYER_MAX_POOL,
    AvgPool = CS_LAYER_AVG_POOL,
    Pointwise = CS_LAYER_POINTWISE
};

// A window layer's geometry; pairs are {rows, columns}. Point-wise links have kernel, stride and dilation 1
// and padding 0. padding is the padding before the first row / column (PyTorch pads 'same' with an even
// effective kernel one more after, which the plan finds from the output size).
struct Geometry {
    int32_t kernel[2] = {1, 1};
    int32_t stride[2] = {1, 1};
    int32_t padding[2] = {0, 0};
    int32_t dilation[2] = {1, 1};
};

// One module of the chain: a handle into the model's module tree.
struct Link {
    std::string path;
    std::string type;
    LinkKind kind;
    Module module;
    Geometry geometry;
    int32_t groups = 1;  // convolutions only

    torch::Tensor forward(const torch::Tensor& input) const { return forward_tensor(module, input); }
    // The module's own parameter ("weight", "bias" of a convolution); undefined when it has none.
    torch::Tensor parameter(const std::string& name) const;
};

// Whether the module holds submodules of its own.
bool has_children(const Module& module);

// "Conv2d" for a module of type "__torch__.torch.nn.modules.conv.___torch_mangle_7.Conv2d".
std::string module_type(const Module& module);

// Whether the module is PyTorch's own torch.nn class of that name ("Conv2d", "Linear"), not a user class that
// happens to share it (and may do more in its forward).
bool is_torch_nn(const Module& module, const std::string& type);

// The module as a chain link (a convolution, pool or point-wise module whose options are read), or nothing.
std::optional<Link> link_of(const std::string& path, const Module& module);

// A module that runs after the chain, as a whole, on its predecessor's output.
struct Step {
    std::string path;
    std::string type;
    Module module;

    torch::Tensor forward(const torch::Tensor& input) const { return forward_tensor(module, input); }
};

// The model's children in registration order, descending into Sequentials; the chain ends at the first module
// that is not a link (a Linear, a residual block, a custom module), which starts the rest, whose Sequentials are
// descended into too. Nothing here proves
// that the model's forward runs the modules in that order: the incremental engine checks that on its input.
struct LeadingChain {
    std::vector<Link> links;
    std::vector<Step> rest;
    // The first module that is not a link, as "path (Type)"; empty when the chain runs to the end.
    std::string ended_by;

    static LeadingChain of(const Module& model);
};

// Multiply-adds of one forward pass of `model` on zeros of `shape` (batch 1) on `device`: each Conv2d counts its
// weight's elements per output position, each Linear its weight's elements per output row. Output shapes come
// from running the modules one after another as the Java ChainedForward does; modules that walk cannot reach
// are not counted. -1 when the walk fails.
int64_t macs_per_image(const Module& model, const std::vector<int64_t>& shape, const torch::Device& device);

}  // namespace convscope::bench

#endif
