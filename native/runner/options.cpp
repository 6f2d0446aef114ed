#include "options.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <iterator>
#include <utility>
#include <vector>

#include "errors.h"

namespace convscope::bench {

const char* const kUsage =
    "usage: convscope-bench --model M.pt [--input 3x224x224 | --input-npy X.npy] [--window 50|HxW]\n"
    "                       [--stride 10|HxW] [--engine full|incremental|auto] [--device cpu|cuda]\n"
    "                       [--precision fp32|tf32|bf16]\n"
    "                       [--batch N|all] [--threads N] [--loop-windows N] [--repeat N] [--matmul-n N]\n"
    "                       [--target K] [--score prob|logit|logprob|similarity] [--fill V]\n"
    "                       [--constant-input V] [--seed N] [--map F.npy] [--map-only]\n";

std::string to_string(Size2 s) {
    return s.height == s.width ? std::to_string(s.height)
                               : std::to_string(s.height) + "x" + std::to_string(s.width);
}

const char* to_string(EngineRequest e) {
    switch (e) {
        case EngineRequest::Full: return "full";
        case EngineRequest::Incremental: return "incremental";
        case EngineRequest::Auto: break;
    }
    return "auto";
}

const char* to_string(Precision p) {
    switch (p) {
        case Precision::Tf32: return "tf32";
        case Precision::Bf16: return "bf16";
        case Precision::Fp32: break;
    }
    return "fp32";
}

const char* to_string(ScoreKind s) {
    switch (s) {
        case ScoreKind::Logit: return "logit";
        case ScoreKind::LogProb: return "logprob";
        case ScoreKind::Similarity: return "similarity";
        case ScoreKind::Prob: break;
    }
    return "prob";
}

namespace {

// other_word: a word the flag also takes (named in the error), or nullptr.
int64_t parse_int(const std::string& flag, const std::string& text, int64_t min, const char* other_word = nullptr) {
    size_t used = 0;
    long long v = 0;
    try {
        v = std::stoll(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text.size()) {
        throw UsageError(flag + " needs a whole number" + (other_word ? std::string(" or ") + other_word : "") +
                         ", got '" + text + "'");
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

// The value of a flag with named values ("full", "incremental", ...); the error lists them in order.
template <typename T, size_t N>
T parse_choice(const std::string& flag, const std::string& value, const std::pair<const char*, T> (&choices)[N]) {
    std::string names;
    for (size_t k = 0; k < N; ++k) {
        if (value == choices[k].first) return choices[k].second;
        names += (k == 0 ? "" : k + 1 == N ? " or " : ", ") + std::string(choices[k].first);
    }
    throw UsageError(flag + " must be " + names + ", got '" + value + "'");
}

}  // namespace

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
        static const char* const kValued[] = {"--model", "--input", "--input-npy", "--window", "--stride",
                                              "--engine", "--device", "--precision", "--batch", "--threads",
                                              "--loop-windows", "--repeat", "--matmul-n", "--target", "--score",
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
            o.input_given = true;
        } else if (flag == "--input-npy") {
            if (value.empty()) throw UsageError("--input-npy needs a file name");
            o.input_npy = value;
        } else if (flag == "--window") {
            o.window = parse_size2(flag, value);
        } else if (flag == "--stride") {
            o.stride = parse_size2(flag, value);
        } else if (flag == "--engine") {
            static const std::pair<const char*, EngineRequest> kEngines[] = {
                {"full", EngineRequest::Full}, {"incremental", EngineRequest::Incremental},
                {"auto", EngineRequest::Auto}};
            o.engine = parse_choice(flag, value, kEngines);
        } else if (flag == "--device") {
            static const std::pair<const char*, bool> kDevices[] = {{"cpu", false}, {"cuda", true}};
            o.cuda = parse_choice(flag, value, kDevices);
        } else if (flag == "--precision") {
            static const std::pair<const char*, Precision> kPrecisions[] = {
                {"fp32", Precision::Fp32}, {"tf32", Precision::Tf32}, {"bf16", Precision::Bf16}};
            o.precision = parse_choice(flag, value, kPrecisions);
        } else if (flag == "--batch") {
            o.batch = value == "all" ? kAllWindows : parse_int(flag, value, 1, "all");
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
            static const std::pair<const char*, ScoreKind> kScores[] = {
                {"prob", ScoreKind::Prob}, {"logit", ScoreKind::Logit}, {"logprob", ScoreKind::LogProb},
                {"similarity", ScoreKind::Similarity}};
            o.score = parse_choice(flag, value, kScores);
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
    if (!o.input_npy.empty() && (o.input_given || o.constant_input)) {
        throw UsageError("--input-npy gives the input and its size; drop --input and --constant-input");
    }
    if (o.score == ScoreKind::Similarity && o.target >= 0) {
        throw UsageError("--target does not apply to --score similarity, which compares whole outputs");
    }
    return o;
}

}  // namespace convscope::bench
