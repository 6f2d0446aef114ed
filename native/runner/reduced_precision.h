// Lower precision that keeps the map (--precision bf16, and tf32 on CUDA) for a model run as chain plus rest.
//
// An occlusion map is a difference of scores, s(x) - s(x occluded), and for many models and windows it is a
// thousandth of the scores themselves or less. bfloat16 rounds every activation by up to 2^-9 of its size, so a
// model computed in bfloat16 throughout buries drops that small in rounding: on AlexNet with random weights (224
// grid, window 50, stride 10) the map of its layers cast to bfloat16 is 4.7% of its largest value away from the
// float32 map; computed as below, 0.9%.
//
// Here the linear layers (the chain's convolutions, the Linear modules after it, and the Conv2d and Linear
// modules inside a block after it, opened by OpenedModule) compute in the lower precision only the change their
// input holds against the unoccluded run: y = base_y + W (x - base_x), where base_x and base_y are the exact
// float32 activations of the unoccluded image and W has no bias (ChangeOp). Rounding then scales with the change,
// not with the activation, and an unchanged input gives base_y exactly. Everything between them (ReLU, pools,
// batch norm, residual sums, flattening) runs in float32 on the full values, except what the layer's op covers: a
// batch norm right after a convolution (in eval mode: its per-channel scale is folded into the weight, and its
// output is the base added back) and a ReLU after that, applied by the one pass that adds the base back
// (cs_rebase), which in the chain also takes the next such layer's change where one follows, so that the float32
// activation between two of them is never stored. A module after the chain that holds parameters but does not
// open (a branch on data or a loop in its graph) runs whole in the lower precision, shifted by its float32 output
// minus its lower-precision output on the unoccluded input, so that it too gives the exact base for an unchanged
// input; its rounding still scales with the activations.
#ifndef CONVSCOPE_RUNNER_REDUCED_PRECISION_H
#define CONVSCOPE_RUNNER_REDUCED_PRECISION_H

#include <torch/script.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "change_op.h"
#include "engines.h"
#include "opened_module.h"

namespace convscope::bench {

class ReducedPrecision {
public:
    // compute: bfloat16, or float32 for TF32. Made while LibTorch still computes exact float32 (before
    // apply_precision turns TF32 on), so that the bases opened blocks record are exact. Casts the steps after
    // the chain that run whole to compute (they are the model's own modules).
    ReducedPrecision(std::shared_ptr<const ChainDecomposition> chain, torch::ScalarType compute);

    // Links from .. the end of the chain on float32 tensors x (N x C x H x W): the chain's output in float32.
    torch::Tensor run_links(size_t from, torch::Tensor x) const;
    // The same from the change of link l's input (l computes on changes; in the compute type, channels-last).
    torch::Tensor run_links_on_changes(size_t l, torch::Tensor changes) const;
    // Convolution link l on the changes of regions that already hold its padding (the incremental engine's, in
    // the compute type), given each output patch's place in link l's output (region corners): the patches,
    // float32, as links l .. l + links_covered(l) - 1 give them.
    torch::Tensor conv_patches(size_t l, const torch::Tensor& changes, const cs_patch_place* patch_places) const;
    // How many links the op of convolution link l covers: itself, a batch norm (of torch.nn, in eval mode) folded
    // into its weight, and a ReLU (of torch.nn) after them, which the pass that adds its base back applies. 1 for
    // other links. Point-wise links never end the incremental engine's patches, so its patches hold whole ops.
    size_t links_covered(size_t l) const { return covered_[l]; }
    // The modules after the chain on the chain's output (float32): the model's output, float32.
    torch::Tensor run_rest(torch::Tensor x) const;
    // Whether convolution link l computes on changes (PyTorch's own Conv2d); else it runs as it is, in float32.
    bool changes_link(size_t l) const { return links_[l].has_value(); }
    // Convolution link l's unoccluded input in channels-last memory: what its changes are taken against.
    const torch::Tensor& base_input(size_t l) const { return links_[l]->base_input(); }
    // What the changes are held in: bfloat16, or float32 for TF32.
    torch::ScalarType compute() const { return compute_; }
    // Which layers ran how, for the summary.
    const std::string& description() const { return description_; }

private:
    // How a module after the chain runs: a Linear on changes, in float32 (no Conv2d or Linear in it), opened,
    // or whole.
    enum class StepKind { Change, Float32, Opened, Whole };

    // Whole step s's float32 output minus its own on the unoccluded input, in the run's arithmetic (TF32 is on
    // by the first run).
    const torch::Tensor& shift(size_t s) const;
    // Links from .. the end of the chain on x (float32), or where changes is defined on that change of link
    // from's input.
    torch::Tensor run_chain(size_t from, torch::Tensor x, torch::Tensor changes) const;

    std::shared_ptr<const ChainDecomposition> chain_;
    torch::ScalarType compute_;
    std::vector<std::optional<ChangeOp>> links_;        // per link: convolutions only
    std::vector<size_t> covered_;                       // per link: links_covered
    std::vector<StepKind> step_kinds_;
    std::vector<std::optional<ChangeOp>> step_changes_;  // Change steps
    std::vector<std::shared_ptr<const OpenedModule>> opened_;  // Opened steps
    mutable std::vector<torch::Tensor> step_shift_;     // Whole steps, once taken
    std::string description_;
};

}  // namespace convscope::bench

#endif
