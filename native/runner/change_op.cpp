#include "change_op.h"

#include <stdexcept>

#include "engines.h"
#include "rebase.h"

namespace convscope::bench {

namespace {

// The factor an eval-mode torch.nn BatchNorm2d with running statistics multiplies each channel's change by,
// weight / sqrt(running_var + eps), in float64; undefined for any other module.
torch::Tensor batch_norm_scale(const Module& bn) {
    if (!is_torch_nn(bn, "BatchNorm2d") || bn.is_training() || !bn.hasattr("running_var") || !bn.hasattr("eps")) {
        return {};
    }
    const c10::IValue var = bn.attr("running_var");
    if (!var.isTensor()) return {};  // no running statistics: it normalises by each batch's own
    torch::Tensor scale = 1.0 / (var.toTensor().to(torch::kDouble) + bn.attr("eps").toDouble()).sqrt();
    const c10::IValue weight = bn.hasattr("weight") ? bn.attr("weight") : c10::IValue();
    if (weight.isTensor()) scale = scale * weight.toTensor().to(torch::kDouble);
    return scale;
}

}  // namespace

ChangeOp ChangeOp::conv(const Link& link, const torch::Tensor& base_in, const torch::Tensor& base_out,
                        torch::ScalarType compute, Folded folded) {
    ChangeOp op;
    op.is_conv_ = true;
    op.compute_ = compute;
    torch::Tensor weight = link.parameter("weight");
    if (folded.batch_norm) {
        const torch::Tensor scale = batch_norm_scale(*folded.batch_norm);
        if (!scale.defined()) throw std::logic_error("ChangeOp::conv: the batch norm does not fold; ask folds()");
        weight = (weight.to(torch::kDouble) * scale.to(weight.device()).reshape({-1, 1, 1, 1})).to(torch::kFloat);
        op.folds_batch_norm_ = true;
    }
    op.relu_ = folded.relu;
    // Channels-last like the changes it convolves: oneDNN and cuDNN then take it without a reorder per call.
    op.weight_ = channels_last(weight.to(compute));
    op.base_in_ = channels_last(base_in);
    op.base_out_ = channels_last(base_out);
    const Geometry& g = link.geometry;
    op.stride_ = {g.stride[0], g.stride[1]};
    op.dilation_ = {g.dilation[0], g.dilation[1]};
    op.padding_ = {g.padding[0], g.padding[1]};
    const c10::IValue padding = link.module.attr("padding");
    // 'same' with an even effective kernel pads one more after than before: only the string form says so.
    if (padding.isString()) op.padding_mode_ = padding.toStringRef();
    op.groups_ = link.groups;
    return op;
}

ChangeOp ChangeOp::linear(const Module& module, const torch::Tensor& base_in, const torch::Tensor& base_out,
                          torch::ScalarType compute) {
    ChangeOp op;
    op.compute_ = compute;
    op.weight_ = module.attr("weight").toTensor().to(compute);
    op.base_in_ = base_in;
    op.base_out_ = base_out;
    return op;
}


torch::Tensor ChangeOp::apply(const torch::Tensor& change, bool padded) const {
    if (!is_conv_) return torch::linear(change, weight_);
    if (padded) return torch::conv2d(change, weight_, {}, stride_, std::array<int64_t, 2>{0, 0}, dilation_, groups_);
    if (!padding_mode_.empty()) return at::conv2d(change, weight_, {}, stride_, padding_mode_, dilation_, groups_);
    return torch::conv2d(change, weight_, {}, stride_, padding_, dilation_, groups_);
}

torch::Tensor ChangeOp::output_change(const torch::Tensor& x) const {
    return on_changes(rebase(x, {}, false, base_in_, compute_));
}

torch::Tensor ChangeOp::on_changes(const torch::Tensor& changes) const { return apply(changes, false); }

bool ChangeOp::can_fold(const Module& batch_norm) { return batch_norm_scale(batch_norm).defined(); }

bool ChangeOp::folds(const Link& link, const Module& batch_norm, const torch::Tensor& base_in,
                     const torch::Tensor& base_out) {
    if (!can_fold(batch_norm)) return false;
    // A deterministic input away from the base, of the base's magnitude: the folded arithmetic must give what the
    // two modules give on it, as chain plus rest is proved.
    const double magnitude = base_in.abs().max().item<double>() + 1.0;
    const torch::Tensor x = base_in + torch::linspace(-magnitude, magnitude, base_in.numel(), base_in.options())
                                          .reshape(base_in.sizes());
    const torch::Tensor expected = forward_tensor(batch_norm, link.forward(x.clone()));
    const ChangeOp exact = conv(link, base_in, base_out, torch::kFloat, Folded{&batch_norm, false});
    return proof_close(exact(x), expected);
}

torch::Tensor ChangeOp::operator()(const torch::Tensor& x) const {
    return rebase(output_change(x), base_out_, relu_, {}, torch::kFloat);
}

torch::Tensor ChangeOp::on_region_changes(const torch::Tensor& changes, const cs_patch_place* patch_places) const {
    return rebase_patches(channels_last(apply(changes, true)), base_out_, patch_places, relu_, torch::kFloat);
}

}  // namespace convscope::bench
