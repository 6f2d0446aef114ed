// convscope-bench: the occlusion engine of convscope as a plain C++/LibTorch program, and its benchmark.
//
// It computes a `grid` occlusion map exactly the way the Java engine does (DESIGN.md §4): windows at 0, s, 2s,
// ... while they fit plus one flush with the far edge when the steps miss it; the occluded copies of a chunk
// are written by cs_occlude_batch_cpu straight into the chunk tensor's memory; softmax and target selection
// run on the tensor; one float per window is read back. Then it times that engine against a loop of one
// forward pass per window and against a 2048x2048 float32 matmul, in interleaved rounds, and prints JSON
// lines in the vocabulary of DESIGN.md §5. `--map F.npy` writes the map for comparison with the Java side.
//
// Exit codes: 0 success, 2 usage error (bad option or size, missing model file), 1 runtime failure (a
// model that does not load or run). Every failure is one line on stderr.
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <torch/script.h>
#include <torch/version.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "convscope/occlusion.h"

namespace {

// AlexNet's cost per 224x224 image: 714 M multiply-adds (DESIGN.md §5), scaled by input area for other sizes.
constexpr double kAlexnetGflop = 1.43;
constexpr int kMatmulRuns = 5;
// Default chunk size, as the Java engine on the CPU: at most 64 windows and at most 1 GiB of chunk.
constexpr int64_t kMaxAutoBatch = 64;
constexpr int64_t kBatchBudgetBytes = int64_t{1} << 30;

const char* const kUsage =
    "usage: convscope-bench --model M.pt [--input 3x224x224] [--window 50|HxW] [--stride 10|HxW] [--batch N]\n"
    "                       [--threads N] [--loop-windows N] [--repeat N] [--matmul-n N]\n"
    "                       [--target K] [--score prob|logit] [--fill V]\n"
    "                       [--constant-input V] [--seed N] [--map F.npy] [--map-only]\n";

// A usage error: exit code 2.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Two sizes, rows first: a window or a stride.
struct Size2 {
    int64_t height;
    int64_t width;
};

std::string to_string(Size2 s) {
    return s.height == s.width ? std::to_string(s.height)
                               : std::to_string(s.height) + "x" + std::to_string(s.width);
}

struct Options {
    std::string model;
    int64_t channels = 3, height = 224, width = 224;
    Size2 window{50, 50};
    Size2 stride{10, 10};
    int64_t batch = 0;         // 0: automatic
    int threads = 0;           // 0: LibTorch's default (all cores)
    int64_t loop_windows = 40;
    int repeat = 3;
    int64_t matmul_n = 2048;
    int64_t target = -1;       // -1: top-1 class of the unoccluded input
    bool logit = false;        // score: raw logit instead of softmax probability
    float fill = 0.0f;         // tensor space: 0 is the mean fill after normalization
    bool constant_input = false;
    float constant_value = 0.0f;
    uint64_t seed = 42;
    std::string map_path;
    bool map_only = false;
};

int64_t parse_int(const std::string& flag, const std::string& text, int64_t min) {
    size_t used = 0;
    long long v = 0;
    try {
        v = std::stoll(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text.size()) {
        throw UsageError(flag + " needs a whole number, got '" + text + "'");
    }
    if (v < min) {
        throw UsageError(flag + " must be at least " + std::to_string(min) + ", got " + text);
    }
    return v;
}

float parse_float(const std::string& flag, const std::string& text) {
    size_t used = 0;
    float v = 0;
    try {
        v = std::stof(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text.size() || !std::isfinite(v)) {
        throw UsageError(flag + " needs a finite number, got '" + text + "'");
    }
    return v;
}

std::vector<std::string> split_x(const std::string& text) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (;;) {
        size_t x = text.find('x', start);
        parts.push_back(text.substr(start, x == std::string::npos ? std::string::npos : x - start));
        if (x == std::string::npos) return parts;
        start = x + 1;
    }
}

// "50" or "50x40" (rows x columns); zero is rejected with the grid's other checks.
Size2 parse_size2(const std::string& flag, const std::string& text) {
    std::vector<std::string> parts = split_x(text);
    if (parts.size() == 1) {
        int64_t v = parse_int(flag, parts[0], 0);
        return {v, v};
    }
    if (parts.size() == 2) {
        return {parse_int(flag, parts[0], 0), parse_int(flag, parts[1], 0)};
    }
    throw UsageError(flag + " needs N or HxW, got '" + text + "'");
}

Options parse_options(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--help" || flag == "-h") {
            std::cout << kUsage;
            std::exit(0);
        }
        if (flag == "--map-only") {
            o.map_only = true;
            continue;
        }
        if (flag.rfind("--", 0) != 0) {
            throw UsageError("unexpected argument '" + flag + "'; options start with -- (see --help)");
        }
        static const char* const kValued[] = {"--model", "--input", "--window", "--stride", "--batch",
                                              "--threads", "--loop-windows", "--repeat", "--matmul-n", "--target", "--score",
                                              "--fill", "--constant-input", "--input-fill", "--seed", "--map"};
        if (std::find_if(std::begin(kValued), std::end(kValued), [&](const char* f) { return flag == f; }) ==
            std::end(kValued)) {
            throw UsageError("unknown option " + flag + " (see --help)");
        }
        if (i + 1 >= argc) {
            throw UsageError(flag + " needs a value");
        }
        const std::string value = argv[++i];
        if (flag == "--model") {
            o.model = value;
        } else if (flag == "--input") {
            std::vector<std::string> parts = split_x(value);
            if (parts.size() != 3) {
                throw UsageError("--input needs CxHxW, e.g. 3x224x224, got '" + value + "'");
            }
            o.channels = parse_int("--input", parts[0], 1);
            o.height = parse_int("--input", parts[1], 1);
            o.width = parse_int("--input", parts[2], 1);
        } else if (flag == "--window") {
            o.window = parse_size2(flag, value);
        } else if (flag == "--stride") {
            o.stride = parse_size2(flag, value);
        } else if (flag == "--batch") {
            o.batch = parse_int(flag, value, 1);
        } else if (flag == "--threads") {
            o.threads = static_cast<int>(parse_int(flag, value, 1));
        } else if (flag == "--loop-windows") {
            o.loop_windows = parse_int(flag, value, 1);
        } else if (flag == "--matmul-n") {
            o.matmul_n = parse_int(flag, value, 1);
        } else if (flag == "--repeat") {
            o.repeat = static_cast<int>(parse_int(flag, value, 1));
        } else if (flag == "--target") {
            o.target = parse_int(flag, value, 0);
        } else if (flag == "--score") {
            if (value != "prob" && value != "logit") {
                throw UsageError("--score must be prob or logit, got '" + value + "'");
            }
            o.logit = value == "logit";
        } else if (flag == "--fill") {
            o.fill = parse_float(flag, value);
        } else if (flag == "--constant-input" || flag == "--input-fill") {
            o.constant_input = true;
            o.constant_value = parse_float(flag, value);
        } else if (flag == "--seed") {
            o.seed = static_cast<uint64_t>(parse_int(flag, value, 0));
        } else {  // --map
            o.map_path = value;
        }
    }
    if (o.model.empty()) {
        throw UsageError("--model M.pt is required (a TorchScript file)");
    }
    return o;
}

// ---- The window grid (DESIGN.md §4, method grid) -------------------------------------------------------------

// Offsets along an axis of `size` pixels for windows of `w` pixels, `s` apart: 0, s, 2s, ... while the window
// fits, plus size - w when the last step stops short of the far edge.
std::vector<int32_t> grid_offsets(int64_t size, int64_t w, int64_t s) {
    std::vector<int32_t> out;
    for (int64_t p = 0; p + w <= size; p += s) out.push_back(static_cast<int32_t>(p));
    if (out.back() + w < size) out.push_back(static_cast<int32_t>(size - w));
    return out;
}

struct WindowGrid {
    std::vector<int32_t> tops;
    std::vector<int32_t> lefts;
    std::vector<cs_window> windows;  // k = i * cols + j: the order windows are evaluated and stored in

    int64_t rows() const { return static_cast<int64_t>(tops.size()); }
    int64_t cols() const { return static_cast<int64_t>(lefts.size()); }
    int64_t count() const { return static_cast<int64_t>(windows.size()); }
};

WindowGrid make_grid(int64_t height, int64_t width, Size2 window, Size2 stride) {
    if (window.height <= 0 || window.width <= 0 || stride.height <= 0 || stride.width <= 0) {
        throw UsageError("window and stride must be at least 1 pixel, got window " + to_string(window) +
                         " and stride " + to_string(stride));
    }
    // A stride past the window leaves gaps, except along an axis the window spans whole (one position).
    if ((stride.height > window.height && window.height < height) ||
        (stride.width > window.width && window.width < width)) {
        throw UsageError("stride " + to_string(stride) + " is larger than window " + to_string(window) +
                         ", which would leave pixels never occluded; use a stride of at most the window");
    }
    if (window.height > height || window.width > width) {
        throw UsageError("window " + to_string(window) + " is larger than the " + std::to_string(height) + "x" +
                         std::to_string(width) + " input; use a window of at most " + std::to_string(height) +
                         "x" + std::to_string(width));
    }
    WindowGrid g;
    g.tops = grid_offsets(height, window.height, stride.height);
    g.lefts = grid_offsets(width, window.width, stride.width);
    for (int32_t top : g.tops) {
        for (int32_t left : g.lefts) {
            g.windows.push_back({top, left, static_cast<int32_t>(window.height), static_cast<int32_t>(window.width)});
        }
    }
    return g;
}

// ---- Scoring ------------------------------------------------------------------------------------------------

struct Scorer {
    torch::jit::script::Module* model;
    int64_t target;
    bool logit;

    torch::Tensor logits(const torch::Tensor& batch) const {
        torch::IValue out = model->forward({batch});
        if (!out.isTensor()) {
            throw std::runtime_error("the model must return one tensor of class scores, got " +
                                     out.tagKind());
        }
        torch::Tensor t = out.toTensor();
        if (t.dim() != 2 || t.size(0) != batch.size(0)) {
            throw std::runtime_error("the model must return batch x classes scores; for a batch of " +
                                     std::to_string(batch.size(0)) + " it returned shape " +
                                     c10::str(t.sizes()));
        }
        return t;
    }

    // Scores of the target class, one per batch row, as a contiguous float tensor.
    torch::Tensor scores(const torch::Tensor& batch) const {
        torch::Tensor t = logits(batch).to(torch::kFloat);
        if (!logit) t = t.softmax(1);
        return t.select(1, target).contiguous();
    }
};

// The occlusion engine: score of every window of the grid, in grid order. Chunks of `batch` windows are written
// by our kernel into one reused chunk tensor; only one float per window leaves the tensor world.
std::vector<float> occluded_scores(const Scorer& scorer, const torch::Tensor& image, const WindowGrid& grid,
                                   const std::vector<float>& fill, int64_t batch, int threads) {
    const int64_t C = image.size(0), H = image.size(1), W = image.size(2);
    const int64_t count = grid.count();
    torch::Tensor chunk = torch::empty({std::min(batch, count), C, H, W}, torch::kFloat);
    std::vector<float> out(static_cast<size_t>(count));
    for (int64_t from = 0; from < count; from += batch) {
        const int64_t n = std::min(batch, count - from);
        // narrow on dim 0 of a contiguous tensor is contiguous: its data_ptr is the first n copies.
        torch::Tensor part = chunk.narrow(0, 0, n);
        int status = cs_occlude_batch_cpu(image.data_ptr<float>(), C, H, W, grid.windows.data() + from, n,
                                          fill.data(), part.data_ptr<float>(), threads);
        if (status != CS_OK) {
            throw std::runtime_error(std::string("cs_occlude_batch_cpu failed: ") + cs_status_message(status));
        }
        torch::Tensor s = scorer.scores(part);
        std::memcpy(out.data() + from, s.data_ptr<float>(), static_cast<size_t>(n) * sizeof(float));
    }
    return out;
}

// The baseline: windows 0 .. count-1, each occluded with plain LibTorch calls and scored by its own forward.
std::vector<float> loop_scores(const Scorer& scorer, const torch::Tensor& image, const WindowGrid& grid,
                               float fill, int64_t count) {
    std::vector<float> out;
    for (int64_t k = 0; k < count; ++k) {
        const cs_window& w = grid.windows[static_cast<size_t>(k)];
        torch::Tensor x = image.unsqueeze(0).clone();
        x.narrow(2, w.top, w.height).narrow(3, w.left, w.width).fill_(fill);
        out.push_back(scorer.scores(x).item<float>());
    }
    return out;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// GFLOP/s of an n x n float32 product, median of kMatmulRuns after one warm-up.
double matmul_gflops(int64_t n) {
    torch::Tensor a = torch::randn({n, n});
    torch::Tensor b = torch::randn({n, n});
    torch::mm(a, b);
    std::vector<double> rates;
    for (int r = 0; r < kMatmulRuns; ++r) {
        auto t0 = std::chrono::steady_clock::now();
        torch::Tensor c = torch::mm(a, b);
        rates.push_back(2.0 * static_cast<double>(n * n) * static_cast<double>(n) / seconds_since(t0) / 1e9);
    }
    return median(rates);
}

// ---- Output -------------------------------------------------------------------------------------------------

// One JSON object on one line, keys in insertion order.
class JsonLine {
public:
    JsonLine& add(const std::string& key, const std::string& value) {
        std::string quoted = "\"";
        for (char ch : value) {
            if (ch == '"' || ch == '\\') {
                quoted += '\\';
                quoted += ch;
            } else if (static_cast<unsigned char>(ch) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(ch));
                quoted += buf;
            } else {
                quoted += ch;
            }
        }
        return raw(key, quoted + "\"");
    }
    JsonLine& add(const std::string& key, const char* value) { return add(key, std::string(value)); }
    JsonLine& add(const std::string& key, bool value) { return raw(key, value ? "true" : "false"); }
    JsonLine& add(const std::string& key, int64_t value) { return raw(key, std::to_string(value)); }
    JsonLine& add(const std::string& key, int value) { return raw(key, std::to_string(value)); }
    // Rates and ratios, rounded to 2 decimals like the Java bench's.
    JsonLine& add(const std::string& key, double value) {
        if (!std::isfinite(value)) return raw(key, "null");
        char buf[48];
        std::snprintf(buf, sizeof buf, "%.2f", value);
        std::string text = buf;
        text.erase(text.find_last_not_of('0') + 1);
        if (text.back() == '.') text.pop_back();
        return raw(key, text == "-0" ? "0" : text);
    }
    // Scores: 9 significant digits, enough to read back the exact float.
    JsonLine& add_score(const std::string& key, double value) {
        if (!std::isfinite(value)) return raw(key, "null");
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.9g", value);
        return raw(key, buf);
    }
    JsonLine& raw(const std::string& key, const std::string& json) {
        text_ += (text_.empty() ? "{\"" : ", \"") + key + "\": " + json;
        return *this;
    }
    void print() const { std::cout << text_ << "}" << std::endl; }

private:
    std::string text_;
};

// Writes rows x cols float32 values as a .npy file (format 1.0, '<f4', C order, header padded so the data
// starts at a multiple of 64 bytes), through a temporary name so a failure leaves no half-written file.
void write_npy(const std::string& path, const std::vector<float>& values, int64_t rows, int64_t cols) {
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(rows) + ", " +
                         std::to_string(cols) + "), }";
    const size_t preamble = 10;  // magic (6) + version (2) + header length (2)
    header.append((64 - (preamble + header.size() + 1) % 64) % 64, ' ');
    header += '\n';
    const std::string tmp = path + ".partial";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw std::runtime_error("cannot write " + path + ": cannot open " + tmp);
        const unsigned char magic[8] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
        out.write(reinterpret_cast<const char*>(magic), sizeof magic);
        const unsigned char len[2] = {static_cast<unsigned char>(header.size() & 0xff),
                                      static_cast<unsigned char>(header.size() >> 8)};
        out.write(reinterpret_cast<const char*>(len), 2);
        out << header;
        for (float v : values) {
            uint32_t bits = 0;
            std::memcpy(&bits, &v, sizeof bits);
            const unsigned char le[4] = {static_cast<unsigned char>(bits), static_cast<unsigned char>(bits >> 8),
                                         static_cast<unsigned char>(bits >> 16),
                                         static_cast<unsigned char>(bits >> 24)};
            out.write(reinterpret_cast<const char*>(le), 4);
        }
        out.close();
        if (!out) throw std::runtime_error("cannot write " + path + ": write to " + tmp + " failed");
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) throw std::runtime_error("cannot write " + path + ": " + ec.message());
}

// The line of a LibTorch error worth showing: TorchScript interpreter errors put the cause on a
// "RuntimeError: ..." line after a traceback; others lead with it.
std::string first_line(const c10::Error& e) {
    std::istringstream in(e.what_without_backtrace());
    std::string line, first;
    while (std::getline(in, line)) {
        if (first.empty() && !line.empty()) first = line;
        if (line.rfind("RuntimeError: ", 0) == 0) return line;
    }
    return first.empty() ? "unknown LibTorch error" : first;
}

// ---- The run ------------------------------------------------------------------------------------------------

int run(const Options& o) {
    const WindowGrid grid = make_grid(o.height, o.width, o.window, o.stride);
    if (!std::filesystem::is_regular_file(o.model)) {
        throw UsageError("model file " + o.model + " does not exist; pass a TorchScript file with --model");
    }
    if (!o.map_path.empty()) {
        std::filesystem::path parent = std::filesystem::absolute(o.map_path).parent_path();
        if (!std::filesystem::is_directory(parent)) {
            throw UsageError("the folder of --map " + o.map_path + " does not exist; create it first");
        }
    }
    // Default: every core. LibTorch's own default follows OpenMP's, which can be 1 in a container.
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    at::set_num_threads(o.threads > 0 ? o.threads : static_cast<int>(cores));
    const int threads = at::get_num_threads();

    torch::jit::script::Module model;
    try {
        model = torch::jit::load(o.model, torch::kCPU);
    } catch (const c10::Error& e) {
        throw std::runtime_error("cannot load " + o.model + " as TorchScript: " + first_line(e));
    }
    model.eval();
    c10::InferenceMode inference;  // no autograd bookkeeping for anything below

    torch::Tensor image;
    if (o.constant_input) {
        image = torch::full({o.channels, o.height, o.width}, o.constant_value, torch::kFloat);
    } else {
        at::Generator gen = at::detail::createCPUGenerator(o.seed);
        image = at::randn({o.channels, o.height, o.width}, gen, torch::kFloat);
    }
    const std::vector<float> fill(static_cast<size_t>(o.channels), o.fill);

    Scorer scorer{&model, o.target, o.logit};
    torch::Tensor base_logits = scorer.logits(image.unsqueeze(0));
    const int64_t classes = base_logits.size(1);
    if (scorer.target < 0) scorer.target = base_logits.argmax(1).item<int64_t>();
    if (scorer.target >= classes) {
        throw UsageError("--target " + std::to_string(scorer.target) + " is not a class of this model, which has " +
                         std::to_string(classes) + " (0.." + std::to_string(classes - 1) + ")");
    }
    const float base = scorer.scores(image.unsqueeze(0)).item<float>();

    int64_t batch = o.batch;
    if (batch == 0) {
        const int64_t bytes_per_window = o.channels * o.height * o.width * static_cast<int64_t>(sizeof(float));
        batch = std::max<int64_t>(1, std::min(kMaxAutoBatch, kBatchBudgetBytes / bytes_per_window));
    }
    batch = std::min(batch, grid.count());

    // The map, from the first (untimed, warm-up) engine run: cell (i, j) = s(x) - s(x occluded at (i, j)).
    std::vector<float> map = occluded_scores(scorer, image, grid, fill, batch, threads);
    for (float& v : map) v = base - v;
    const size_t best = static_cast<size_t>(std::max_element(map.begin(), map.end()) - map.begin());
    const std::string model_name = std::filesystem::path(o.model).filename().string();
    const std::string input = std::to_string(o.channels) + "x" + std::to_string(o.height) + "x" +
                              std::to_string(o.width);
    if (!o.map_path.empty()) write_npy(o.map_path, map, grid.rows(), grid.cols());
    JsonLine()
        .add("bench", "occlusion-map")
        .add("model", model_name)
        .add("input", input)
        .add("rows", grid.rows())
        .add("cols", grid.cols())
        .add("window", to_string(o.window))
        .add("stride", to_string(o.stride))
        .add("target", scorer.target)
        .add("score", o.logit ? "logit" : "prob")
        .add_score("base_score", static_cast<double>(base))
        .add_score("largest_drop", static_cast<double>(map[best]))
        .add("largest_drop_row", static_cast<int64_t>(best) / grid.cols())
        .add("largest_drop_col", static_cast<int64_t>(best) % grid.cols())
        .add("batch", batch)
        .add("map", o.map_path)
        .print();
    if (o.map_only) return 0;

    const double gflop_per_window = kAlexnetGflop * static_cast<double>(o.height * o.width) / (224.0 * 224.0);
    const int64_t loop_count = std::min(o.loop_windows, grid.count());
    loop_scores(scorer, image, grid, o.fill, 1);  // warm-up of the one-image path
    // Rounds interleave the three measurements, so load from other processes hits all of them alike; ratios
    // are taken per round and their medians reported.
    std::vector<double> matmuls, engines, loops, speedups, fractions;
    double loop_max_diff = 0;
    for (int r = 0; r < o.repeat; ++r) {
        matmuls.push_back(matmul_gflops(o.matmul_n));
        auto t0 = std::chrono::steady_clock::now();
        occluded_scores(scorer, image, grid, fill, batch, threads);
        engines.push_back(static_cast<double>(grid.count()) / seconds_since(t0));
        t0 = std::chrono::steady_clock::now();
        std::vector<float> looped = loop_scores(scorer, image, grid, o.fill, loop_count);
        loops.push_back(static_cast<double>(loop_count) / seconds_since(t0));
        for (int64_t k = 0; k < loop_count; ++k) {
            const double diff = std::fabs(static_cast<double>(base - looped[static_cast<size_t>(k)]) -
                                          map[static_cast<size_t>(k)]);
            loop_max_diff = std::max(loop_max_diff, diff);
        }
        speedups.push_back(engines.back() / loops.back());
        fractions.push_back(engines.back() * gflop_per_window / matmuls.back());
        JsonLine()
            .add("bench", "occlusion-round")
            .add("round", r)
            .add("matmul_gflops", matmuls.back())
            .add("engine_windows_per_s", engines.back())
            .add("loop_windows_per_s", loops.back())
            .print();
    }
    const double matmul = median(matmuls), engine = median(engines), loop = median(loops);
    JsonLine().add("bench", "matmul").add("n", o.matmul_n).add("device", "cpu").add("gflops", matmul).print();
    JsonLine()
        .add("bench", "occlusion").add("variant", "engine").add("windows", grid.count()).add("batch", batch)
        .add("windows_per_s", engine).add("gflops", engine * gflop_per_window)
        .print();
    JsonLine()
        .add("bench", "occlusion").add("variant", "loop").add("windows", loop_count).add("batch", int64_t{1})
        .add("windows_per_s", loop).add("gflops", loop * gflop_per_window)
        .add_score("max_abs_diff_vs_engine", loop_max_diff)
        .print();
    JsonLine()
        .add("bench", "occlusion-summary")
        .add("runner", "cpp")
        .add("model", model_name)
        .add("input", input)
        .add("windows", grid.count())
        .add("grid", std::to_string(grid.rows()) + "x" + std::to_string(grid.cols()))
        .add("batch", batch)
        .add("device", "cpu")
        .add("threads", threads)
        .add("engine_windows_per_s", engine)
        .add("loop_windows_per_s", loop)
        .add("rounds", o.repeat)
        .add("speedup_vs_loop", median(speedups))
        .add("engine_gflops", engine * gflop_per_window)
        .add("matmul_gflops", matmul)
        .add("fraction_of_matmul", median(fractions))
        .add("gflop_per_window", gflop_per_window)
        .add("torch", TORCH_VERSION)
        .print();
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(parse_options(argc, argv));
    } catch (const UsageError& e) {
        std::cerr << "convscope-bench: " << e.what() << std::endl;
        return 2;
    } catch (const c10::Error& e) {
        std::cerr << "convscope-bench: LibTorch failed: " << first_line(e) << std::endl;
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "convscope-bench: " << e.what() << std::endl;
        return 1;
    }
}
