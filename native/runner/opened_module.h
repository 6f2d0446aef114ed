// A module after the chain opened up (a residual block): its TorchScript forward graph run node by node, so that
// the Conv2d and Linear modules it calls compute on changes (ChangeOp) while everything else (batch norm, ReLU,
// the residual sum, a downsampling Sequential, opened in turn) runs in float32 as the graph says. Only graphs
// without control flow open, whose calls are to modules and whose other nodes are operators; the opened run on
// the unoccluded input must give the module's own output, as chain plus rest is proved.
#ifndef CONVSCOPE_RUNNER_OPENED_MODULE_H
#define CONVSCOPE_RUNNER_OPENED_MODULE_H

#include <torch/script.h>

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <unordered_map>
#include <vector>

#include "change_op.h"
#include "chain.h"

namespace convscope::bench {

class OpenedModule {
public:
    // The module opened on its unoccluded input (batch 1, float32) and output; nullptr where it does not open.
    static std::unique_ptr<OpenedModule> open(const Module& module, const torch::Tensor& base_input,
                                              const torch::Tensor& base_output, torch::ScalarType compute);

    // The module on x (float32): its output, float32.
    torch::Tensor operator()(const torch::Tensor& x) const;
    // Conv2d and Linear calls that compute on changes.
    size_t linear_calls() const { return calls_.size(); }

private:
    // A node the opened run cannot take: open() falls back on running the module whole; met later (a size that
    // depends on the data), a runtime failure with this message.
    struct Unsupported : std::runtime_error {
        Unsupported() : std::runtime_error("an opened module met a node it cannot run; use --precision fp32") {}
    };

    OpenedModule(Module module, torch::ScalarType compute) : module_(std::move(module)), compute_(compute) {}
    // Runs method of module on args. Recording, each Conv2d or Linear call runs the module itself and its input
    // and output become a ChangeOp; else the next ChangeOp in call order runs. Throws Unsupported.
    c10::IValue run(const Module& module, const std::string& method, std::vector<c10::IValue> args, bool recording,
                    size_t& next_call) const;

    Module module_;
    torch::ScalarType compute_;
    mutable std::vector<ChangeOp> calls_;  // filled while recording, in call order
    // Each operator node's operation, looked up while recording (graphs are shared by modules of one type).
    mutable std::unordered_map<const torch::jit::Node*, torch::jit::Operation> operations_;
};

}  // namespace convscope::bench

#endif
