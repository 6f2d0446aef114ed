#include "rebase.h"

#include <stdexcept>
#include <string>

#include "convscope/rebase.h"
#include "torch_glue.h"

namespace convscope::bench {

namespace {

int32_t element_type(torch::ScalarType type) {
    if (type == torch::kFloat) return CS_CHANGE_FLOAT32;
    if (type == torch::kBFloat16) return CS_CHANGE_BFLOAT16;
    throw std::runtime_error(std::string("the rebase kernel takes float32 or bfloat16 tensors, not ") +
                             c10::toString(type));
}

void check(int status, const char* where) {
    if (status != CS_OK) {
        throw std::runtime_error(std::string("the rebase kernel failed") + where + ": " + cs_status_message(status));
    }
}

torch::MemoryFormat format_of(const torch::Tensor& t) {
    return t.dim() == 4 && t.is_contiguous(torch::MemoryFormat::ChannelsLast) ? torch::MemoryFormat::ChannelsLast
                                                                               : torch::MemoryFormat::Contiguous;
}

// One image's values (or every image's, when t has in's shape) as a dense float32 tensor in in's memory
// format; sets *per_image to their count. Null for an undefined t.
const float* values_for(const torch::Tensor& in, const torch::Tensor& t, torch::MemoryFormat format,
                        torch::Tensor& keep, int64_t* per_image) {
    if (!t.defined()) return nullptr;
    const bool whole = t.sizes() == in.sizes();
    if (!whole && !(t.dim() == in.dim() && t.size(0) == 1 && t.sizes().slice(1) == in.sizes().slice(1))) {
        throw std::runtime_error("the rebase kernel's base has shape " + c10::str(t.sizes()) + ", not that of " +
                                 c10::str(in.sizes()) + " or one image of it");
    }
    if (t.scalar_type() != torch::kFloat || t.device() != in.device()) {
        throw std::runtime_error("the rebase kernel's base must be float32 on the input's device");
    }
    keep = t.contiguous(format);  // a no-op for the bases, which are stored in the format of the layers' outputs
    const int64_t count = whole ? in.numel() : in.numel() / std::max<int64_t>(in.size(0), 1);
    if (*per_image >= 0 && *per_image != count) {
        throw std::runtime_error("the rebase kernel's add and subtract must cover the same elements");
    }
    *per_image = count;
    return keep.data_ptr<float>();
}

}  // namespace

torch::Tensor rebase(const torch::Tensor& in_tensor, const torch::Tensor& add, bool relu,
                     const torch::Tensor& subtract, torch::ScalarType out_type) {
    const torch::MemoryFormat format = format_of(in_tensor);
    const torch::Tensor in = in_tensor.contiguous(format);
    int64_t per_image = -1;
    torch::Tensor add_kept, subtract_kept;
    const float* add_values = values_for(in, add, format, add_kept, &per_image);
    const float* subtract_values = values_for(in, subtract, format, subtract_kept, &per_image);
    if (per_image < 0) per_image = in.numel();
    const int64_t images = per_image == 0 ? 0 : in.numel() / per_image;
    torch::Tensor out = torch::empty(in.sizes(), in.options().dtype(out_type).memory_format(format));
    const int32_t in_type = element_type(in.scalar_type()), type = element_type(out_type);
    if (in.is_cuda()) {
        check(cs_rebase_cuda(in.data_ptr(), in_type, add_values, relu, subtract_values, images, per_image, type,
                             out.data_ptr(), cuda_stream(in.device())),
              "");
        return out;
    }
    const auto* in_bytes = static_cast<const char*>(in.data_ptr());
    auto* out_bytes = static_cast<char*>(out.data_ptr());
    const int64_t in_size = in.element_size(), out_size = out.element_size();
    if (images > 1) {
        // Slices of whole images, each with the one image's add and subtract.
        on_torch_threads(images, per_image, [&](int64_t begin, int64_t end, int32_t threads) {
            check(cs_rebase_cpu(in_bytes + begin * per_image * in_size, in_type, add_values, relu, subtract_values,
                                end - begin, per_image, type, out_bytes + begin * per_image * out_size, threads),
                  "");
        });
    } else {
        // One image (or add and subtract as large as in): slices of its elements, and of theirs.
        on_torch_threads(per_image, 1, [&](int64_t begin, int64_t end, int32_t threads) {
            check(cs_rebase_cpu(in_bytes + begin * in_size, in_type, add_values ? add_values + begin : nullptr, relu,
                                subtract_values ? subtract_values + begin : nullptr, images, end - begin, type,
                                out_bytes + begin * out_size, threads),
                  "");
        });
    }
    return out;
}

torch::Tensor rebase_patches(const torch::Tensor& in, const torch::Tensor& base, const cs_patch_place* at, bool relu,
                             torch::ScalarType out_type) {
    const auto channels_last = torch::MemoryFormat::ChannelsLast;
    if (in.dim() != 4 || base.dim() != 4 || base.size(0) != 1 || base.size(1) != in.size(1) ||
        !in.is_contiguous(channels_last) || !base.is_contiguous(channels_last) ||
        base.scalar_type() != torch::kFloat || base.device() != in.device()) {
        throw std::runtime_error("the rebase kernel's patches " + c10::str(in.sizes()) + " and base " +
                                 c10::str(base.sizes()) + " must be channels-last, with one float32 base image of " +
                                 "their channels on their device");
    }
    torch::Tensor out = torch::empty(in.sizes(), in.options().dtype(out_type).memory_format(channels_last));
    const int32_t in_type = element_type(in.scalar_type()), type = element_type(out_type);
    if (in.is_cuda()) {
        check(cs_rebase_patches_cuda(in.data_ptr(), in_type, base.data_ptr<float>(), in.size(1), base.size(2),
                                     base.size(3), at, in.size(0), in.size(2), in.size(3), relu, type,
                                     out.data_ptr(), cuda_stream(in.device())),
              " on patches");
        return out;
    }
    const int64_t count = in.size(0), per_patch = per_window(in);
    const auto* in_bytes = static_cast<const char*>(in.data_ptr());
    auto* out_bytes = static_cast<char*>(out.data_ptr());
    const int64_t in_size = in.element_size(), out_size = out.element_size();
    const float* base_values = base.data_ptr<float>();
    on_torch_threads(count, per_patch, [&](int64_t begin, int64_t end, int32_t threads) {
        check(cs_rebase_patches_cpu(in_bytes + begin * per_patch * in_size, in_type, base_values,
                                    in.size(1), base.size(2), base.size(3), at + begin, end - begin, in.size(2),
                                    in.size(3), relu, type, out_bytes + begin * per_patch * out_size, threads),
              " on patches");
    });
    return out;
}

}  // namespace convscope::bench
