// The timed part of convscope-bench: the chosen engine against the full engine, a loop of one forward pass per
// window and a float32 matmul, in interleaved rounds, reported as JSON lines (DESIGN.md §5).
#ifndef CONVSCOPE_RUNNER_BENCH_H
#define CONVSCOPE_RUNNER_BENCH_H

#include <string>
#include <vector>

#include "engine_choice.h"
#include "options.h"
#include "scoring.h"

namespace convscope::bench {

// A prepared run: what the untimed first pass computed.
struct PreparedRun {
    const Options* options;
    EngineInputs inputs;
    EngineChoice* chosen;     // the engine that made the map
    std::vector<float> map;   // s(x) - s(x occluded), grid order
    float base_score;
    Scoring scoring;          // what each window's score is
    double setup_ms;          // choosing and preparing the engine
    double vs_fp32;           // a lower precision's largest difference from the fp32 map (0 for fp32)
    double fp32_largest;      // the fp32 map's largest magnitude (0 for fp32)
    std::string model_name;   // the model file's name
    std::string input;        // "CxHxW"
    bool retains_freed_memory;  // the C heap keeps what LibTorch frees (convscope/memory.h)
};

// Times the engines and prints the round, matmul, occlusion and summary lines.
void run_benchmark(const PreparedRun& run);

}  // namespace convscope::bench

#endif
