// The chain decomposition both engines run on, and the chain-plus-rest scorer they share.
#include "engines.h"

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <utility>

#include "convscope/grid.h"
#include "reduced_precision.h"

namespace convscope::bench {

namespace {

torch::Tensor try_forward(const Step& step, const torch::Tensor& input) {
    try {
        return step.forward(input);
    } catch (const std::exception&) {
        return {};
    }
}

}  // namespace

std::shared_ptr<const ChainDecomposition> ChainDecomposition::prove(const Module& model, const torch::Tensor& image,
                                                                    const torch::Tensor& model_output) {
    LeadingChain chain = LeadingChain::of(model);
    const std::vector<Link>& links = chain.links;
    if (links.empty() || std::all_of(links.begin(), links.end(),
                                     [](const Link& l) { return l.kind == LinkKind::Pointwise; })) {
        throw NotApplicable("the model does not start with a convolution or pool (" +
                            (chain.ended_by.empty() ? std::string("it has none") : "it starts with " + chain.ended_by) +
                            ")");
    }
    auto d = std::make_shared<ChainDecomposition>();
    const size_t count = links.size();
    d->inputs_.resize(count);
    d->outputs_.resize(count);
    torch::Tensor x = image;
    for (size_t l = 0; l < count; ++l) {
        d->inputs_[l] = x;
        try {
            // A clone: in-place modules (AlexNet's ReLU) would overwrite the stored input.
            d->outputs_[l] = links[l].forward(x.clone());
        } catch (const std::exception&) {
            throw NotApplicable(links[l].path + " does not run on the output of the layer before it");
        }
        if (d->outputs_[l].dim() != 4 || d->outputs_[l].size(0) != 1) {
            throw NotApplicable(links[l].path + " does not output one feature map");
        }
        x = d->outputs_[l];
    }
    d->flatten_before_.assign(chain.rest.size(), false);
    for (size_t s = 0; s < chain.rest.size(); ++s) {
        const Step& step = chain.rest[s];
        // Clones: in-place modules would overwrite the stored input.
        torch::Tensor y = try_forward(step, x.clone());
        if (!y.defined() && x.dim() > 2) {
            x = x.flatten(1, -1);
            y = try_forward(step, x.clone());
            d->flatten_before_[s] = y.defined();
        }
        if (!y.defined()) {
            throw NotApplicable("the model's modules do not run one after another (" + step.path +
                                " rejects its predecessor's output)");
        }
        d->step_inputs_.push_back(x);
        d->step_outputs_.push_back(y);
        x = y;
    }
    if (!proof_close(x, model_output)) {
        throw NotApplicable("the model's forward does more than run its modules in order (their output differs "
                            "from the model's)");
    }
    d->links_ = std::move(chain.links);
    d->rest_ = std::move(chain.rest);
    return d;
}

torch::Tensor ChainDecomposition::run_links(size_t from, torch::Tensor x) const {
    for (size_t l = from; l < links_.size(); ++l) x = links_[l].forward(x);
    return x;
}

torch::Tensor ChainDecomposition::run_rest(torch::Tensor x) const {
    for (size_t s = 0; s < rest_.size(); ++s) x = rest_[s].forward(flatten_before_[s] ? x.flatten(1, -1) : x);
    return x;
}

bool proof_close(const torch::Tensor& a, const torch::Tensor& b) {
    if (a.sizes() != b.sizes()) return false;
    const double scale = std::max(1e-6, b.abs().max().item<double>());
    const double diff = (a - b).abs().max().item<double>();
    return diff <= kProofTolerance * scale;
}

torch::Tensor channels_last(const torch::Tensor& t) { return t.contiguous(torch::MemoryFormat::ChannelsLast); }

ChainScorer::ChainScorer(std::shared_ptr<const ChainDecomposition> chain, int64_t batch, int64_t window_count)
    : chain_(std::move(chain)), batch_(batch) {
    head_batch_ = cs_head_windows(chain_->chain_output_elements(), batch_, window_count);
}

torch::Tensor ChainScorer::outputs(int64_t from, int64_t to) {
    std::vector<torch::Tensor> chain_outputs;
    for (int64_t chunk = from; chunk < to; chunk += batch_) {
        chain_outputs.push_back(chain_output(chunk, std::min(to, chunk + batch_)));
    }
    torch::Tensor x = chain_outputs.size() == 1 ? chain_outputs[0] : torch::cat(chain_outputs, 0);
    return reduced_ ? reduced_->run_rest(x) : chain_->run_rest(x);
}

torch::Tensor ChainScorer::image_output(const torch::Tensor& image) {
    torch::Tensor x = run_links(0, channels_last(image));
    return reduced_ ? reduced_->run_rest(x) : chain_->run_rest(x);
}

torch::Tensor ChainScorer::run_links(size_t from, torch::Tensor x) const {
    return reduced_ ? reduced_->run_links(from, std::move(x)) : chain_->run_links(from, std::move(x));
}

void ChainScorer::use_reduced_precision(torch::ScalarType compute) { reduced_ = chain_->reduced_precision(compute); }

std::shared_ptr<const ReducedPrecision> ChainDecomposition::reduced_precision(torch::ScalarType compute) const {
    std::shared_ptr<const ReducedPrecision> made = reduced_.lock();
    if (made && reduced_compute_ != compute) {
        // It cast the modules that run whole to its own type: a second type would change them under it.
        throw std::logic_error("the chain already runs below float32 in another type");
    }
    if (!made) {
        made = std::make_shared<const ReducedPrecision>(shared_from_this(), compute);
        reduced_ = made;
        reduced_compute_ = compute;
    }
    return made;
}

std::string ChainScorer::precision_note() const { return reduced_ ? reduced_->description() : ""; }

}  // namespace convscope::bench
