// One convolution or Linear layer computed on the change of its input (see reduced_precision.h for why):
// y = base_y + W (x - base_x) with W in the compute type and no bias, base_x and base_y the layer's float32 input
// and output on the unoccluded image. x and the result are float32; only the change is rounded.
#ifndef CONVSCOPE_RUNNER_CHANGE_OP_H
#define CONVSCOPE_RUNNER_CHANGE_OP_H

#include <torch/script.h>

#include <array>

#include "chain.h"

namespace convscope::bench {

// What a convolution's ChangeOp may cover beyond the convolution: an eval-mode BatchNorm2d right after it, whose
// per-channel scale is folded into the weight (a batch norm multiplies a change by it and adds nothing), and then
// a ReLU, applied by the pass that adds the base back. Either saves a float32 pass over the activations.
struct Folded {
    const Module* batch_norm = nullptr;
    bool relu = false;
};

class ChangeOp {
public:
    // A Conv2d link, or a Linear module, with its unoccluded input and output (batch 1, float32); a folded
    // convolution's base_out is the batch norm's output (before the ReLU).
    static ChangeOp conv(const Link& link, const torch::Tensor& base_in, const torch::Tensor& base_out,
                         torch::ScalarType compute, Folded folded = {});
    static ChangeOp linear(const Module& module, const torch::Tensor& base_in, const torch::Tensor& base_out,
                           torch::ScalarType compute);

    // Whether the module is a batch norm that may fold: PyTorch's own BatchNorm2d in eval mode with running
    // statistics (one that normalises by each batch's statistics would mix the windows of a chunk).
    static bool can_fold(const Module& batch_norm);
    // Whether batch_norm folds into the convolution link: it can_fold, and the folded convolution gives the two
    // modules' output, within kProofTolerance, on an input away from base_in (the convolution's unoccluded input;
    // batch_norm's unoccluded output is base_out).
    static bool folds(const Link& link, const Module& batch_norm, const torch::Tensor& base_in,
                      const torch::Tensor& base_out);

    // The layer on x (N x the base input's shape, float32), padded as the module pads: float32, through the
    // folded batch norm and ReLU.
    torch::Tensor operator()(const torch::Tensor& x) const;
    // The change of the layer's output, W (x - base_x), in the compute type: what the output is, less
    // base_output(). The pass that adds the base back may also apply the next ReLU and take the next layer's
    // change (cs_rebase).
    torch::Tensor output_change(const torch::Tensor& x) const;
    // The same from the change of the input (x - base_input(), in the compute type).
    torch::Tensor on_changes(const torch::Tensor& changes) const;
    // A convolution on the changes of regions that already hold its padding (in the compute type), given each
    // output patch's place in the output (region corners; host memory on the CPU, device memory on CUDA): the
    // output patches (float32, channels-last), the unoccluded output added back at each place by
    // cs_rebase_patches, through the folded ReLU.
    torch::Tensor on_region_changes(const torch::Tensor& changes, const cs_patch_place* patch_places) const;
    // The unoccluded input and output (channels-last for a convolution; the output before a folded ReLU).
    const torch::Tensor& base_input() const { return base_in_; }
    const torch::Tensor& base_output() const { return base_out_; }
    // Whether the op covers a batch norm, and whether it applies a ReLU when adding its base back.
    bool folds_batch_norm() const { return folds_batch_norm_; }
    bool relu() const { return relu_; }

private:
    torch::Tensor apply(const torch::Tensor& change, bool padded) const;

    bool is_conv_ = false;
    torch::ScalarType compute_ = torch::kBFloat16;
    torch::Tensor weight_;  // in the compute type
    torch::Tensor base_in_;
    torch::Tensor base_out_;
    std::array<int64_t, 2> stride_{1, 1};
    std::array<int64_t, 2> dilation_{1, 1};
    std::array<int64_t, 2> padding_{0, 0};
    std::string padding_mode_;  // "same" or "valid" where the module holds its padding as a string
    int64_t groups_ = 1;
    bool folds_batch_norm_ = false;
    bool relu_ = false;
};

}  // namespace convscope::bench

#endif
