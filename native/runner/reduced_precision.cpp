#include "reduced_precision.h"

#include <utility>

#include "rebase.h"

namespace convscope::bench {

namespace {

// Whether the module is, or holds, a Conv2d or Linear of torch.nn: the layers that compute on changes.
bool has_linear_layers(const Module& module) {
    for (const auto& m : module.modules()) {
        if (is_torch_nn(m, "Conv2d") || is_torch_nn(m, "Linear")) return true;
    }
    return false;
}

bool is_relu(const Link& link) { return link.kind == LinkKind::Pointwise && is_torch_nn(link.module, "ReLU"); }

std::string count_of(size_t n, const char* what) {
    return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

}  // namespace

ReducedPrecision::ReducedPrecision(std::shared_ptr<const ChainDecomposition> chain, torch::ScalarType compute)
    : chain_(std::move(chain)), compute_(compute) {
    const std::vector<Link>& links = chain_->links();
    size_t changes = 0, opened = 0, wholes = 0, folded_norms = 0;
    links_.resize(links.size());
    covered_.assign(links.size(), 1);
    for (size_t l = 0; l < links.size(); ++l) {
        // A user class named Conv2d runs as it is, in float32 (on patches its padded form was proved).
        if (links[l].kind != LinkKind::Conv || !is_torch_nn(links[l].module, "Conv2d")) continue;
        // The links after it that its op covers: a batch norm folded into it, then a ReLU.
        size_t last = l;
        Folded folded;
        if (l + 1 < links.size() &&
            ChangeOp::folds(links[l], links[l + 1].module, chain_->base_input(l), chain_->base_output(l + 1))) {
            folded.batch_norm = &links[l + 1].module;
            last = l + 1;
        }
        folded.relu = last + 1 < links.size() && is_relu(links[last + 1]);
        links_[l] = ChangeOp::conv(links[l], chain_->base_input(l), chain_->base_output(last), compute_, folded);
        covered_[l] = last - l + 1 + (folded.relu ? 1 : 0);
        ++changes;
        if (folded.batch_norm) ++folded_norms;
    }
    const std::vector<Step>& rest = chain_->rest();
    step_kinds_.resize(rest.size());
    step_changes_.resize(rest.size());
    opened_.resize(rest.size());
    step_shift_.resize(rest.size());
    for (size_t s = 0; s < rest.size(); ++s) {
        const Step& step = rest[s];
        const torch::Tensor& base_in = chain_->step_input(s);
        const torch::Tensor& base_out = chain_->step_output(s);
        if (is_torch_nn(step.module, "Linear")) {
            step_kinds_[s] = StepKind::Change;
            step_changes_[s] = ChangeOp::linear(step.module, base_in, base_out, compute_);
            ++changes;
        } else if (!has_linear_layers(step.module)) {
            step_kinds_[s] = StepKind::Float32;  // pools, ReLU, dropout, a batch or layer norm: cheap and exact
        } else if ((opened_[s] = OpenedModule::open(step.module, base_in, base_out, compute_))) {
            step_kinds_[s] = StepKind::Opened;
            changes += opened_[s]->linear_calls();
            folded_norms += opened_[s]->folded_batch_norms();
            ++opened;
        } else {
            step_kinds_[s] = StepKind::Whole;  // its shift is taken on first use, in the run's arithmetic
            if (compute_ != torch::kFloat) {
                Module module = step.module;       // a handle: casting it casts the model's module
                c10::InferenceMode normal(false);  // Module::to swaps parameter data: outside inference mode
                module.to(compute_);
            }
            ++wholes;
        }
    }
    description_ = count_of(changes, "linear layer") + " on changes from the unoccluded run";
    if (opened > 0) description_ += " (" + count_of(opened, "block") + " after the chain opened)";
    if (wholes > 0) description_ += ", " + count_of(wholes, "module") + " after the chain whole";
    if (folded_norms > 0) description_ += ", " + count_of(folded_norms, "batch norm") + " folded into them";
}

const torch::Tensor& ReducedPrecision::shift(size_t s) const {
    if (!step_shift_[s].defined()) {
        // A clone: an in-place module would overwrite the stored input.
        const torch::Tensor reduced = chain_->rest()[s].forward(chain_->step_input(s).to(compute_).clone());
        step_shift_[s] = chain_->step_output(s) - reduced.to(torch::kFloat);
    }
    return step_shift_[s];
}

torch::Tensor ReducedPrecision::run_links(size_t from, torch::Tensor x) const {
    return run_chain(from, std::move(x), torch::Tensor());
}

torch::Tensor ReducedPrecision::run_links_on_changes(size_t l, torch::Tensor changes) const {
    return run_chain(l, torch::Tensor(), std::move(changes));
}

torch::Tensor ReducedPrecision::run_chain(size_t from, torch::Tensor x, torch::Tensor changes) const {
    const std::vector<Link>& links = chain_->links();
    // When changes is defined, it is the change of link l's input, in place of x.
    for (size_t l = from; l < links.size();) {
        if (!links_[l]) {
            x = links[l].forward(x);
            ++l;
            continue;
        }
        const ChangeOp& op = *links_[l];
        const torch::Tensor y = changes.defined() ? op.on_changes(changes) : op.output_change(x);
        // One pass adds the base back, applies a ReLU the op covers, and where a layer on changes comes next,
        // takes its change straight away: the float32 activation between them is never stored.
        const size_t next = l + covered_[l];
        if (next < links.size() && links_[next]) {
            changes = rebase(y, op.base_output(), op.relu(), links_[next]->base_input(), compute_);
        } else {
            changes = torch::Tensor();
            x = rebase(y, op.base_output(), op.relu(), {}, torch::kFloat);
        }
        l = next;
    }
    return x;
}

torch::Tensor ReducedPrecision::conv_patches(size_t l, const torch::Tensor& changes,
                                             const cs_patch_place* patch_places) const {
    return links_[l]->on_region_changes(changes, patch_places);
}

torch::Tensor ReducedPrecision::run_rest(torch::Tensor x) const {
    const std::vector<Step>& rest = chain_->rest();
    for (size_t s = 0; s < rest.size(); ++s) {
        if (chain_->flattens_before(s)) x = x.flatten(1, -1);
        switch (step_kinds_[s]) {
            case StepKind::Change: x = (*step_changes_[s])(x); break;
            case StepKind::Float32: x = rest[s].forward(x); break;
            case StepKind::Opened: x = (*opened_[s])(x); break;
            case StepKind::Whole: x = rest[s].forward(x.to(compute_)).to(torch::kFloat) + shift(s); break;
        }
    }
    return x;
}

}  // namespace convscope::bench
