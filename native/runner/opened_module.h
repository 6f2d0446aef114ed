// A module after the chain opened up (a residual block): its TorchScript forward graph run node by node, so that
// the Conv2d and Linear modules it calls compute on changes (ChangeOp) while everything else (the residual sum, a
// downsampling Sequential, opened in turn) runs in float32 as the graph says, except a batch norm called on a
// convolution's output alone, which folds into the convolution, and a ReLU called on either's output alone, which
// the pass that adds the convolution's base back applies. A graph opens when its calls are to modules or to
// scripted functions (run whole, as operators) and its other nodes are operators, and its only control flow is a
// branch on a flag the module holds (the side the flag picks runs); the opened run on the unoccluded input must
// give the module's own output, as chain plus rest is proved. A branch on data, or a loop, does not open.
#ifndef CONVSCOPE_RUNNER_OPENED_MODULE_H
#define CONVSCOPE_RUNNER_OPENED_MODULE_H

#include <torch/script.h>

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>
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
    // Batch norms folded into the convolution before them (see Folded).
    size_t folded_batch_norms() const;

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

    struct Covered;
    // One run of a module's graph: its values, when each is read last, the calls a convolution's op covers.
    struct Frame {
        const Module& module;
        const torch::jit::Value* self;
        bool recording;
        size_t& next_call;
        std::unordered_map<const torch::jit::Value*, c10::IValue> values;
        std::unordered_map<const torch::jit::Value*, const torch::jit::Node*> last_reader;
        std::unordered_set<const torch::jit::Node*> skipped;
    };
    // Runs the nodes of block (the graph's, or the side of a branch it takes) in frame. Throws Unsupported.
    void run_nodes(Frame& frame, const torch::jit::Block* block) const;
    // Records the Conv2d call `node` of module's graph (self its first input) on in, whose output out is: its op,
    // covering a BatchNorm2d call on the output alone where the norm folds, then a ReLU call on that alone. Sets
    // out to the last covered call's output.
    Covered record_conv(const Link& link, const torch::jit::Node* node, const Module& module,
                        const torch::jit::Value* self, const torch::Tensor& in, c10::IValue& out) const;

    Module module_;
    torch::ScalarType compute_;
    mutable std::vector<ChangeOp> calls_;  // filled while recording, in call order
    // The calls each call's op covers: for a Conv2d call, a BatchNorm2d call on its output, then a ReLU call
    // (either may be null), decided while recording; the run skips them and gives the last one's output the op's.
    struct Covered {
        const torch::jit::Node* batch_norm = nullptr;
        const torch::jit::Node* relu = nullptr;
    };
    mutable std::vector<Covered> covers_;  // beside calls_
    // Each operator node's operation, looked up while recording (graphs are shared by modules of one type).
    mutable std::unordered_map<const torch::jit::Node*, torch::jit::Operation> operations_;
};

}  // namespace convscope::bench

#endif
