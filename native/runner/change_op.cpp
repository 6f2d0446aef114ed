#include "change_op.h"

#include "engines.h"
#include "rebase.h"

namespace convscope::bench {

ChangeOp ChangeOp::conv(const Link& link, const torch::Tensor& base_in, const torch::Tensor& base_out,
                        torch::ScalarType compute) {
    ChangeOp op;
    op.is_conv_ = true;
    op.compute_ = compute;
    // Channels-last like the changes it convolves: oneDNN and cuDNN then take it without a reorder per call.
    op.weight_ = channels_last(link.parameter("weight").to(compute));
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

torch::Tensor ChangeOp::operator()(const torch::Tensor& x) const {
    return rebase(output_change(x), base_out_, false, {}, torch::kFloat);
}

torch::Tensor ChangeOp::on_region_changes(const torch::Tensor& changes, const cs_patch_place* patch_places,
                                          bool relu) const {
    return rebase_patches(channels_last(apply(changes, true)), base_out_, patch_places, relu, torch::kFloat);
}

}  // namespace convscope::bench
