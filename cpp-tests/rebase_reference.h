// Naive reference of cs_rebase (convscope/rebase.h) and the element buffers its tests use, shared by the CPU and
// CUDA tests.
#ifndef CONVSCOPE_TEST_REBASE_REFERENCE_H
#define CONVSCOPE_TEST_REBASE_REFERENCE_H

#include <cstdint>
#include <cstring>
#include <vector>

#include "convscope/rebase.h"
#include "incremental_reference.h"

namespace convscope::test {

// float32 or bfloat16 elements (a cs_change_type), held as their bytes.
struct Elements {
    int32_t type = CS_CHANGE_FLOAT32;
    std::vector<unsigned char> bytes;

    static size_t width(int32_t type) { return type == CS_CHANGE_BFLOAT16 ? 2 : 4; }
    Elements(int32_t t, size_t count, unsigned char fill = 0) : type(t), bytes(count * width(t), fill) {}
    size_t size() const { return bytes.size() / width(type); }
    void* data() { return bytes.data(); }
    const void* data() const { return bytes.data(); }
    float value(size_t i) const {
        if (type == CS_CHANGE_FLOAT32) {
            float v;
            std::memcpy(&v, bytes.data() + 4 * i, 4);
            return v;
        }
        uint16_t b;
        std::memcpy(&b, bytes.data() + 2 * i, 2);
        const uint32_t wide = static_cast<uint32_t>(b) << 16;
        float v;
        std::memcpy(&v, &wide, 4);
        return v;
    }
    void set(size_t i, float v) {
        if (type == CS_CHANGE_FLOAT32) {
            std::memcpy(bytes.data() + 4 * i, &v, 4);
        } else {
            const uint16_t b = reference_bfloat16(v);
            std::memcpy(bytes.data() + 2 * i, &b, 2);
        }
    }
    bool operator==(const Elements& o) const { return type == o.type && bytes == o.bytes; }
};

// count random values in [-3, 3] (negative ones included, for ReLU), stored in type.
inline Elements random_elements(int32_t type, size_t count, uint32_t seed) {
    const std::vector<float> values = random_values(count, seed);
    Elements e(type, count);
    for (size_t i = 0; i < count; ++i) e.set(i, values[i]);
    return e;
}

// out[n][i] = store(act(in[n][i] + add[i]) - subtract[i]), the steps in that order, each skipped where absent.
inline Elements reference_rebase(const Elements& in, const float* add, bool relu, const float* subtract,
                                 int64_t images, int64_t per_image, int32_t out_type) {
    Elements out(out_type, static_cast<size_t>(images * per_image));
    for (int64_t n = 0; n < images; ++n) {
        for (int64_t i = 0; i < per_image; ++i) {
            const size_t at = static_cast<size_t>(n * per_image + i);
            float v = in.value(at);
            if (add) v = v + add[i];
            if (relu && v < 0.0f) v = 0.0f;
            if (subtract) v = v - subtract[i];
            out.set(at, v);
        }
    }
    return out;
}

// cs_rebase_patches as what it replaces: the base gathered at the places (cs_gather_regions_cpu), then
// cs_rebase_cpu with those patches as what is added, element for element. out_type's elements, or empty when a
// call failed.
inline Elements gathered_then_rebased(const Elements& in, const std::vector<float>& base, int64_t channels,
                                      int64_t base_height, int64_t base_width,
                                      const std::vector<cs_patch_place>& places, int64_t patch_height,
                                      int64_t patch_width, bool relu, int32_t out_type) {
    const auto count = static_cast<int64_t>(places.size());
    std::vector<float> gathered(static_cast<size_t>(count * patch_height * patch_width * channels));
    Elements out(out_type, gathered.size());
    if (cs_gather_regions_cpu(base.data(), channels, base_height, base_width, places.data(), count, patch_height,
                              patch_width, gathered.data(), 1) != CS_OK ||
        cs_rebase_cpu(in.data(), in.type, gathered.data(), relu, nullptr, 1, static_cast<int64_t>(gathered.size()),
                      out_type, out.data(), 1) != CS_OK) {
        return Elements(out_type, 0);
    }
    return out;
}

}  // namespace convscope::test

#endif
