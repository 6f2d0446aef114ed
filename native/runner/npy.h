// NumPy .npy files of float32 in C order, little-endian ('<f4'): the map convscope-bench writes (--map) and the
// input image it reads (--input-npy), the same kind of file the Java side reads and writes.
#ifndef CONVSCOPE_RUNNER_NPY_H
#define CONVSCOPE_RUNNER_NPY_H

#include <cstdint>
#include <string>
#include <vector>

namespace convscope::bench {

// An input image: channels x height x width floats, C order.
struct NpyImage {
    int64_t channels = 0;
    int64_t height = 0;
    int64_t width = 0;
    std::vector<float> values;
};

// Reads a float32 .npy of shape C x H x W or 1 x C x H x W (format 1.0 to 3.0); throws UsageError for a file
// that is missing, not .npy, not float32 in C order, or of another shape.
NpyImage read_npy_image(const std::string& path);

// Writes rows x cols float32 values as a .npy file (format 1.0, '<f4', C order, header padded so the data
// starts at a multiple of 64 bytes), through a temporary name so a failure leaves no half-written file; throws
// std::runtime_error when it cannot.
void write_npy(const std::string& path, const std::vector<float>& values, int64_t rows, int64_t cols);

}  // namespace convscope::bench

#endif
