// convscope-bench: the occlusion engines of convscope as a plain C++/LibTorch program, and their benchmark.
//
// It computes a `grid` occlusion map the way the Java engine does (DESIGN.md §4): windows at 0, s, 2s, ... while
// they fit plus one flush with the far edge when the steps miss it, scored by the full engine (the occluded
// copies of a chunk written by cs_occlude_batch_* straight into the chunk tensor's memory) or the exact
// incremental engine (patches carried through the model's leading chain, convscope/incremental.h), chosen by
// --engine as the Java side chooses; softmax and target selection run on the tensor; one float per window is
// read back. --precision tf32|bf16 then scores the map again in that arithmetic and reports its difference from
// the fp32 one. Then it times that engine against the full engine, a loop of one forward pass per window and a
// 2048x2048 float32 matmul, in interleaved rounds, and prints JSON lines in the vocabulary of DESIGN.md §5.
// `--map F.npy` writes the map and `--input-npy X.npy` reads the input, for comparison with the Java side.
//
// Files: options (the command line), grid (the windows), npy and json_line (files and output lines), torch_glue
// (device, stream, errors), chain (the model's module tree: leading chain and multiply-adds), engines,
// full_engine and incremental_engine (the engines), engine_choice (which one runs), scoring (scores and the map),
// reduced_precision, change_op, opened_module and rebase (below float32), patch_kernels (our kernels on tensors),
// bench and cuda_graph (the timed rounds), and this one (the run).
//
// Exit codes: 0 success, 2 usage error (bad option or size, missing model or input file, an engine that does
// not apply), 1 runtime failure (a model that does not load or run, no CUDA device). Every failure is one line
// on stderr.
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <torch/script.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "convscope/grid.h"
#include "convscope/memory.h"

#include "bench.h"
#include "engine_choice.h"
#include "errors.h"
#include "grid.h"
#include "json_line.h"
#include "npy.h"
#include "options.h"
#include "scoring.h"
#include "torch_glue.h"

namespace convscope::bench {

namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

int run(const Options& o) {
    // Chunks repeat their shapes: the heap keeps what LibTorch frees, so the next chunk reuses it rather than
    // have fresh pages faulted in and zeroed (convscope/memory.h). The PyTorch baseline of gpu-check.sh runs
    // under the same policy.
    const bool retains_freed_memory = cs_retain_freed_memory() == 1;
    int64_t channels = o.channels, height = o.height, width = o.width;
    NpyImage npy;
    if (!o.input_npy.empty()) {
        npy = read_npy_image(o.input_npy);
        channels = npy.channels;
        height = npy.height;
        width = npy.width;
    }
    const WindowGrid grid = make_grid(height, width, o.window, o.stride);
    if (!std::filesystem::is_regular_file(o.model)) {
        throw UsageError("model file " + o.model + " does not exist; pass a TorchScript file with --model");
    }
    if (!o.map_path.empty()) {
        std::filesystem::path parent = std::filesystem::absolute(o.map_path).parent_path();
        if (!std::filesystem::is_directory(parent)) {
            throw UsageError("the folder of --map " + o.map_path + " does not exist; create it first");
        }
    }
    const DeviceChoice device = choose_device(o.cuda);
    // Default: every core. LibTorch's own default follows OpenMP's, which can be 1 in a container.
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    at::set_num_threads(o.threads > 0 ? o.threads : static_cast<int>(cores));
    const int threads = at::get_num_threads();

    torch::jit::script::Module model;
    try {
        model = torch::jit::load(o.model, device.device);
    } catch (const c10::Error& e) {
        throw std::runtime_error("cannot load " + o.model + " as TorchScript: " + first_line(e));
    }
    model.eval();
    c10::InferenceMode inference;  // no autograd bookkeeping for anything below

    torch::Tensor host_image;
    if (!o.input_npy.empty()) {
        host_image = torch::from_blob(npy.values.data(), {channels, height, width}, torch::kFloat).clone();
    } else if (o.constant_input) {
        host_image = torch::full({channels, height, width}, o.constant_value, torch::kFloat);
    } else {
        at::Generator gen = at::detail::createCPUGenerator(o.seed);
        host_image = at::randn({channels, height, width}, gen, torch::kFloat);
    }
    const torch::Tensor image = host_image.unsqueeze(0).to(device.device).contiguous();

    c10::IValue out;
    try {
        out = model.forward({image});
    } catch (const c10::OutOfMemoryError&) {
        throw;  // not the input's fault
    } catch (const std::bad_alloc&) {
        throw;
    } catch (const std::exception& e) {
        // The usual cause is an input size the model does not take (a head sized for another input).
        throw std::runtime_error("the model fails on a " + std::to_string(channels) + "x" + std::to_string(height) +
                                 "x" + std::to_string(width) + " input (" + first_line(e) +
                                 "); if it takes another size, give that with --input or --input-npy");
    }
    if (!out.isTensor()) {
        throw std::runtime_error("the model must return one tensor of class scores, got " + out.tagKind());
    }
    const torch::Tensor base_logits = out.toTensor();
    if (base_logits.dim() != 2 || base_logits.size(0) != 1) {
        throw std::runtime_error("the model must return batch x classes scores; for a batch of 1 it returned "
                                 "shape " + c10::str(base_logits.sizes()));
    }
    const int64_t classes = base_logits.size(1);
    const bool similarity = o.score == ScoreKind::Similarity;  // --target with it is refused by parse_options
    const int64_t target = similarity ? -1 : o.target >= 0 ? o.target : base_logits.argmax(1).item<int64_t>();
    if (target >= classes) {
        throw UsageError("--target " + std::to_string(target) + " is not a class of this model, which has " +
                         std::to_string(classes) + " (0.." + std::to_string(classes - 1) + ")");
    }
    Scoring scoring{o.score, target, similarity ? base_logits.detach().clone() : torch::Tensor()};
    // An output's similarity to itself is 1 by definition: exact, as on the JVM, not cos computed in float.
    float base = similarity ? 1.0f : scores_of(base_logits, scoring)[0];

    int64_t batch = o.batch > 0 ? o.batch : cs_chunk_windows(grid.count(), channels, height, width, device.cuda ? 1 : 0);
    batch = std::min(batch, grid.count());
    const bool batch_dependent = output_depends_on_batch(model, image, base_logits);
    if (batch_dependent) batch = 1;

    const EngineInputs inputs{&model, image, &grid, std::vector<float>(static_cast<size_t>(channels), o.fill),
                              device, threads, batch};
    const auto setup_start = std::chrono::steady_clock::now();
    EngineChoice chosen = choose_engine(o.engine, inputs, base_logits, batch_dependent);
    const double setup_ms = ms_since(setup_start);
    measure_cudnn_algorithms(device);

    // The map, from the first (untimed, warm-up) engine run: cell (i, j) = s(x) - s(x occluded at (i, j)).
    // Engines are chosen and proved in float32; a lower precision then scores the map again, base score
    // included, and reports its largest difference from the exact map. TF32 on the CPU is float32 itself.
    std::vector<float> map = occlusion_map(*chosen.scorer, grid.count(), scoring, base);
    double vs_fp32 = 0, fp32_largest = 0;
    if (o.precision == Precision::Bf16 || (o.precision == Precision::Tf32 && device.cuda)) {
        const std::vector<float> exact = map;
        // The engines record what they need of the unoccluded run in exact float32 first; then TF32 goes on.
        const torch::ScalarType compute = compute_type(o.precision);
        chosen.scorer->use_reduced_precision(compute);
        if (chosen.full != chosen.scorer) chosen.full->use_reduced_precision(compute);
        apply_precision(device, o.precision);
        const torch::Tensor reduced = chosen.scorer->image_output(image);
        // In the lower precision the unoccluded output itself moves: similarity compares with that one.
        if (similarity) scoring.reference = reduced.detach().clone();
        base = similarity ? 1.0f : scores_of(reduced, scoring)[0];
        map = occlusion_map(*chosen.scorer, grid.count(), scoring, base);
        for (size_t k = 0; k < map.size(); ++k) {
            vs_fp32 = std::max(vs_fp32, std::fabs(static_cast<double>(map[k]) - exact[k]));
            fp32_largest = std::max(fp32_largest, std::fabs(static_cast<double>(exact[k])));
        }
    }
    const size_t best = static_cast<size_t>(std::max_element(map.begin(), map.end()) - map.begin());
    const std::string model_name = std::filesystem::path(o.model).filename().string();
    const std::string input = std::to_string(channels) + "x" + std::to_string(height) + "x" + std::to_string(width);
    if (!o.map_path.empty()) write_npy(o.map_path, map, grid.rows(), grid.cols());
    JsonLine()
        .add("bench", "occlusion-map")
        .add("model", model_name)
        .add("input", input)
        .add("rows", grid.rows())
        .add("cols", grid.cols())
        .add("window", to_string(o.window))
        .add("stride", to_string(o.stride))
        .add("target", target)
        .add("score", to_string(o.score))
        .add_score("base_score", static_cast<double>(base))
        .add_score("largest_drop", static_cast<double>(map[best]))
        .add("largest_drop_row", static_cast<int64_t>(best) / grid.cols())
        .add("largest_drop_col", static_cast<int64_t>(best) % grid.cols())
        .add("batch", batch)
        .add("device", device.name())
        .add("kernels_on_torch_threads", kernels_on_torch_threads())
        .add("precision", to_string(o.precision))
        .add("precision_note", chosen.scorer->precision_note())
        .add_score("map_max_abs_difference_vs_fp32", vs_fp32)
        .add_score("map_relative_difference_vs_fp32", fp32_largest > 0 ? vs_fp32 / fp32_largest : 0.0)
        .add("engine", chosen.use.name())
        .add("engine_note", chosen.use.note)
        .add("counted_speedup", chosen.use.counted_speedup())
        .add("map", o.map_path)
        .print();
    if (o.map_only) return 0;

    PreparedRun prepared{&o, inputs, &chosen, std::move(map), base, scoring, setup_ms, vs_fp32, fp32_largest,
                         model_name, input, retains_freed_memory};
    run_benchmark(prepared);
    return 0;
}

}  // namespace

}  // namespace convscope::bench

int main(int argc, char** argv) {
    using namespace convscope::bench;
    try {
        return run(parse_options(argc, argv));
    } catch (const UsageError& e) {
        std::cerr << "convscope-bench: " << e.what() << std::endl;
        return 2;
    } catch (const c10::Error& e) {
        std::cerr << "convscope-bench: LibTorch failed: " << first_line(e) << std::endl;
        return 1;
    } catch (const std::exception& e) {
        // One line, also where an error carries a TorchScript traceback.
        std::cerr << "convscope-bench: " << first_line(e) << std::endl;
        return 1;
    }
}
