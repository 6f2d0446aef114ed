// The full engine: every layer of every occluded copy computed. The copies are written chunk by chunk by
// cs_occlude_batch_* straight into one reused chunk tensor (OccludedChunks); a model run as chain plus rest runs
// its chain on them (ChainFullScorer), any other model its own forward (ModelScorer).
#ifndef CONVSCOPE_RUNNER_FULL_ENGINE_H
#define CONVSCOPE_RUNNER_FULL_ENGINE_H

#include <torch/script.h>

#include <cstdint>
#include <memory>
#include <string>

#include "engines.h"

namespace convscope::bench {

class OpenedModule;  // opened_module.h

// The occluded copies of the image, chunk by chunk, written by cs_occlude_batch_cpu / _cuda straight into one
// reused chunk tensor's memory (device memory on CUDA).
class OccludedChunks {
public:
    explicit OccludedChunks(const EngineInputs& in);
    int64_t batch() const { return batch_; }
    // Windows from .. to - 1 occluded (N x C x H x W, contiguous); valid until the next call.
    torch::Tensor occluded(int64_t from, int64_t to);
    // What occluding changes for windows from .. to - 1 against base (the image, 1 x C x H x W in channels-last
    // memory): the fill minus base inside each window, 0 elsewhere, in type (float32 or bfloat16), channels-last;
    // written by cs_region_changes_* in one pass, the chunk never stored. Valid until the next call.
    torch::Tensor changes(int64_t from, int64_t to, const torch::Tensor& base, torch::ScalarType type);

private:
    torch::Tensor image_;
    const WindowGrid* grid_;
    DeviceChoice device_;
    torch::Tensor fill_;
    int64_t batch_;
    torch::Tensor chunk_;    // allocated on first use: a run below float32 may only take changes
    torch::Tensor windows_;  // CUDA: every window's rectangle on the device
    torch::Tensor window_places_;  // changes: every window as a paste rectangle in a region of the whole image
    torch::Tensor change_chunk_;   // changes: reused while its type stays
};

// The full engine for a model run as chain plus rest: every layer of every occluded copy is computed, the chain
// on channels-last chunks, exactly the operations the incremental engine runs on the layers it does not patch.
class ChainFullScorer final : public ChainScorer {
public:
    ChainFullScorer(std::shared_ptr<const ChainDecomposition> chain, std::shared_ptr<OccludedChunks> chunks,
                    int64_t window_count);

protected:
    torch::Tensor chain_output(int64_t from, int64_t to) override;

private:
    std::shared_ptr<OccludedChunks> chunks_;
};

// The full engine for a model that is not run as chain plus rest: each chunk of occluded copies goes through
// the model's own forward. Below float32 the model is opened (OpenedModule) where its graph allows, its Conv2d
// and Linear calls then computing on changes from the unoccluded image; else it runs whole in the compute type.
class ModelScorer final : public ChunkScorer {
public:
    ModelScorer(Module* model, torch::Tensor image, std::shared_ptr<OccludedChunks> chunks);
    ~ModelScorer() override;

    int64_t windows_per_call() const override { return chunks_->batch(); }
    torch::Tensor outputs(int64_t from, int64_t to) override { return forward(chunks_->occluded(from, to)); }
    torch::Tensor image_output(const torch::Tensor& image) override { return forward(image); }
    void use_reduced_precision(torch::ScalarType compute) override;
    std::string precision_note() const override;

private:
    torch::Tensor forward(const torch::Tensor& input);

    Module* model_;
    torch::Tensor image_;  // the unoccluded input, 1 x C x H x W float32
    std::shared_ptr<OccludedChunks> chunks_;
    bool reduced_ = false;
    std::unique_ptr<OpenedModule> opened_;
    torch::ScalarType compute_ = torch::kFloat;
};

}  // namespace convscope::bench

#endif
