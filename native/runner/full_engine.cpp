#include "full_engine.h"

#include <stdexcept>
#include <utility>

#include "convscope/incremental.h"
#include "convscope/occlusion.h"
#include "opened_module.h"
#include "patch_kernels.h"
#include "reduced_precision.h"

namespace convscope::bench {

OccludedChunks::OccludedChunks(const EngineInputs& in)
    : image_(in.image.contiguous()), grid_(in.grid), device_(in.device), batch_(in.batch) {
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
    auto check = [](int status) {
        if (status != CS_OK) {
            throw std::runtime_error(std::string("the occlusion kernel failed: ") + cs_status_message(status));
        }
    };
    if (device_.cuda) {
        const auto* windows = reinterpret_cast<const cs_window*>(windows_.data_ptr<int32_t>()) + from;
        check(cs_occlude_batch_cuda(image_.data_ptr<float>(), c, h, w, windows, n, fill_.data_ptr<float>(),
                                    occluded.data_ptr<float>(), cuda_stream(device_)));
        return occluded;
    }
    const float* image = image_.data_ptr<float>();
    const float* fill = fill_.data_ptr<float>();
    float* out = occluded.data_ptr<float>();
    on_torch_threads(n, c * h * w, [&](int64_t begin, int64_t end, int32_t threads) {
        check(cs_occlude_batch_cpu(image, c, h, w, grid_->windows.data() + from + begin, end - begin, fill,
                                   out + begin * c * h * w, threads));
    });
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
    const PatchKernels kernels{device_.cuda, cuda_stream(device_)};
    kernels.region_changes(base, nullptr, fill_, place_at(window_places_, from), changes);
    return changes;
}

ChainFullScorer::ChainFullScorer(std::shared_ptr<const ChainDecomposition> chain,
                                 std::shared_ptr<OccludedChunks> chunks, int64_t window_count)
    : ChainScorer(std::move(chain), chunks->batch(), window_count), chunks_(std::move(chunks)) {}

torch::Tensor ChainFullScorer::chain_output(int64_t from, int64_t to) {
    if (reduced_ && reduced_->changes_link(0)) {
        // The first layer computes on changes: they come straight from the windows (the outputs that follow are
        // tensors of their own).
        const torch::Tensor changes = chunks_->changes(from, to, reduced_->base_input(0), reduced_->compute());
        return reduced_->run_links_on_changes(0, changes);
    }
    // The chunk buffer is rewritten by the next call, but the channels-last copy is a tensor of its own.
    return run_links(0, channels_last(chunks_->occluded(from, to)));
}

ModelScorer::ModelScorer(Module* model, torch::Tensor image, std::shared_ptr<OccludedChunks> chunks)
    : model_(model), image_(std::move(image)), chunks_(std::move(chunks)) {}

ModelScorer::~ModelScorer() = default;

void ModelScorer::use_reduced_precision(torch::ScalarType compute) {
    reduced_ = true;
    const torch::Tensor base_output = forward(image_);  // float32, before anything is cast
    opened_ = OpenedModule::open(*model_, image_, base_output, compute);
    if (opened_ || compute == torch::kFloat) return;  // TF32: the model stays float32
    compute_ = compute;
    c10::InferenceMode normal(false);  // Module::to swaps parameter data: outside inference mode
    model_->to(compute);
}

std::string ModelScorer::precision_note() const {
    if (!reduced_) return "";
    if (opened_) {
        const size_t folded = opened_->folded_batch_norms();
        return std::to_string(opened_->linear_calls()) +
               " linear layers on changes from the unoccluded run (the model opened: it does not run as chain plus "
               "rest)" +
               (folded > 0 ? ", " + std::to_string(folded) + " batch norm" + (folded == 1 ? "" : "s") +
                                 " folded into them"
                           : std::string());
    }
    return "the whole model in the lower precision (it does not run as chain plus rest, and does not open)";
}

torch::Tensor ModelScorer::forward(const torch::Tensor& input) {
    if (opened_) return (*opened_)(input);
    c10::IValue out = model_->forward({input.to(compute_)});
    if (!out.isTensor()) {
        throw std::runtime_error("the model must return one tensor of class scores, got " + out.tagKind());
    }
    return out.toTensor();
}

}  // namespace convscope::bench
