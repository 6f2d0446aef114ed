// Lower precision that keeps the map (--precision bf16, and tf32 on CUDA) for a model run as chain plus rest.
//
// An occlusion map is a difference of scores, s(x) - s(x occluded), and for many models and windows it is a
// thousandth of the scores themselves or less. bfloat16 rounds every activation by up to 2^-9 of its size, so a
// model computed in bfloat16 throughout buries drops that small in rounding: on AlexNet with random weights (224
// grid, window 50, stride 10) the map of its layers cast to bfloat16 is 4.7% of its largest value away from the
// float32 map; computed as below, 0.9%.
//
// Here the linear layers (the chain's convolutions, the Linear modules after it) compute in the lower precision
// only the change their input holds against the unoccluded run: y = base_y + W (x - base_x), where base_x and
// base_y are the exact float32 activations of the unoccluded image and W has no bias. Rounding then scales with
// the change, not with the activation, and an unchanged input gives base_y exactly. Everything between them
// (ReLU, pools, batch norm, flattening) runs in float32 on the full values. A module after the chain that holds
// other parameters (a residual block, whose inside the runner does not see) runs whole in the lower precision,
// shifted by its float32 output minus its lower-precision output on the unoccluded input, so that it too gives
// the exact base for an unchanged input; its rounding still scales with the activations.
#ifndef CONVSCOPE_RUNNER_REDUCED_PRECISION_H
#define CONVSCOPE_RUNNER_REDUCED_PRECISION_H

#include <torch/script.h>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "engines.h"

namespace convscope::bench {

class ReducedPrecision {
public:
    // compute: bfloat16, or float32 where LibTorch already runs TF32 (apply_precision). The chain's base
    // activations must be float32 computed before TF32 was turned on (ChainDecomposition::prove does that).
    // Casts the whole-module steps after the chain to compute (they are the model's own modules).
    ReducedPrecision(std::shared_ptr<const ChainDecomposition> chain, torch::ScalarType compute);

    // Links from .. the end of the chain on float32 tensors x (N x C x H x W): the chain's output in float32.
    torch::Tensor run_links(size_t from, torch::Tensor x) const;
    // Convolution link l on regions that already hold its padding (the incremental engine's), given the same
    // regions of the unoccluded input (base_regions) and the unoccluded output at each output patch
    // (base_patches): the output patches, float32.
    torch::Tensor conv_patches(size_t l, const torch::Tensor& regions, const torch::Tensor& base_regions,
                               const torch::Tensor& base_patches) const;
    // The modules after the chain on the chain's output (float32): the model's output, float32.
    torch::Tensor run_rest(torch::Tensor x) const;
    // Link l's unoccluded output in channels-last memory: what the incremental engine gathers base patches from.
    const torch::Tensor& base_output(size_t l) const { return link_base_out_[l]; }
    // Which layers ran how, for the summary.
    const std::string& description() const { return description_; }

private:
    // How a module after the chain runs.
    enum class StepKind { Change, Float32, Whole };

    // x - base rounded to the compute type in one pass, in x's memory format.
    torch::Tensor change(const torch::Tensor& x, const torch::Tensor& base) const;
    // y (compute type) + base as float32, in y's memory format.
    static torch::Tensor plus(const torch::Tensor& y, const torch::Tensor& base);
    torch::Tensor conv(size_t l, const torch::Tensor& change, bool padded) const;

    std::shared_ptr<const ChainDecomposition> chain_;
    torch::ScalarType compute_;
    // Per link: the convolution's weight in the compute type (undefined for other links), its padding as the
    // module holds it ("same" and "valid" as strings), and the unoccluded input and output, channels-last.
    std::vector<torch::Tensor> link_weights_;
    std::vector<c10::IValue> link_padding_;
    std::vector<torch::Tensor> link_base_in_;
    std::vector<torch::Tensor> link_base_out_;
    // Per step after the chain.
    std::vector<StepKind> step_kinds_;
    std::vector<torch::Tensor> step_weights_;  // Change: the Linear's weight in the compute type
    std::vector<torch::Tensor> step_base_in_;  // Change: the unoccluded input, as the step reads it
    std::vector<torch::Tensor> step_shift_;    // Change: the unoccluded output; Whole: float32 minus reduced
    std::string description_;
};

}  // namespace convscope::bench

#endif
