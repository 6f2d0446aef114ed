#include "reduced_precision.h"

#include <array>
#include <utility>

namespace convscope::bench {

namespace {

torch::MemoryFormat format_of(const torch::Tensor& t) {
    return t.dim() == 4 && t.is_contiguous(torch::MemoryFormat::ChannelsLast) ? torch::MemoryFormat::ChannelsLast
                                                                               : torch::MemoryFormat::Contiguous;
}

bool has_parameters(const Module& module) {
    for (const auto& p : module.parameters(/*recurse=*/true)) {
        (void)p;
        return true;
    }
    return false;
}

std::string count_of(int n, const char* what) {
    return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

}  // namespace

ReducedPrecision::ReducedPrecision(std::shared_ptr<const ChainDecomposition> chain, torch::ScalarType compute)
    : chain_(std::move(chain)), compute_(compute) {
    const std::vector<Link>& links = chain_->links();
    link_weights_.resize(links.size());
    link_padding_.resize(links.size());
    link_base_in_.resize(links.size());
    link_base_out_.resize(links.size());
    int changes = 0, wholes = 0;
    for (size_t l = 0; l < links.size(); ++l) {
        if (links[l].kind != LinkKind::Conv) continue;
        link_weights_[l] = links[l].parameter("weight").to(compute_);
        link_padding_[l] = links[l].module.attr("padding");
        link_base_in_[l] = channels_last(chain_->base_input(l));
        link_base_out_[l] = channels_last(chain_->base_output(l));
        ++changes;
    }
    const std::vector<Step>& rest = chain_->rest();
    step_kinds_.resize(rest.size());
    step_weights_.resize(rest.size());
    step_base_in_.resize(rest.size());
    step_shift_.resize(rest.size());
    for (size_t s = 0; s < rest.size(); ++s) {
        const Step& step = rest[s];
        if (step.type == "Linear") {
            step_kinds_[s] = StepKind::Change;
            step_weights_[s] = step.module.attr("weight").toTensor().to(compute_);
            step_base_in_[s] = chain_->step_input(s);
            step_shift_[s] = chain_->step_output(s);
            ++changes;
        } else if (!has_parameters(step.module)) {
            step_kinds_[s] = StepKind::Float32;
        } else {
            step_kinds_[s] = StepKind::Whole;
            if (compute_ != torch::kFloat) {
                Module module = step.module;       // a handle: casting it casts the model's module
                c10::InferenceMode normal(false);  // Module::to swaps parameter data: outside inference mode
                module.to(compute_);
            }
            // A clone: an in-place module would overwrite the stored input.
            const torch::Tensor reduced = step.forward(chain_->step_input(s).to(compute_).clone());
            step_shift_[s] = chain_->step_output(s) - reduced.to(torch::kFloat);
            ++wholes;
        }
    }
    description_ = count_of(changes, "linear layer") + " on changes from the unoccluded run";
    if (wholes > 0) description_ += ", " + count_of(wholes, "module") + " after the chain whole";
}

torch::Tensor ReducedPrecision::change(const torch::Tensor& x, const torch::Tensor& base) const {
    torch::Tensor out = torch::empty(x.sizes(), x.options().dtype(compute_).memory_format(format_of(x)));
    return at::sub_out(out, x, base);
}

torch::Tensor ReducedPrecision::plus(const torch::Tensor& y, const torch::Tensor& base) {
    torch::Tensor out = torch::empty(y.sizes(), y.options().dtype(torch::kFloat).memory_format(format_of(y)));
    return at::add_out(out, y, base);
}

torch::Tensor ReducedPrecision::conv(size_t l, const torch::Tensor& change, bool padded) const {
    const Geometry& g = chain_->links()[l].geometry;
    const std::array<int64_t, 2> stride{g.stride[0], g.stride[1]};
    const std::array<int64_t, 2> dilation{g.dilation[0], g.dilation[1]};
    const int64_t groups = chain_->links()[l].groups;
    const torch::Tensor& weight = link_weights_[l];
    if (padded) return torch::conv2d(change, weight, {}, stride, std::array<int64_t, 2>{0, 0}, dilation, groups);
    const c10::IValue& padding = link_padding_[l];
    if (padding.isString()) {
        // 'same' with an even effective kernel pads one more after than before: only the string form says so.
        return at::conv2d(change, weight, {}, stride, padding.toStringRef(), dilation, groups);
    }
    const std::array<int64_t, 2> pad{g.padding[0], g.padding[1]};
    return torch::conv2d(change, weight, {}, stride, pad, dilation, groups);
}

torch::Tensor ReducedPrecision::run_links(size_t from, torch::Tensor x) const {
    const std::vector<Link>& links = chain_->links();
    for (size_t l = from; l < links.size(); ++l) {
        x = links[l].kind == LinkKind::Conv ? plus(conv(l, change(x, link_base_in_[l]), false), link_base_out_[l])
                                            : links[l].forward(x);
    }
    return x;
}

torch::Tensor ReducedPrecision::conv_patches(size_t l, const torch::Tensor& regions, const torch::Tensor& base_regions,
                                             const torch::Tensor& base_patches) const {
    return plus(conv(l, change(regions, base_regions), true), base_patches);
}

torch::Tensor ReducedPrecision::run_rest(torch::Tensor x) const {
    const std::vector<Step>& rest = chain_->rest();
    for (size_t s = 0; s < rest.size(); ++s) {
        if (chain_->flattens_before(s)) x = x.flatten(1, -1);
        switch (step_kinds_[s]) {
            case StepKind::Change:
                x = plus(torch::linear(change(x, step_base_in_[s]), step_weights_[s]), step_shift_[s]);
                break;
            case StepKind::Float32: x = rest[s].forward(x); break;
            case StepKind::Whole: x = plus(rest[s].forward(x.to(compute_)), step_shift_[s]); break;
        }
    }
    return x;
}

}  // namespace convscope::bench
