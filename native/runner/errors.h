// convscope-bench's two kinds of failure. main() turns each into one line on stderr: a UsageError (bad option,
// size or file the user gave) exits 2; any other exception (a model that does not load or run, a kernel that
// fails) exits 1.
#ifndef CONVSCOPE_RUNNER_ERRORS_H
#define CONVSCOPE_RUNNER_ERRORS_H

#include <stdexcept>

namespace convscope::bench {

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace convscope::bench

#endif
