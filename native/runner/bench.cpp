#include "bench.h"

#include <torch/version.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <string>

#include "cuda_graph.h"
#include "json_line.h"
#include "scoring.h"

namespace convscope::bench {

namespace {

// AlexNet's cost per 224x224 image: 714 M multiply-adds (DESIGN.md §5), scaled by input area for other sizes.
constexpr double kAlexnetGflop = 1.43;
constexpr int kMatmulRuns = 5;

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// GFLOP/s of an n x n float32 product on the run's device, median of kMatmulRuns after one warm-up.
double matmul_gflops(int64_t n, const DeviceChoice& device) {
    const auto options = torch::TensorOptions().device(device.device).dtype(torch::kFloat);
    torch::Tensor a = torch::randn({n, n}, options);
    torch::Tensor b = torch::randn({n, n}, options);
    torch::mm(a, b);
    synchronize(device);
    std::vector<double> rates;
    for (int r = 0; r < kMatmulRuns; ++r) {
        auto t0 = std::chrono::steady_clock::now();
        torch::Tensor c = torch::mm(a, b);
        synchronize(device);
        rates.push_back(2.0 * static_cast<double>(n * n) * static_cast<double>(n) / seconds_since(t0) / 1e9);
    }
    return median(rates);
}

// The baseline: windows 0 .. count-1, each occluded with plain LibTorch calls and scored by its own forward (the
// full engine's, in the run's precision).
std::vector<float> loop_scores(const PreparedRun& run, int64_t count) {
    const Options& o = *run.options;
    std::vector<float> out;
    for (int64_t k = 0; k < count; ++k) {
        const cs_window& w = run.inputs.grid->windows[static_cast<size_t>(k)];
        torch::Tensor x = run.inputs.image.clone();
        x.narrow(2, w.top, w.height).narrow(3, w.left, w.width).fill_(o.fill);
        out.push_back(scores_of(run.chosen->full->image_output(x), run.scoring)[0]);
    }
    return out;
}

// Windows per second of one whole-grid pass of an engine, and its map.
double time_engine(ChunkScorer& scorer, const PreparedRun& run, std::vector<float>* scores = nullptr) {
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<float> s = score_windows(scorer, run.inputs.grid->count(), run.scoring);
    const double rate = static_cast<double>(run.inputs.grid->count()) / seconds_since(t0);
    if (scores) *scores = std::move(s);
    return rate;
}

// How far a replayed graph's map may be from the eager pass's, over the map's largest value: the same kernels on
// the same inputs give the same bytes, but were cuDNN to pick another algorithm while capturing, bfloat16 results
// could round the other way. A graph that left work out scores unwritten memory, which this catches.
constexpr double kGraphTolerance = 1e-3;

// The chosen engine's whole pass captured as a CUDA graph (CapturedPass) and replayed, timed as the eager passes
// are (scores back on the host included).
struct GraphRun {
    double windows_per_s = std::nan("");
    double map_difference = std::nan("");  // the largest difference of its map from the eager pass's
    std::string failure;                   // why it could not be captured or was not right; empty when it was
};

GraphRun time_graph(ChunkScorer& scorer, const PreparedRun& run, double map_largest) {
    GraphRun g;
    const int64_t count = run.inputs.grid->count();
    try {
        std::unique_ptr<CapturedPass> pass = CapturedPass::capture(
            [&] { return device_scores(scorer, count, run.scoring); }, run.inputs.device);
        const std::vector<float> scores = to_host(pass->replay());
        g.map_difference = 0;
        for (size_t k = 0; k < scores.size(); ++k) {
            const double cell = static_cast<double>(run.base_score) - scores[k];
            const double diff = std::fabs(cell - run.map[k]);
            g.map_difference = std::isnan(diff) ? diff : std::max(g.map_difference, diff);
            if (std::isnan(diff)) break;
        }
        if (!(g.map_difference <= kGraphTolerance * std::max(map_largest, 1e-30))) {
            g.failure = "the replayed graph's map is not the eager pass's (largest difference " +
                        std::to_string(g.map_difference) + ")";
            return g;
        }
        std::vector<double> rates;
        for (int r = 0; r < run.options->repeat; ++r) {
            const auto t0 = std::chrono::steady_clock::now();
            to_host(pass->replay());
            rates.push_back(static_cast<double>(count) / seconds_since(t0));
        }
        g.windows_per_s = median(rates);
    } catch (const std::exception& e) {
        g.failure = first_line(e);
    }
    return g;
}

}  // namespace

void run_benchmark(const PreparedRun& run) {
    const Options& o = *run.options;
    const WindowGrid& grid = *run.inputs.grid;
    const DeviceChoice& device = run.inputs.device;
    const EngineUse& use = run.chosen->use;
    const double gflop_per_window = kAlexnetGflop * static_cast<double>(grid.height * grid.width) / (224.0 * 224.0);
    const int64_t loop_count = std::min(o.loop_windows, grid.count());

    // The full engine beside the chosen one; its first (untimed, warm-up) pass gives the map to compare with.
    ChunkScorer* full = run.chosen->full.get();
    std::vector<float> full_map = run.map;
    if (use.incremental) {
        std::vector<float> scores;
        time_engine(*full, run, &scores);
        for (size_t k = 0; k < scores.size(); ++k) full_map[k] = run.base_score - scores[k];
    }
    double map_difference = 0, map_largest = 0;
    for (size_t k = 0; k < full_map.size(); ++k) {
        map_difference = std::max(map_difference, std::fabs(static_cast<double>(run.map[k]) - full_map[k]));
        map_largest = std::max(map_largest, std::fabs(static_cast<double>(full_map[k])));
    }
    loop_scores(run, 1);  // warm-up of the one-image path

    // Rounds interleave the measurements, so load from other processes hits all of them alike; ratios are taken
    // per round and their medians reported.
    std::vector<double> matmuls, engines, fulls, loops, versus_full, versus_loop, fractions;
    double loop_max_diff = 0;
    for (int r = 0; r < o.repeat; ++r) {
        matmuls.push_back(matmul_gflops(o.matmul_n, device));
        engines.push_back(time_engine(*run.chosen->scorer, run));
        fulls.push_back(use.incremental ? time_engine(*full, run) : engines.back());
        auto t0 = std::chrono::steady_clock::now();
        const std::vector<float> looped = loop_scores(run, loop_count);
        loops.push_back(static_cast<double>(loop_count) / seconds_since(t0));
        for (int64_t k = 0; k < loop_count; ++k) {
            const double diff = std::fabs(static_cast<double>(run.base_score - looped[static_cast<size_t>(k)]) -
                                          run.map[static_cast<size_t>(k)]);
            loop_max_diff = std::max(loop_max_diff, diff);
        }
        versus_full.push_back(engines.back() / fulls.back());
        versus_loop.push_back(engines.back() / loops.back());
        fractions.push_back(engines.back() * gflop_per_window / matmuls.back());
        JsonLine()
            .add("bench", "occlusion-round")
            .add("round", r)
            .add("matmul_gflops", matmuls.back())
            .add("engine_windows_per_s", engines.back())
            .add("full_windows_per_s", fulls.back())
            .add("loop_windows_per_s", loops.back())
            .print();
    }
    const double matmul = median(matmuls), engine = median(engines), full_rate = median(fulls),
                 loop = median(loops), speedup_vs_full = median(versus_full);
    const int64_t batch = run.inputs.batch;
    JsonLine().add("bench", "matmul").add("n", o.matmul_n).add("device", device.name()).add("gflops", matmul).print();
    JsonLine()
        .add("bench", "occlusion").add("variant", "engine").add("engine", use.name()).add("windows", grid.count())
        .add("batch", batch).add("windows_per_s", engine).add("gflops", engine * gflop_per_window)
        .print();
    JsonLine()
        .add("bench", "occlusion").add("variant", "full").add("engine", "full").add("windows", grid.count())
        .add("batch", batch).add("windows_per_s", full_rate).add("gflops", full_rate * gflop_per_window)
        .print();
    JsonLine()
        .add("bench", "occlusion").add("variant", "loop").add("windows", loop_count).add("batch", int64_t{1})
        .add("windows_per_s", loop).add("gflops", loop * gflop_per_window)
        .add_score("max_abs_diff_vs_engine", loop_max_diff)
        .print();
    JsonLine()
        .add("bench", "occlusion-summary")
        .add("runner", "cpp")
        .add("model", run.model_name)
        .add("input", run.input)
        .add("window", to_string(o.window))
        .add("stride", to_string(o.stride))
        .add("windows", grid.count())
        .add("grid", std::to_string(grid.rows()) + "x" + std::to_string(grid.cols()))
        .add("batch", batch)
        .add("device", device.name())
        .add("precision", to_string(o.precision))
        .add("precision_note", run.chosen->scorer->precision_note())
        .add("threads", run.inputs.threads)
        .add("kernels_on_torch_threads", kernels_on_torch_threads())
        .add("retains_freed_memory", run.retains_freed_memory)
        .add("engine", use.name())
        .add("engine_note", use.note)
        .add("engine_windows_per_s", engine)
        .add("full_windows_per_s", full_rate)
        .add("loop_windows_per_s", loop)
        .add("rounds", o.repeat)
        .add("speedup_vs_full", speedup_vs_full)
        .add("counted_speedup", use.counted_speedup())
        .add("fraction_of_counted_saving", speedup_vs_full / use.counted_speedup())
        .add_score("map_max_abs_difference", map_difference)
        .add_score("map_max_abs_value", map_largest)
        .add_score("map_max_abs_difference_vs_fp32", run.vs_fp32)
        .add_score("map_relative_difference_vs_fp32", run.fp32_largest > 0 ? run.vs_fp32 / run.fp32_largest : 0.0)
        .add("engine_setup_ms", run.setup_ms)
        .add("speedup_vs_loop", median(versus_loop))
        .add("engine_gflops", engine * gflop_per_window)
        .add("matmul_gflops", matmul)
        .add("fraction_of_matmul", median(fractions))
        .add("gflop_per_window", gflop_per_window)
        .add("torch", TORCH_VERSION)
        .print();

    // On CUDA, last, after the summary: what the graph's capture does to the process (it is new to every GPU it
    // meets) cannot take the eager measurements with it.
    if (device.cuda) {
        const GraphRun graph = time_graph(*run.chosen->scorer, run, map_largest);
        JsonLine()
            .add("bench", "occlusion-graph")
            .add("engine", use.name())
            .add("windows", grid.count())
            .add("batch", batch)
            .add("graph_windows_per_s", graph.windows_per_s)
            .add_score("graph_map_max_abs_difference", graph.map_difference)
            .add("graph_note", graph.failure)
            .print();
    }
}

}  // namespace convscope::bench
