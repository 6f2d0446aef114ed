// Which engine scores a grid, chosen as the Java side chooses (io.convscope.occlusion.OcclusionEngine).
#ifndef CONVSCOPE_RUNNER_ENGINE_CHOICE_H
#define CONVSCOPE_RUNNER_ENGINE_CHOICE_H

#include <torch/script.h>

#include <cstdint>
#include <memory>
#include <string>

#include "engines.h"
#include "options.h"

namespace convscope::bench {

// Which engine computed a map, and why (io.convscope.occlusion.EngineUse).
struct EngineUse {
    bool incremental = false;
    int64_t full_macs = -1;    // counted multiply-adds per window of the full engine; -1 when not countable
    int64_t engine_macs = -1;  // the same for the engine that runs
    std::string note;          // how far the incremental engine went, or why the full one runs

    const char* name() const { return incremental ? "incremental" : "full"; }
    // Full work over this engine's work; 1 for the full engine or unknown counts.
    double counted_speedup() const;
};

struct EngineChoice {
    EngineUse use;
    std::shared_ptr<ChunkScorer> scorer;  // the engine that runs
    std::shared_ptr<ChunkScorer> full;    // the full engine as this model runs it (scorer itself when it is)
};

// Whether the model's output for an image depends on the other images in its batch (BatchDependence on the JVM):
// a batch norm without running statistics normalises by the batch's own, even in eval mode, so occluded copies
// run together would change each other's scores. The image is scored beside a zero image; its row must be
// model_output (its output alone) within kProofTolerance. A model that does not take two images at once is
// batch-dependent too.
bool output_depends_on_batch(Module& model, const torch::Tensor& image, const torch::Tensor& model_output);

// OcclusionEngine.chooseEngine: Full runs the full engine; Incremental the incremental one, or a UsageError
// saying why it cannot; Auto the incremental one where it applies and its counted saving (whole-model
// multiply-adds per window) reaches cs_incremental_min_speedup(), else the full one. model_output is the
// model's own output for the image. A batch-dependent model runs whole, one window at a time (in.batch must be
// 1), by the full engine; the incremental engine is refused for it.
EngineChoice choose_engine(EngineRequest request, const EngineInputs& in, const torch::Tensor& model_output,
                           bool batch_dependent);

}  // namespace convscope::bench

#endif
