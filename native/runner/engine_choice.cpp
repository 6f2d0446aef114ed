#include "engine_choice.h"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <utility>

#include "convscope/incremental.h"
#include "errors.h"
#include "full_engine.h"
#include "incremental_engine.h"

namespace convscope::bench {

namespace {

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

}  // namespace convscope::bench
