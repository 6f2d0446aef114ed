// The full engine (OccludedChunks, ChainFullScorer, ModelScorer), the chain decomposition both engines run on,
// the choice between the engines (OcclusionEngine.chooseEngine) and the scoring of their outputs.
#include "engines.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>
#include <stdexcept>

#include "convscope/grid.h"
#include "convscope/incremental.h"
#include "convscope/occlusion.h"
#include "errors.h"
#include "incremental_engine.h"
#include "opened_module.h"
#include "patch_kernels.h"
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

// The full engine for a model run as chain plus rest: every layer of every occluded copy is computed, the chain
// on channels-last chunks, exactly the operations the incremental engine runs on the layers it does not patch.
class ChainFullScorer final : public ChainScorer {
public:
    ChainFullScorer(std::shared_ptr<const ChainDecomposition> chain, std::shared_ptr<OccludedChunks> chunks,
                    int64_t window_count)
        : ChainScorer(std::move(chain), chunks->batch(), window_count), chunks_(std::move(chunks)) {}

protected:
    torch::Tensor chain_output(int64_t from, int64_t to) override {
        if (reduced_ && reduced_->changes_link(0)) {
            // The first layer computes on changes: they come straight from the windows (the outputs that
            // follow are tensors of their own).
            const torch::Tensor changes = chunks_->changes(from, to, reduced_->base_input(0), reduced_->compute());
            return reduced_->run_links_on_changes(0, changes);
        }
        // The chunk buffer is rewritten by the next call, but the channels-last copy is a tensor of its own.
        return run_links(0, channels_last(chunks_->occluded(from, to)));
    }

private:
    std::shared_ptr<OccludedChunks> chunks_;
};

// The full engine for a model that is not run as chain plus rest: each chunk of occluded copies goes through
// the model's own forward. Below float32 the model is opened (OpenedModule) where its graph allows, its Conv2d
// and Linear calls then computing on changes from the unoccluded image; else it runs whole in the compute type.
class ModelScorer final : public ChunkScorer {
public:
    ModelScorer(Module* model, torch::Tensor image, std::shared_ptr<OccludedChunks> chunks)
        : model_(model), image_(std::move(image)), chunks_(std::move(chunks)) {}

    int64_t windows_per_call() const override { return chunks_->batch(); }

    torch::Tensor outputs(int64_t from, int64_t to) override { return forward(chunks_->occluded(from, to)); }

    torch::Tensor image_output(const torch::Tensor& image) override { return forward(image); }

    void use_reduced_precision(torch::ScalarType compute) override {
        reduced_ = true;
        const torch::Tensor base_output = forward(image_);  // float32, before anything is cast
        opened_ = OpenedModule::open(*model_, image_, base_output, compute);
        if (opened_ || compute == torch::kFloat) return;  // TF32: the model stays float32
        compute_ = compute;
        c10::InferenceMode normal(false);  // Module::to swaps parameter data: outside inference mode
        model_->to(compute);
    }

    std::string precision_note() const override {
        if (!reduced_) return "";
        if (opened_) {
            const size_t folded = opened_->folded_batch_norms();
            return std::to_string(opened_->linear_calls()) +
                   " linear layers on changes from the unoccluded run (the model opened: it does not run as chain "
                   "plus rest)" +
                   (folded > 0 ? ", " + std::to_string(folded) + " batch norm" + (folded == 1 ? "" : "s") +
                                     " folded into them"
                               : std::string());
        }
        return "the whole model in the lower precision (it does not run as chain plus rest, and does not open)";
    }

private:
    torch::Tensor forward(const torch::Tensor& input) {
        if (opened_) return (*opened_)(input);
        c10::IValue out = model_->forward({input.to(compute_)});
        if (!out.isTensor()) {
            throw std::runtime_error("the model must return one tensor of class scores, got " + out.tagKind());
        }
        return out.toTensor();
    }

    Module* model_;
    torch::Tensor image_;  // the unoccluded input, 1 x C x H x W float32
    std::shared_ptr<OccludedChunks> chunks_;
    bool reduced_ = false;
    std::unique_ptr<OpenedModule> opened_;
    torch::ScalarType compute_ = torch::kFloat;
};

[[noreturn]] void refuse(const NotApplicable& why) {
    throw UsageError(std::string("the incremental engine does not apply to this model: ") + why.what() +
                     "; use the full or auto engine");
}

EngineChoice full_engine(EngineRequest asked, int64_t macs, const std::string& why_not_incremental,
                         std::shared_ptr<ChunkScorer> scorer) {
    EngineChoice choice;
    choice.use.full_macs = macs;
    choice.use.engine_macs = macs;
    choice.use.note = asked == EngineRequest::Full ? "the full engine was asked for" : "full: " + why_not_incremental;
    choice.scorer = scorer;
    choice.full = std::move(scorer);
    return choice;
}

}  // namespace

OccludedChunks::OccludedChunks(const EngineInputs& in)
    : image_(in.image.contiguous()), grid_(in.grid), device_(in.device), threads_(in.threads), batch_(in.batch) {
    fill_ = torch::from_blob(const_cast<float*>(in.fill.data()), {static_cast<int64_t>(in.fill.size())},
                             torch::kFloat)
                .clone()
                .to(device_.device);
    if (device_.cuda) {
        const auto* ints = reinterpret_cast<const int32_t*>(grid_->windows.data());
        windows_ = torch::from_blob(const_cast<int32_t*>(ints), {grid_->count() * 4}, torch::kInt)
                       .clone()
                       .to(device_.device);
    }
}

torch::Tensor OccludedChunks::occluded(int64_t from, int64_t to) {
    const int64_t n = to - from;
    const int64_t c = image_.size(1), h = image_.size(2), w = image_.size(3);
    if (!chunk_.defined()) chunk_ = torch::empty({batch_, c, h, w}, image_.options());
    // narrow on dim 0 of a contiguous tensor is contiguous: its data_ptr is the first n copies.
    torch::Tensor occluded = chunk_.narrow(0, 0, n);
    int status;
    if (device_.cuda) {
        const auto* windows = reinterpret_cast<const cs_window*>(windows_.data_ptr<int32_t>()) + from;
        status = cs_occlude_batch_cuda(image_.data_ptr<float>(), c, h, w, windows, n, fill_.data_ptr<float>(),
                                       occluded.data_ptr<float>(), cuda_stream(device_));
    } else {
        status = cs_occlude_batch_cpu(image_.data_ptr<float>(), c, h, w, grid_->windows.data() + from, n,
                                      fill_.data_ptr<float>(), occluded.data_ptr<float>(), threads_);
    }
    if (status != CS_OK) {
        throw std::runtime_error(std::string("the occlusion kernel failed: ") + cs_status_message(status));
    }
    return occluded;
}

torch::Tensor OccludedChunks::changes(int64_t from, int64_t to, const torch::Tensor& base, torch::ScalarType type) {
    if (!window_places_.defined()) {
        // One region per window, the whole image; the window is its paste rectangle (clipped by the kernel).
        std::vector<cs_patch_place> places(static_cast<size_t>(grid_->count()));
        for (size_t k = 0; k < places.size(); ++k) {
            const cs_window& w = grid_->windows[k];
            places[k] = cs_patch_place{};
            places[k].paste_top = w.top;
            places[k].paste_left = w.left;
            places[k].paste_height = w.height;
            places[k].paste_width = w.width;
        }
        window_places_ = place_tensor(places, device_.device);
    }
    if (!change_chunk_.defined() || change_chunk_.scalar_type() != type) {
        change_chunk_ = torch::empty({batch_, image_.size(1), image_.size(2), image_.size(3)},
                                     image_.options().dtype(type).memory_format(torch::MemoryFormat::ChannelsLast));
    }
    torch::Tensor changes = change_chunk_.narrow(0, 0, to - from);
    const PatchKernels kernels{device_.cuda, threads_, cuda_stream(device_)};
    kernels.region_changes(base, nullptr, fill_, place_at(window_places_, from), changes);
    return changes;
}

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

double EngineUse::counted_speedup() const {
    return full_macs > 0 && engine_macs > 0 ? static_cast<double>(full_macs) / static_cast<double>(engine_macs)
                                            : 1.0;
}

bool output_depends_on_batch(Module& model, const torch::Tensor& image, const torch::Tensor& model_output) {
    torch::Tensor rows;
    try {
        rows = forward_tensor(model, torch::cat({image, torch::zeros_like(image)}, 0));
    } catch (const std::exception&) {
        return true;  // it does not take two images at once: one at a time is how it runs
    }
    return rows.dim() < 1 || rows.size(0) != 2 || !proof_close(rows.narrow(0, 0, 1), model_output);
}

EngineChoice choose_engine(EngineRequest request, const EngineInputs& in, const torch::Tensor& model_output,
                           bool batch_dependent) {
    const int64_t full_macs = macs_per_image(*in.model, in.image.sizes().vec(), in.device.device);
    auto chunks = std::make_shared<OccludedChunks>(in);
    if (batch_dependent) {
        const std::string why = "the model's output for an image depends on the other images in its batch (a "
                                "batch norm without running statistics?), so windows run one at a time";
        if (request == EngineRequest::Incremental) refuse(NotApplicable(why));
        return full_engine(EngineRequest::Auto, full_macs, why, std::make_shared<ModelScorer>(in.model, in.image,
                                                                                           chunks));
    }
    std::shared_ptr<const ChainDecomposition> chain;
    try {
        chain = ChainDecomposition::prove(*in.model, in.image, model_output);
    } catch (const NotApplicable& e) {
        if (request == EngineRequest::Incremental) refuse(e);
        return full_engine(request, full_macs, e.what(), std::make_shared<ModelScorer>(in.model, in.image, chunks));
    }
    auto full = std::make_shared<ChainFullScorer>(chain, chunks, in.grid->count());
    if (request == EngineRequest::Full) return full_engine(request, full_macs, "", full);
    std::shared_ptr<IncrementalScorer> incremental;
    try {
        incremental = IncrementalScorer::plan(chain, in, cs_incremental_full_fraction());
    } catch (const NotApplicable& e) {
        if (request == EngineRequest::Incremental) refuse(e);
        return full_engine(request, full_macs, e.what(), full);
    }
    const int64_t engine_macs =
        full_macs < 0 ? -1 : full_macs - incremental->chain_full_macs() + incremental->chain_planned_macs();
    const double counted =
        full_macs > 0 && engine_macs > 0
            ? static_cast<double>(full_macs) / static_cast<double>(engine_macs)
            : static_cast<double>(incremental->chain_full_macs()) /
                  static_cast<double>(std::max<int64_t>(1, incremental->chain_planned_macs()));
    if (request == EngineRequest::Auto && counted < cs_incremental_min_speedup()) {
        char why[96];
        std::snprintf(why, sizeof why, "patches would save only %.2fx of the counted work", counted);
        return full_engine(request, full_macs, why, full);
    }
    EngineChoice choice;
    choice.use.incremental = true;
    choice.use.full_macs = full_macs;
    choice.use.engine_macs = engine_macs;
    choice.use.note = incremental->description();
    choice.scorer = std::move(incremental);
    choice.full = std::move(full);
    return choice;
}

namespace {

// The score of each row of a model's outputs, on the outputs' device (a tensor of its own, never a view of them).
torch::Tensor row_scores(const torch::Tensor& outputs, const Scoring& scoring) {
    torch::Tensor rows = outputs.dim() == 2 ? outputs : outputs.reshape({outputs.size(0), -1});
    rows = rows.to(torch::kFloat);
    switch (scoring.kind) {
        case ScoreKind::Prob: return rows.softmax(1).select(1, scoring.target).clone();
        case ScoreKind::Logit: return rows.select(1, scoring.target).clone();
        case ScoreKind::LogProb: return rows.log_softmax(1).select(1, scoring.target).clone();
        case ScoreKind::Similarity:
            // The same eps as the JVM's torch.cosine_similarity call, so both sides compute one formula.
            return torch::cosine_similarity(rows, scoring.reference.to(torch::kFloat).reshape({1, -1}), 1, 1e-8);
    }
    throw std::logic_error("unknown score kind");
}

}  // namespace

std::vector<float> to_host(const torch::Tensor& scores) {
    const torch::Tensor s = scores.contiguous().cpu();
    std::vector<float> out(static_cast<size_t>(s.numel()));
    std::memcpy(out.data(), s.data_ptr<float>(), out.size() * sizeof(float));
    return out;
}

std::vector<float> scores_of(const torch::Tensor& outputs, const Scoring& scoring) {
    return to_host(row_scores(outputs, scoring));
}

torch::Tensor device_scores(ChunkScorer& scorer, int64_t count, const Scoring& scoring) {
    std::vector<torch::Tensor> chunks;
    const int64_t step = scorer.windows_per_call();
    for (int64_t from = 0; from < count; from += step) {
        const int64_t to = std::min(count, from + step);
        torch::Tensor outputs = scorer.outputs(from, to);
        if (outputs.dim() < 1 || outputs.size(0) != to - from) {
            throw std::runtime_error("the model must return one row of scores per window; for " +
                                     std::to_string(to - from) + " windows it returned shape " +
                                     c10::str(outputs.sizes()));
        }
        chunks.push_back(row_scores(outputs, scoring));
    }
    if (chunks.empty()) throw std::logic_error("a grid without windows");
    return chunks.size() == 1 ? chunks[0] : torch::cat(chunks);
}

std::vector<float> score_windows(ChunkScorer& scorer, int64_t count, const Scoring& scoring) {
    // Each chunk's scores stay on its device and come back together at the end: a copy to the host per chunk
    // would make the host wait for the device, and the device then waits while the next chunk is queued.
    return to_host(device_scores(scorer, count, scoring));
}

std::vector<float> occlusion_map(ChunkScorer& scorer, int64_t count, const Scoring& scoring, float base) {
    std::vector<float> map = score_windows(scorer, count, scoring);
    for (float& v : map) v = base - v;
    return map;
}

}  // namespace convscope::bench
