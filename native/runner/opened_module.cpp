#include "opened_module.h"

#include <torch/csrc/jit/ir/constants.h>
#include <torch/csrc/jit/ir/ir.h>

#include <exception>
#include <functional>
#include <unordered_set>
#include <utility>

#include "engines.h"

namespace convscope::bench {

namespace {

// The node that calls forward of a torch.nn module of `type` held by `owner` (through a GetAttr of self) on v
// alone, where nothing else reads v; null for anything else. Sets *callee to that module.
const torch::jit::Node* sole_call_on(const torch::jit::Value* v, const Module& owner, const torch::jit::Value* self,
                                     const char* type, Module* callee) {
    if (v->uses().size() != 1) return nullptr;
    const torch::jit::Node* user = v->uses()[0].user;
    if (user->kind() != c10::prim::CallMethod || user->s(c10::attr::name) != "forward" || user->inputs().size() != 2 ||
        user->input(1) != v || user->outputs().size() != 1) {
        return nullptr;
    }
    const torch::jit::Node* getter = user->input(0)->node();
    if (getter->kind() != c10::prim::GetAttr || getter->input(0) != self) return nullptr;
    const c10::IValue held = owner.attr(getter->s(c10::attr::name));
    if (!held.isObject()) return nullptr;
    const Module module(held.toObject());
    if (!is_torch_nn(module, type)) return nullptr;
    *callee = module;
    return user;
}

}  // namespace

std::unique_ptr<OpenedModule> OpenedModule::open(const Module& module, const torch::Tensor& base_input,
                                                 const torch::Tensor& base_output, torch::ScalarType compute) {
    std::unique_ptr<OpenedModule> opened(new OpenedModule(module, compute));
    try {
        size_t next_call = 0;
        // A clone: in-place operators in the graph would overwrite the stored input.
        const c10::IValue out = opened->run(module, "forward", {base_input.clone()}, true, next_call);
        if (!out.isTensor() || opened->calls_.empty() || !proof_close(out.toTensor(), base_output)) return nullptr;
    } catch (const std::exception&) {
        return nullptr;  // Unsupported, or an operator that does not run outside the interpreter's own frame
    }
    return opened;
}

size_t OpenedModule::folded_batch_norms() const {
    size_t folded = 0;
    for (const ChangeOp& call : calls_) folded += call.folds_batch_norm() ? 1 : 0;
    return folded;
}

torch::Tensor OpenedModule::operator()(const torch::Tensor& x) const {
    size_t next_call = 0;
    return run(module_, "forward", {x}, false, next_call).toTensor();
}

OpenedModule::Covered OpenedModule::record_conv(const Link& link, const torch::jit::Node* node, const Module& module,
                                                const torch::jit::Value* self, const torch::Tensor& in,
                                                c10::IValue& out) const {
    Covered covers;
    Module batch_norm, relu;
    Folded folded;
    const torch::jit::Value* last = node->output();
    torch::Tensor base_out = out.toTensor().clone();
    const torch::jit::Node* bn = sole_call_on(last, module, self, "BatchNorm2d", &batch_norm);
    if (bn && ChangeOp::can_fold(batch_norm)) {
        const torch::Tensor normed = forward_tensor(batch_norm, out.toTensor());
        if (ChangeOp::folds(link, batch_norm, in, normed)) {
            covers.batch_norm = bn;
            folded.batch_norm = &batch_norm;
            last = bn->output();
            base_out = normed.clone();
            out = normed;
        }
    }
    if (const torch::jit::Node* r = sole_call_on(last, module, self, "ReLU", &relu)) {
        covers.relu = r;
        folded.relu = true;
        out = forward_tensor(relu, out.toTensor());  // may work in place: base_out is a copy
    }
    calls_.push_back(ChangeOp::conv(link, in, base_out, compute_, folded));
    return covers;
}

c10::IValue OpenedModule::run(const Module& module, const std::string& method, std::vector<c10::IValue> args,
                              bool recording, size_t& next_call) const {
    using torch::jit::Node;
    using torch::jit::Value;
    const std::shared_ptr<torch::jit::Graph> graph = module.get_method(method).graph();
    if (graph->inputs().size() != args.size() + 1) throw Unsupported{};
    Frame frame{module, graph->inputs()[0], recording, next_call, {}, {}, {}};
    frame.values[graph->inputs()[0]] = module._ivalue();
    for (size_t i = 0; i < args.size(); ++i) frame.values[graph->inputs()[i + 1]] = std::move(args[i]);
    // Each value is dropped after the last node that reads it, as TorchScript's interpreter does, so an opened
    // model holds no more activations at once than its own forward. A read inside a branch counts as a read by
    // the branching node.
    std::function<void(const torch::jit::Block*, const Node*)> note_readers = [&](const torch::jit::Block* block,
                                                                                  const Node* top) {
        for (const Node* node : block->nodes()) {
            const Node* reader = top ? top : node;
            for (const Value* input : node->inputs()) frame.last_reader[input] = reader;
            for (const torch::jit::Block* inner : node->blocks()) {
                note_readers(inner, reader);
                for (const Value* output : inner->outputs()) frame.last_reader[output] = reader;
            }
        }
    };
    note_readers(graph->block(), nullptr);
    for (const Value* output : graph->outputs()) frame.last_reader.erase(output);
    run_nodes(frame, graph->block());
    if (graph->outputs().size() != 1) throw Unsupported{};
    return frame.values.at(graph->outputs()[0]);
}

void OpenedModule::run_nodes(Frame& frame, const torch::jit::Block* block) const {
    using torch::jit::Node;
    using torch::jit::Value;
    auto& values = frame.values;
    auto& skipped = frame.skipped;
    const Module& module = frame.module;
    const bool recording = frame.recording;
    size_t& next_call = frame.next_call;
    for (const Node* node : block->nodes()) {
        const c10::Symbol kind = node->kind();
        if (skipped.count(node)) {
            // Its output was given at the convolution.
        } else if (kind == c10::prim::If) {
            // A branch on a flag the module holds (MobileNet's use_res_connect) takes the same side for every
            // input: the side this module takes runs here. A branch on data, or a loop, does not open.
            const torch::jit::Node* condition = node->input(0)->node();
            const bool fixed = condition->kind() == c10::prim::Constant ||
                               (condition->kind() == c10::prim::GetAttr && condition->input(0) == frame.self);
            if (!fixed || node->blocks().size() != 2) throw Unsupported{};
            const torch::jit::Block* taken = node->blocks()[values.at(node->input(0)).toBool() ? 0 : 1];
            run_nodes(frame, taken);
            if (taken->outputs().size() != node->outputs().size()) throw Unsupported{};
            for (size_t i = 0; i < node->outputs().size(); ++i) {
                values[node->outputs()[i]] = values.at(taken->outputs()[i]);
            }
        } else if (!node->blocks().empty()) {
            throw Unsupported{};  // prim::Loop and other nodes with blocks
        } else if (kind == c10::prim::Constant) {
            if (node->output()->type()->cast<c10::FunctionType>()) {
                values[node->output()] = c10::IValue();  // a function: prim::CallFunction finds it by its type
            } else {
                const c10::optional<c10::IValue> constant = torch::jit::toIValue(node->output());
                if (!constant) throw Unsupported{};
                values[node->output()] = *constant;
            }
        } else if (kind == c10::prim::GetAttr) {
            const c10::IValue& owner = values.at(node->input(0));
            if (!owner.isObject()) throw Unsupported{};
            values[node->output()] = owner.toObject()->getAttr(node->s(c10::attr::name));
        } else if (kind == c10::prim::CallMethod) {
            const c10::IValue& callee_value = values.at(node->input(0));
            if (!callee_value.isObject() || node->outputs().size() != 1) throw Unsupported{};
            const Module callee(callee_value.toObject());
            const std::string name = node->s(c10::attr::name);
            std::vector<c10::IValue> call_args;
            for (size_t i = 1; i < node->inputs().size(); ++i) call_args.push_back(values.at(node->input(i)));
            const std::string type = module_type(callee);
            c10::IValue out;
            bool given_at_conv = false;  // the output of the last call the convolution's op covers, instead
            // PyTorch's own Conv2d and Linear only: a user class of either name may do more in its forward.
            if (name == "forward" && (is_torch_nn(callee, "Conv2d") || is_torch_nn(callee, "Linear"))) {
                if (call_args.size() != 1 || !call_args[0].isTensor()) throw Unsupported{};
                if (recording) {
                    const torch::Tensor in = call_args[0].toTensor().clone();
                    out = callee.get_method(name)(call_args);
                    if (type == "Linear") {
                        calls_.push_back(ChangeOp::linear(callee, in, out.toTensor().clone(), compute_));
                        covers_.emplace_back();
                    } else {
                        const std::optional<Link> link = link_of("", callee);
                        if (!link) throw Unsupported{};  // padding other than zeros
                        covers_.push_back(record_conv(*link, node, module, frame.self, in, out));
                    }
                } else {
                    out = calls_.at(next_call)(call_args[0].toTensor());
                }
                // Per call, not per node: modules of one type share a graph but may fold differently.
                const Covered covers = covers_.at(next_call);
                ++next_call;
                if (const Node* last = covers.relu ? covers.relu : covers.batch_norm) {
                    if (covers.batch_norm) skipped.insert(covers.batch_norm);
                    if (covers.relu) skipped.insert(covers.relu);
                    values[last->output()] = std::move(out);
                    given_at_conv = true;
                }
            } else if (has_children(callee)) {
                out = run(callee, name, std::move(call_args), recording, next_call);
            } else {
                out = callee.get_method(name)(call_args);  // batch norm, ReLU: float32 as the model holds them
            }
            if (!given_at_conv) values[node->output()] = std::move(out);
        } else if (kind == c10::prim::CallFunction) {
            // A scripted function (F.adaptive_avg_pool2d in MobileNetV2) runs whole, as an operator does: it
            // holds no modules, so no Conv2d or Linear of the model runs inside it.
            const c10::FunctionTypePtr function = node->input(0)->type()->cast<c10::FunctionType>();
            if (!function || node->outputs().size() != 1) throw Unsupported{};
            torch::jit::Stack stack;
            for (size_t i = 1; i < node->inputs().size(); ++i) stack.push_back(values.at(node->input(i)));
            function->function()->run(stack);
            if (stack.size() != 1) throw Unsupported{};
            values[node->output()] = std::move(stack[0]);
        } else if (kind == c10::prim::ListConstruct || kind == c10::prim::TupleConstruct) {
            // Interpreter instructions rather than operators: built here.
            std::vector<c10::IValue> elements;
            for (const Value* input : node->inputs()) elements.push_back(values.at(input));
            if (kind == c10::prim::TupleConstruct) {
                values[node->output()] = c10::ivalue::Tuple::create(std::move(elements));
            } else {
                c10::impl::GenericList list(node->output()->type()->expectRef<c10::ListType>().getElementType());
                for (c10::IValue& element : elements) list.push_back(std::move(element));
                values[node->output()] = std::move(list);
            }
        } else if (kind == c10::prim::ListUnpack || kind == c10::prim::TupleUnpack) {
            const c10::IValue& packed = values.at(node->input(0));
            const std::vector<c10::IValue> elements =
                packed.isTuple() ? packed.toTuple()->elements().vec() : packed.toListRef().vec();
            if (elements.size() != node->outputs().size()) throw Unsupported{};
            for (size_t i = 0; i < elements.size(); ++i) values[node->outputs()[i]] = elements[i];
        } else {
            auto found = operations_.find(node);
            if (found == operations_.end()) {
                // An operator with variable arguments also wants their count on the stack, which only
                // TorchScript's interpreter pushes.
                const torch::jit::Operator* op = node->maybeOperator();
                if (!recording || !op || op->schema().is_vararg()) throw Unsupported{};
                found = operations_.emplace(node, node->getOperation()).first;
            }
            torch::jit::Stack stack;
            for (const Value* input : node->inputs()) stack.push_back(values.at(input));
            found->second(stack);
            if (stack.size() != node->outputs().size()) throw Unsupported{};
            for (size_t i = 0; i < stack.size(); ++i) values[node->outputs()[i]] = std::move(stack[i]);
        }
        for (const Value* input : node->inputs()) {
            const auto reader = frame.last_reader.find(input);
            if (reader != frame.last_reader.end() && reader->second == node) values.erase(input);
        }
    }
}

}  // namespace convscope::bench
