#include "scoring.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace convscope::bench {

namespace {

// The score of each row of a model's outputs, on the outputs' device (a tensor of its own, never a view of them).
torch::Tensor row_scores(const torch::Tensor& outputs, const Scoring& scoring) {
    torch::Tensor rows = outputs.dim() == 2 ? outputs : outputs.reshape({outputs.size(0), -1});
    rows = rows.to(torch::kFloat);
    switch (scoring.kind) {
        case ScoreKind::Prob: return rows.softmax(1).select(1, scoring.target).clone();
        case ScoreKind::Logit: return rows.select(1, scoring.target).clone();
        case ScoreKind::LogProb: return rows.log_softmax(1).select(1, scoring.target).clone();
        case ScoreKind::Similarity:
            // The same eps as the JVM's torch.cosine_similarity call, so both sides compute one formula.
            return torch::cosine_similarity(rows, scoring.reference.to(torch::kFloat).reshape({1, -1}), 1, 1e-8);
    }
    throw std::logic_error("unknown score kind");
}

}  // namespace

std::vector<float> to_host(const torch::Tensor& scores) {
    const torch::Tensor s = scores.contiguous().cpu();
    std::vector<float> out(static_cast<size_t>(s.numel()));
    std::memcpy(out.data(), s.data_ptr<float>(), out.size() * sizeof(float));
    return out;
}

std::vector<float> scores_of(const torch::Tensor& outputs, const Scoring& scoring) {
    return to_host(row_scores(outputs, scoring));
}

torch::Tensor device_scores(ChunkScorer& scorer, int64_t count, const Scoring& scoring) {
    std::vector<torch::Tensor> chunks;
    const int64_t step = scorer.windows_per_call();
    for (int64_t from = 0; from < count; from += step) {
        const int64_t to = std::min(count, from + step);
        torch::Tensor outputs = scorer.outputs(from, to);
        if (outputs.dim() < 1 || outputs.size(0) != to - from) {
            throw std::runtime_error("the model must return one row of scores per window; for " +
                                     std::to_string(to - from) + " windows it returned shape " +
                                     c10::str(outputs.sizes()));
        }
        chunks.push_back(row_scores(outputs, scoring));
    }
    if (chunks.empty()) throw std::logic_error("a grid without windows");
    return chunks.size() == 1 ? chunks[0] : torch::cat(chunks);
}

std::vector<float> score_windows(ChunkScorer& scorer, int64_t count, const Scoring& scoring) {
    // Each chunk's scores stay on its device and come back together at the end: a copy to the host per chunk
    // would make the host wait for the device, and the device then waits while the next chunk is queued.
    return to_host(device_scores(scorer, count, scoring));
}

std::vector<float> occlusion_map(ChunkScorer& scorer, int64_t count, const Scoring& scoring, float base) {
    std::vector<float> map = score_windows(scorer, count, scoring);
    for (float& v : map) v = base - v;
    return map;
}

}  // namespace convscope::bench
