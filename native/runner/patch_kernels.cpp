#include "patch_kernels.h"

#include <stdexcept>
#include <string>

#include "torch_glue.h"

namespace convscope::bench {

namespace {

void check(int status, const char* kernel) {
    if (status != CS_OK) {
        throw std::runtime_error(std::string("the ") + kernel + " kernel failed: " +
                                 cs_status_message(status));
    }
}

// The kernels read raw memory: a tensor of another layout or device would give a wrong map or fault, not an error.
void require_channels_last(const torch::Tensor& t, const torch::Device& device, const char* what) {
    if (!t.is_contiguous(torch::MemoryFormat::ChannelsLast) || t.device() != device ||
        (t.scalar_type() != torch::kFloat && t.scalar_type() != torch::kBFloat16)) {
        throw std::runtime_error(std::string("the patch kernels need ") + what +
                                 " as a dense channels-last float32 or bfloat16 tensor on " + device.str() +
                                 ", got " + c10::toString(t.scalar_type()) + " " + c10::str(t.sizes()) + " on " +
                                 t.device().str());
    }
}

}  // namespace

torch::Tensor place_tensor(const std::vector<cs_patch_place>& places, const torch::Device& device) {
    auto* ints = reinterpret_cast<int32_t*>(const_cast<cs_patch_place*>(places.data()));
    return torch::from_blob(ints, {static_cast<int64_t>(places.size()) * 8}, torch::kInt).clone().to(device);
}

const cs_patch_place* place_at(const torch::Tensor& places, int64_t index) {
    return reinterpret_cast<const cs_patch_place*>(places.data_ptr<int32_t>()) + index;
}

void PatchKernels::gather(const torch::Tensor& base, const cs_patch_place* at, torch::Tensor& regions) const {
    const int64_t n = regions.size(0);
    if (cuda) {
        check(cs_gather_regions_cuda(base.data_ptr<float>(), base.size(1), base.size(2), base.size(3), at, n,
                                     regions.size(2), regions.size(3), regions.data_ptr<float>(), stream),
              "gather");
        return;
    }
    const int64_t per_region = per_window(regions);
    const float* from = base.data_ptr<float>();
    float* out = regions.data_ptr<float>();
    on_torch_threads(n, per_region, [&](int64_t begin, int64_t end, int32_t threads) {
        check(cs_gather_regions_cpu(from, base.size(1), base.size(2), base.size(3), at + begin, end - begin,
                                    regions.size(2), regions.size(3), out + begin * per_region, threads),
              "gather");
    });
}

void PatchKernels::paste(const torch::Tensor& patches, const cs_patch_place* at, torch::Tensor& regions) const {
    const int64_t n = regions.size(0);
    if (cuda) {
        check(cs_paste_patches_cuda(patches.data_ptr<float>(), n, patches.size(1), patches.size(2), patches.size(3),
                                    at, regions.data_ptr<float>(), regions.size(2), regions.size(3), stream),
              "paste");
        return;
    }
    const int64_t per_patch = per_window(patches), per_region = per_window(regions);
    const float* in = patches.data_ptr<float>();
    float* out = regions.data_ptr<float>();
    on_torch_threads(n, per_patch, [&](int64_t begin, int64_t end, int32_t threads) {
        check(cs_paste_patches_cpu(in + begin * per_patch, end - begin, patches.size(1), patches.size(2),
                                   patches.size(3), at + begin, out + begin * per_region, regions.size(2),
                                   regions.size(3), threads),
              "paste");
    });
}

void PatchKernels::region_changes(const torch::Tensor& base, const torch::Tensor* incoming, const torch::Tensor& fill,
                        const cs_patch_place* at, torch::Tensor& changes) const {
    require_channels_last(changes, changes.device(), "the changes");
    require_channels_last(base, changes.device(), "the base");
    if (incoming) require_channels_last(*incoming, changes.device(), "the incoming patches");
    const int64_t n = changes.size(0);
    const int32_t type = changes.scalar_type() == torch::kBFloat16 ? CS_CHANGE_BFLOAT16 : CS_CHANGE_FLOAT32;
    const float* patches = incoming ? incoming->data_ptr<float>() : nullptr;
    const int64_t ph = incoming ? incoming->size(2) : 1, pw = incoming ? incoming->size(3) : 1;
    if (cuda) {
        check(cs_region_changes_cuda(base.data_ptr<float>(), base.size(1), base.size(2), base.size(3), patches, ph,
                                     pw, fill.data_ptr<float>(), at, n, changes.size(2), changes.size(3), type,
                                     changes.data_ptr(), stream),
              "region change");
        return;
    }
    const int64_t per_patch = incoming ? per_window(*incoming) : 0, per_region = per_window(changes);
    const float* from = base.data_ptr<float>();
    const float* fill_values = fill.data_ptr<float>();
    auto* out = static_cast<char*>(changes.data_ptr());
    const int64_t out_bytes = per_region * changes.element_size();
    on_torch_threads(n, per_region, [&](int64_t begin, int64_t end, int32_t threads) {
        check(cs_region_changes_cpu(from, base.size(1), base.size(2), base.size(3),
                                    patches ? patches + begin * per_patch : nullptr, ph, pw, fill_values, at + begin,
                                    end - begin, changes.size(2), changes.size(3), type, out + begin * out_bytes,
                                    threads),
              "region change");
    });
}

void PatchKernels::fill(const torch::Tensor& fill, const cs_patch_place* at, torch::Tensor& regions) const {
    const int64_t n = regions.size(0);
    if (cuda) {
        check(cs_fill_patches_cuda(fill.data_ptr<float>(), n, regions.size(1), at, regions.data_ptr<float>(),
                                   regions.size(2), regions.size(3), stream),
              "fill");
        return;
    }
    const int64_t per_region = per_window(regions);
    const float* fill_values = fill.data_ptr<float>();
    float* out = regions.data_ptr<float>();
    on_torch_threads(n, per_region, [&](int64_t begin, int64_t end, int32_t threads) {
        check(cs_fill_patches_cpu(fill_values, end - begin, regions.size(1), at + begin, out + begin * per_region,
                                  regions.size(2), regions.size(3), threads),
              "fill");
    });
}

}  // namespace convscope::bench
