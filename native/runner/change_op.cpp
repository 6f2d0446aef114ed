#include "change_op.h"

#include "engines.h"

namespace convscope::bench {

namespace {

torch::MemoryFormat format_of(const torch::Tensor& t) {
    return t.dim() == 4 && t.is_contiguous(torch::MemoryFormat::ChannelsLast) ? torch::MemoryFormat::ChannelsLast
                                                                               : torch::MemoryFormat::Contiguous;
}

// y (compute type) + base as float32 in one pass, in y's memory format.
torch::Tensor plus(const torch::Tensor& y, const torch::Tensor& base) {
    torch::Tensor out = torch::empty(y.sizes(), y.options().dtype(torch::kFloat).memory_format(format_of(y)));
    return at::add_out(out, y, base);
}

}  // namespace

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

torch::Tensor ChangeOp::change(const torch::Tensor& x, const torch::Tensor& base) const {
    torch::Tensor out = torch::empty(x.sizes(), x.options().dtype(compute_).memory_format(format_of(x)));
    return at::sub_out(out, x, base);
}

torch::Tensor ChangeOp::apply(const torch::Tensor& change, bool padded) const {
    if (!is_conv_) return torch::linear(change, weight_);
    if (padded) return torch::conv2d(change, weight_, {}, stride_, std::array<int64_t, 2>{0, 0}, dilation_, groups_);
    if (!padding_mode_.empty()) return at::conv2d(change, weight_, {}, stride_, padding_mode_, dilation_, groups_);
    return torch::conv2d(change, weight_, {}, stride_, padding_, dilation_, groups_);
}

torch::Tensor ChangeOp::operator()(const torch::Tensor& x) const {
    return plus(apply(change(x, base_in_), false), base_out_);
}

torch::Tensor ChangeOp::on_region_changes(const torch::Tensor& changes, const torch::Tensor& base_patches) const {
    return plus(apply(changes, true), base_patches);
}

}  // namespace convscope::bench
