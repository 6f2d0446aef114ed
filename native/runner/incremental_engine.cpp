#include "incremental_engine.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "convscope/incremental.h"
#include "convscope/occlusion.h"
#include "patch_kernels.h"
#include "reduced_precision.h"

namespace convscope::bench {

namespace {

std::array<int64_t, 2> longs(const int32_t (&pair)[2]) { return {pair[0], pair[1]}; }

// A layer on regions that already hold its padding: its own operation with padding 0.
torch::Tensor apply_link(const Link& link, const torch::Tensor& weight, const torch::Tensor& bias,
                         const torch::Tensor& regions) {
    const std::array<int64_t, 2> zero{0, 0};
    const auto k = longs(link.geometry.kernel);
    const auto s = longs(link.geometry.stride);
    const auto d = longs(link.geometry.dilation);
    switch (link.kind) {
        case LinkKind::Conv: return torch::conv2d(regions, weight, bias, s, zero, d, link.groups);
        case LinkKind::MaxPool: return torch::max_pool2d(regions, k, s, zero, d, false);
        case LinkKind::AvgPool: return torch::avg_pool2d(regions, k, s, zero, false, true);
        case LinkKind::Pointwise: break;
    }
    return link.forward(regions);
}

}  // namespace

IncrementalScorer::IncrementalScorer(std::shared_ptr<const ChainDecomposition> chain, const EngineInputs& in)
    : ChainScorer(std::move(chain), in.batch, in.grid->count()), window_count_(in.grid->count()), device_(in.device) {}

torch::Tensor IncrementalScorer::apply(size_t l, const torch::Tensor& regions) const {
    return apply_link(chain_->links()[l], weights_[l], biases_[l], regions);
}

torch::Tensor IncrementalScorer::padded_base(size_t l, const torch::Tensor& input) const {
    const double pad_value =
        chain_->links()[l].kind == LinkKind::MaxPool ? -std::numeric_limits<double>::infinity() : 0.0;
    return channels_last(torch::constant_pad_nd(input.to(torch::kFloat), pads_[l], pad_value));
}

void IncrementalScorer::use_reduced_precision(torch::ScalarType compute) {
    ChainScorer::use_reduced_precision(compute);
    // A patch convolution computes on its regions' changes (written by cs_region_changes_* in the compute type)
    // and adds the unoccluded output at its patch back (cs_rebase_patches); the bases stay the exact float32 ones.
    const std::vector<Link>& links = chain_->links();
    change_buffers_.resize(links.size());
    for (size_t l = 0; l < incremental_; ++l) {
        if (links[l].kind != LinkKind::Conv || !reduced_->changes_link(l)) continue;
        change_buffers_[l] = torch::empty_like(region_buffers_[l], region_buffers_[l].options().dtype(compute),
                                               torch::MemoryFormat::ChannelsLast);
        region_buffers_[l] = torch::Tensor();  // this layer no longer gathers values
    }
    // Where the first full layer computes on changes too, the switch writes its input's changes straight away:
    // the last patch minus the base inside it, 0 elsewhere (what pasting into the base and subtracting it gives),
    // in the compute type, without the float32 full tensor.
    if (incremental_ < links.size() && links[incremental_].kind == LinkKind::Conv &&
        reduced_->changes_link(incremental_)) {
        switch_changes_ = torch::empty({batch_, switch_base_.size(1), switch_base_.size(2), switch_base_.size(3)},
                                       switch_base_.options().dtype(compute).memory_format(
                                           torch::MemoryFormat::ChannelsLast));
        full_buffer_ = torch::Tensor();
    }
}

torch::Tensor IncrementalScorer::chain_output(int64_t from, int64_t to) {
    const PatchKernels kernels{device_.cuda, cuda_stream(device_)};
    const std::vector<Link>& links = chain_->links();
    const int64_t n = to - from;
    torch::Tensor patch;
    for (size_t l = 0; l < incremental_; ++l) {
        const Link& link = links[l];
        if (link.kind == LinkKind::Pointwise && l > 0) {
            patch = link.forward(patch);
            continue;
        }
        const cs_patch_place* at = place_at(places_, static_cast<int64_t>(l) * window_count_ + from);
        const torch::Tensor incoming = l == 0 ? torch::Tensor() : channels_last(patch);
        if (reduced_ && link.kind == LinkKind::Conv && reduced_->changes_link(l)) {
            torch::Tensor changes = change_buffers_[l].narrow(0, 0, n);
            kernels.region_changes(padded_bases_[l], l == 0 ? nullptr : &incoming, fill_, at, changes);
            // The batch norm and ReLU the op covers are applied with it (the plan never ends patches at a
            // point-wise link, so they are all on patches).
            patch = reduced_->conv_patches(
                l, changes, place_at(patch_places_, static_cast<int64_t>(l) * window_count_ + from));
            l += reduced_->links_covered(l) - 1;
            if (l >= incremental_) throw std::logic_error("the incremental plan ended patches at a point-wise link");
            continue;
        }
        torch::Tensor regions = region_buffers_[l].narrow(0, 0, n);
        kernels.gather(padded_bases_[l], at, regions);
        if (l == 0) {
            kernels.fill(fill_, at, regions);
        } else {
            kernels.paste(incoming, at, regions);
        }
        patch = apply(l, regions);
    }
    const cs_patch_place* at = place_at(switch_places_, from);
    const torch::Tensor incoming = channels_last(patch);
    if (switch_changes_.defined()) {
        torch::Tensor changes = switch_changes_.narrow(0, 0, n);
        kernels.region_changes(switch_base_, &incoming, fill_, at, changes);
        return reduced_->run_links_on_changes(incremental_, changes);
    }
    torch::Tensor full = full_buffer_.narrow(0, 0, n);
    kernels.gather(switch_base_, at, full);
    kernels.paste(incoming, at, full);
    if (incremental_ == links.size()) {
        return full.clone();  // the buffer is rewritten by the next chunk
    }
    return run_links(incremental_, full);
}

std::shared_ptr<IncrementalScorer> IncrementalScorer::plan(std::shared_ptr<const ChainDecomposition> chain,
                                                           const EngineInputs& in, double full_fraction) {
    const std::vector<Link>& links = chain->links();
    const size_t count = links.size();
    const WindowGrid& grid = *in.grid;

    // The plan: cs_plan_incremental with the chain's layers as they ran on the unoccluded input.
    std::vector<cs_chain_layer> layers(count);
    for (size_t l = 0; l < count; ++l) {
        const Link& link = links[l];
        const Geometry g = link.kind == LinkKind::Pointwise ? Geometry{} : link.geometry;
        const torch::Tensor& input = chain->base_input(l);
        const torch::Tensor& output = chain->base_output(l);
        cs_chain_layer& layer = layers[l];
        layer.kind = static_cast<int32_t>(link.kind);
        for (int a = 0; a < 2; ++a) {
            layer.kernel[a] = g.kernel[a];
            layer.stride[a] = g.stride[a];
            layer.padding[a] = g.padding[a];
            layer.dilation[a] = g.dilation[a];
            layer.in_size[a] = static_cast<int32_t>(input.size(2 + a));
            layer.out_size[a] = static_cast<int32_t>(output.size(2 + a));
        }
        layer.in_channels = static_cast<int32_t>(input.size(1));
        layer.out_channels = static_cast<int32_t>(output.size(1));
        layer.groups = link.groups;
    }
    const int64_t windows = grid.count();
    std::vector<cs_layer_plan> plans(count);
    std::vector<cs_patch_place> places(count * static_cast<size_t>(windows));
    int32_t incremental = 0;
    const int status = cs_plan_incremental(layers.data(), static_cast<int32_t>(count),
                                           static_cast<int32_t>(grid.height), static_cast<int32_t>(grid.width),
                                           grid.windows.data(), windows, full_fraction, plans.data(), places.data(),
                                           &incremental);
    if (status != CS_OK) {
        throw std::runtime_error(std::string("cannot plan the incremental run: ") + cs_status_message(status));
    }
    if (incremental == 0) {
        throw NotApplicable("a window changes more than " + std::to_string(std::llround(full_fraction * 100)) +
                            "% of the first layer's output, so patches gain nothing");
    }
    std::shared_ptr<IncrementalScorer> b(new IncrementalScorer(chain, in));
    b->incremental_ = static_cast<size_t>(incremental);
    b->weights_.resize(count);
    b->biases_.resize(count);
    for (size_t l = 0; l < count; ++l) {
        if (links[l].kind == LinkKind::Conv) {
            b->weights_[l] = links[l].parameter("weight");
            b->biases_[l] = links[l].parameter("bias");
        }
    }

    // Each patch layer's padded base input, proved against the module's own output.
    const auto options = torch::TensorOptions().device(in.device.device).dtype(torch::kFloat);
    b->padded_bases_.resize(count);
    b->region_buffers_.resize(count);
    b->pads_.resize(count);
    for (size_t l = 0; l < b->incremental_; ++l) {
        const Link& link = links[l];
        if (link.kind == LinkKind::Pointwise && l > 0) continue;
        const cs_layer_plan& plan = plans[l];
        b->pads_[l] = {plan.pad_before[1], plan.pad_after[1], plan.pad_before[0], plan.pad_after[0]};
        torch::Tensor padded = b->padded_base(l, chain->base_input(l));
        if (link.kind != LinkKind::Pointwise &&
            !proof_close(apply_link(link, b->weights_[l], b->biases_[l], padded), chain->base_output(l))) {
            throw NotApplicable(link.path + " (" + link.type + ") computes something else than its padded form: "
                                "its options are not ones convscope can reproduce on patches");
        }
        b->padded_bases_[l] = padded;
        b->region_buffers_[l] = torch::empty({in.batch, chain->base_input(l).size(1), plan.region[0], plan.region[1]},
                                             options.memory_format(torch::MemoryFormat::ChannelsLast));
    }

    const bool all_patches = b->incremental_ == count;
    b->switch_base_ = channels_last(all_patches ? chain->base_output(count - 1) : chain->base_input(b->incremental_));
    b->full_buffer_ = torch::empty({in.batch, b->switch_base_.size(1), b->switch_base_.size(2),
                                    b->switch_base_.size(3)},
                                   options.memory_format(torch::MemoryFormat::ChannelsLast));
    std::vector<cs_patch_place> switch_places(static_cast<size_t>(windows));
    if (all_patches) {
        // Places that paste the last layer's patches into the chain's full output.
        const cs_layer_plan& last = plans[count - 1];
        for (size_t n = 0; n < static_cast<size_t>(windows); ++n) {
            const cs_patch_place& p = places[(count - 1) * static_cast<size_t>(windows) + n];
            cs_patch_place& q = switch_places[n];
            q = cs_patch_place{};
            q.paste_top = p.patch_top;
            q.paste_left = p.patch_left;
            q.paste_height = last.patch[0];
            q.paste_width = last.patch[1];
        }
    } else {
        std::copy_n(places.begin() + static_cast<std::ptrdiff_t>(b->incremental_ * static_cast<size_t>(windows)),
                    windows, switch_places.begin());
    }
    // The same places with each output patch's corner as the corner to gather: the base output at the patch.
    std::vector<cs_patch_place> patch_places(places.size());
    for (size_t k = 0; k < places.size(); ++k) {
        patch_places[k] = cs_patch_place{};
        patch_places[k].region_top = places[k].patch_top;
        patch_places[k].region_left = places[k].patch_left;
    }
    b->places_ = place_tensor(places, in.device.device);
    b->patch_places_ = place_tensor(patch_places, in.device.device);
    b->switch_places_ = place_tensor(switch_places, in.device.device);
    b->fill_ = torch::from_blob(const_cast<float*>(in.fill.data()), {static_cast<int64_t>(in.fill.size())},
                                torch::kFloat)
                   .clone()
                   .to(in.device.device);
    for (const cs_layer_plan& plan : plans) {
        b->chain_full_macs_ += plan.full_macs;
        b->chain_planned_macs_ += plan.planned_macs;
    }
    const size_t inc = b->incremental_;
    b->description_ = "patches through " + links[0].path + (inc > 1 ? ".." + links[inc - 1].path : "") +
                      (inc < count ? ", full tensors from " + links[inc].path : ", full tensors after the chain");
    return b;
}

}  // namespace convscope::bench
