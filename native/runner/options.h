// convscope-bench's command line: what a run is asked to do, checked for form only (sizes against the input and
// files against the disk are checked by the run).
#ifndef CONVSCOPE_RUNNER_OPTIONS_H
#define CONVSCOPE_RUNNER_OPTIONS_H

#include <cstdint>
#include <limits>
#include <string>

namespace convscope::bench {

// Two sizes, rows first: a window or a stride.
struct Size2 {
    int64_t height;
    int64_t width;
};

// "50" for a square size, "50x40" otherwise.
std::string to_string(Size2 s);

// Which engine scores the windows (--engine): the full model on every occluded copy, the incremental engine
// (an error where it does not apply), or the incremental engine where it applies and pays (the default).
enum class EngineRequest { Full, Incremental, Auto };

const char* to_string(EngineRequest e);

// The arithmetic of the model's layers (--precision): float32 throughout (exact; TF32 off on CUDA), float32
// with TF32 tensor cores in CUDA convolutions and matrix products (on the CPU the same as fp32), or bfloat16
// layers (weights cast once; our kernels still fill float32 chunks and patches, cast before each layer).
enum class Precision { Fp32, Tf32, Bf16 };
// The score a map is the drop of, as the JVM's Score: the target's softmax probability, its logit, its
// log-softmax, or (embedding models) the cosine similarity of the output to the unoccluded one.
enum class ScoreKind { Prob, Logit, LogProb, Similarity };

const char* to_string(Precision p);
// "prob", "logit", "logprob" or "similarity", as --score takes it.
const char* to_string(ScoreKind s);

// --batch all: more windows than any grid holds, so one chunk takes them all.
inline constexpr int64_t kAllWindows = std::numeric_limits<int64_t>::max();

struct Options {
    std::string model;
    int64_t channels = 3, height = 224, width = 224;
    bool input_given = false;  // --input was on the command line
    Size2 window{50, 50};
    Size2 stride{10, 10};
    int64_t batch = 0;         // 0: automatic; kAllWindows (--batch all): the whole grid in one chunk
    int threads = 0;           // 0: LibTorch's default (all cores)
    int64_t loop_windows = 40;
    int repeat = 3;
    int64_t matmul_n = 2048;
    int64_t target = -1;       // -1: top-1 class of the unoccluded input
    ScoreKind score = ScoreKind::Prob;  // what the map is the drop of (see engines.h Scoring)
    float fill = 0.0f;         // tensor space: 0 is the mean fill after normalization
    bool constant_input = false;
    float constant_value = 0.0f;
    std::string input_npy;     // the input image as a float32 .npy file (C x H x W or 1 x C x H x W)
    uint64_t seed = 42;
    std::string map_path;
    bool map_only = false;
    EngineRequest engine = EngineRequest::Auto;
    bool cuda = false;         // --device cuda
    Precision precision = Precision::Fp32;
};

extern const char* const kUsage;

// Parses argv; throws UsageError. --help prints the usage and exits 0.
Options parse_options(int argc, char** argv);

}  // namespace convscope::bench

#endif
