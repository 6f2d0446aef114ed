// The exact incremental engine (io.convscope.occlusion.IncrementalScorer, Krypton, SIGMOD 2019), step for step:
// on a ChainDecomposition (the chain's activations on the unoccluded input), each window carries, layer by
// layer, only the patch of the activation its window can change, computed from the region of the layer's padded
// base input it reads (gathered, with the incoming patch pasted in) by the layer's own operation with padding 0.
// Once a patch would cover more than cs_incremental_full_fraction() of its layer, the windows switch to full
// tensors and the rest of the model runs as usual. The plan comes from cs_plan_incremental, as on the Java side.
#ifndef CONVSCOPE_RUNNER_INCREMENTAL_ENGINE_H
#define CONVSCOPE_RUNNER_INCREMENTAL_ENGINE_H

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engines.h"

namespace convscope::bench {

class IncrementalScorer final : public ChainScorer {
public:
    // Plans the windows of in.grid over the proved chain and pads its base activations. Throws NotApplicable
    // when even the first layer's patch is above full_fraction of its output, or a patch layer's padded,
    // padding-0 form does not reproduce the module's output within kProofTolerance (options convscope cannot
    // patch).
    static std::shared_ptr<IncrementalScorer> plan(std::shared_ptr<const ChainDecomposition> chain,
                                                   const EngineInputs& in, double full_fraction);

    // Counted multiply-adds per window of the chain's layers in full, and as this engine computes them.
    int64_t chain_full_macs() const { return chain_full_macs_; }
    int64_t chain_planned_macs() const { return chain_planned_macs_; }
    // Which layers run on patches, for the summary.
    const std::string& description() const { return description_; }
    // Patch convolutions then compute on changes (ReducedPrecision::conv_patches).
    void use_reduced_precision(torch::ScalarType compute) override;

protected:
    // Patches through the incremental layers, then full tensors.
    torch::Tensor chain_output(int64_t from, int64_t to) override;

private:
    IncrementalScorer(std::shared_ptr<const ChainDecomposition> chain, const EngineInputs& in);
    torch::Tensor apply(size_t l, const torch::Tensor& regions) const;
    // Layer l's base input, padded for its regions (float32, channels-last).
    torch::Tensor padded_base(size_t l, const torch::Tensor& input) const;

    std::vector<torch::Tensor> weights_;
    std::vector<torch::Tensor> biases_;
    size_t incremental_ = 0;
    int64_t window_count_ = 0;
    DeviceChoice device_;
    std::vector<std::array<int64_t, 4>> pads_;  // per patch layer: constant_pad_nd's left, right, top, bottom
    std::vector<torch::Tensor> padded_bases_;
    std::vector<torch::Tensor> region_buffers_;
    torch::Tensor switch_base_;
    torch::Tensor full_buffer_;
    torch::Tensor places_;         // int32, layer-major: layer l, window n at (l * window_count + n) * 8
    torch::Tensor patch_places_;   // the same with region corners at the output patches' corners
    std::vector<torch::Tensor> change_buffers_;       // reduced precision: the regions' changes
    torch::Tensor switch_changes_;  // reduced precision, first full layer on changes: its input's changes
    torch::Tensor switch_places_;  // int32: window n at n * 8
    torch::Tensor fill_;
    int64_t chain_full_macs_ = 0;
    int64_t chain_planned_macs_ = 0;
    std::string description_;
};

}  // namespace convscope::bench

#endif
