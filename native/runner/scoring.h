// What a window's score is, and the scores and map of a whole grid from an engine.
#ifndef CONVSCOPE_RUNNER_SCORING_H
#define CONVSCOPE_RUNNER_SCORING_H

#include <torch/script.h>

#include <cstdint>
#include <vector>

#include "engines.h"
#include "options.h"

namespace convscope::bench {

// What one output row is scored by: `kind` of class `target`, or for Similarity the cosine similarity to
// `reference` (the unoccluded output, 1 x D, on the outputs' device), for which `target` does not apply.
struct Scoring {
    ScoreKind kind = ScoreKind::Prob;
    int64_t target = 0;
    torch::Tensor reference;
};

// The score of each row of a model's outputs, as floats on the host.
std::vector<float> scores_of(const torch::Tensor& outputs, const Scoring& scoring);

// The scores of every window of the grid, in grid order, the scorer's windows_per_call() at a time, as one
// float32 tensor on the run's device (queued there, not waited for).
torch::Tensor device_scores(ChunkScorer& scorer, int64_t count, const Scoring& scoring);

// The same on the host: one copy when the last chunk is done.
std::vector<float> score_windows(ChunkScorer& scorer, int64_t count, const Scoring& scoring);

// A float32 tensor's values on the host.
std::vector<float> to_host(const torch::Tensor& scores);

// The occlusion map in grid order: base - the score of each window.
std::vector<float> occlusion_map(ChunkScorer& scorer, int64_t count, const Scoring& scoring, float base);

}  // namespace convscope::bench

#endif
