// The occlusion engines of convscope, as the Java side runs them (io.convscope.occlusion): a model proved on the
// input to be its leading chain followed by the modules after it (ChainDecomposition) is run that way by both
// engines, the chain chunk by chunk and the rest once per larger "head batch" of windows (ChainScorer). The full
// engine (full_engine.h: ChainFullScorer) runs the chain on each chunk of occluded copies, written by
// cs_occlude_batch_* straight into one reused chunk tensor (OccludedChunks); the exact incremental engine
// (incremental_engine.h) carries each window's changed patch through the chain. A model that is not proved so is
// run whole by the full engine (ModelScorer). engine_choice.h picks one; scoring.h turns its rows into a map.
// Every engine gives one row of model outputs per window; the map does not depend on which ran, to float
// tolerance. Below float32 (--precision bf16, tf32 on CUDA) they compute the changes an occlusion makes
// against the unoccluded run's float32 activations (reduced_precision.h, opened_module.h); the full engine then
// writes the first layer's changes straight from the windows (OccludedChunks::changes), not occluded copies.
#ifndef CONVSCOPE_RUNNER_ENGINES_H
#define CONVSCOPE_RUNNER_ENGINES_H

#include <torch/script.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "chain.h"
#include "grid.h"
#include "options.h"
#include "torch_glue.h"

namespace convscope::bench {

class ReducedPrecision;  // reduced_precision.h: how chain-plus-rest engines compute below float32

// What every engine works on: the model, the unoccluded image (1 x C x H x W on the run's device), its grid
// and its fill, and how the kernels run.
struct EngineInputs {
    Module* model;
    torch::Tensor image;
    const WindowGrid* grid;
    std::vector<float> fill;  // per channel, tensor space
    DeviceChoice device;
    int threads;              // LibTorch's intra-op threads, on which the CPU kernels run too
    int64_t batch;            // the most windows per chunk (at most the grid's windows)
};

// The model cannot be run as chain plus rest, or patches gain nothing; what() says why.
struct NotApplicable : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Evaluates the occluded copies of windows from (inclusive) to to: one row of model outputs per window.
class ChunkScorer {
public:
    virtual ~ChunkScorer() = default;
    // How many windows one call should cover, for the best speed within the memory budget.
    virtual int64_t windows_per_call() const = 0;
    // Valid until the next call.
    virtual torch::Tensor outputs(int64_t from, int64_t to) = 0;
    // The model's output for one unoccluded or occluded image (1 x C x H x W, float32) as this engine's layers
    // compute it: the base score, and the loop baseline's forward.
    virtual torch::Tensor image_output(const torch::Tensor& image) = 0;
    // From now on the layers compute below float32: compute is bfloat16, or float32 for TF32, which
    // apply_precision turns on after this call (what an engine records of the unoccluded run here is exact
    // float32). The chunks and patches our kernels write stay float32.
    virtual void use_reduced_precision(torch::ScalarType compute) = 0;
    // How the layers compute below float32, for the summary; empty in float32.
    virtual std::string precision_note() const = 0;
};

// A model proved, on one input, to be its leading chain followed by the modules after it, each run on its
// predecessor's output (io.convscope.occlusion.ChainDecomposition). Holds the unoccluded input's activation
// before and after every link: the incremental engine's base.
class ChainDecomposition : public std::enable_shared_from_this<ChainDecomposition> {
public:
    // Runs the model's chain and the modules after it on image (1 x C x H x W) and checks that they give
    // model_output, the model's own output, within kProofTolerance. Throws NotApplicable otherwise.
    static std::shared_ptr<const ChainDecomposition> prove(const Module& model, const torch::Tensor& image,
                                                           const torch::Tensor& model_output);

    const std::vector<Link>& links() const { return links_; }
    // The unoccluded input and output of link l (batch 1).
    const torch::Tensor& base_input(size_t l) const { return inputs_[l]; }
    const torch::Tensor& base_output(size_t l) const { return outputs_[l]; }
    // Runs links from .. the end of the chain on x.
    torch::Tensor run_links(size_t from, torch::Tensor x) const;
    // Runs the modules after the chain on the chain's output (flattening before a module that wants vectors,
    // as decided on the unoccluded run): the model's output.
    torch::Tensor run_rest(torch::Tensor x) const;
    // Floats of the chain's output per window.
    int64_t chain_output_elements() const { return outputs_.back().numel(); }

    const std::vector<Step>& rest() const { return rest_; }
    // Whether step s reads its predecessor's output flattened from dimension 1.
    bool flattens_before(size_t s) const { return flatten_before_[s]; }
    // The unoccluded input step s reads (flattened where it flattens) and its output (batch 1).
    const torch::Tensor& step_input(size_t s) const { return step_inputs_[s]; }
    const torch::Tensor& step_output(size_t s) const { return step_outputs_[s]; }
    // How the chain runs with compute below float32, made by the first engine that asks and shared with the
    // others while one holds it: it casts modules, proves folds and records opened blocks, once.
    std::shared_ptr<const ReducedPrecision> reduced_precision(torch::ScalarType compute) const;

private:
    std::vector<Link> links_;
    std::vector<Step> rest_;
    std::vector<bool> flatten_before_;
    std::vector<torch::Tensor> inputs_;
    std::vector<torch::Tensor> outputs_;
    std::vector<torch::Tensor> step_inputs_;
    std::vector<torch::Tensor> step_outputs_;
    mutable std::weak_ptr<const ReducedPrecision> reduced_;
    mutable torch::ScalarType reduced_compute_ = torch::kFloat;
};

// Largest difference, relative to the largest magnitude, accepted when proving a decomposition or a layer.
constexpr double kProofTolerance = 1e-4;

// Same shape, and equal within kProofTolerance of b's largest magnitude (NaN never is).
bool proof_close(const torch::Tensor& a, const torch::Tensor& b);

// The tensor in channels-last memory (a no-op when it is already): oneDNN and cuDNN convolve channels-last
// tensors without reordering them, and every layer keeps the format.
torch::Tensor channels_last(const torch::Tensor& t);

// Scores windows of a model run as chain plus rest: the chain chunk by chunk of at most `batch` windows, then the
// modules after it once on the whole call's windows (the head batch: a multiple of batch within the memory
// budget), since a classifier's matrix products gain from more rows. Both engines share this.
class ChainScorer : public ChunkScorer {
public:
    ChainScorer(std::shared_ptr<const ChainDecomposition> chain, int64_t batch, int64_t window_count);
    int64_t windows_per_call() const override { return head_batch_; }
    torch::Tensor outputs(int64_t from, int64_t to) override;
    torch::Tensor image_output(const torch::Tensor& image) override;
    // Runs the chain and the rest through a ReducedPrecision from now on.
    void use_reduced_precision(torch::ScalarType compute) override;
    std::string precision_note() const override;

protected:
    // The chain's output for windows from .. to - 1 (at most batch), float32, in a tensor of its own: the next
    // chunk may reuse any buffer this one used.
    virtual torch::Tensor chain_output(int64_t from, int64_t to) = 0;
    // Links from .. the end of the chain on x (float32), in the run's precision.
    torch::Tensor run_links(size_t from, torch::Tensor x) const;

    std::shared_ptr<const ChainDecomposition> chain_;
    std::shared_ptr<const ReducedPrecision> reduced_;  // set by use_reduced_precision
    int64_t batch_;

private:
    int64_t head_batch_;
};

}  // namespace convscope::bench

#endif
