#include "npy.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <stdexcept>

#include "errors.h"

namespace convscope::bench {

namespace {

std::string shape_text(const std::vector<int64_t>& shape) {
    std::string text;
    for (size_t i = 0; i < shape.size(); ++i) text += (i ? " x " : "") + std::to_string(shape[i]);
    return text.empty() ? "()" : text;
}

// The value of `key` in a .npy header dictionary, by the pattern that captures it; throws when absent.
std::string header_field(const std::string& header, const std::string& key, const std::string& value_pattern,
                         const std::string& path) {
    std::smatch m;
    if (!std::regex_search(header, m, std::regex("'" + key + "'\\s*:\\s*" + value_pattern))) {
        throw UsageError(path + " has a .npy header without a readable '" + key + "'");
    }
    return m[1].str();
}

}  // namespace

NpyImage read_npy_image(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError("cannot read --input-npy " + path + ": no such file or not readable");
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) {
        throw UsageError(path + " is not a .npy file (no \\x93NUMPY magic); save one with numpy.save");
    }
    const auto byte = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])); };
    const int major = static_cast<int>(byte(6));
    if (major < 1 || major > 3) {
        throw UsageError(path + " is .npy format " + std::to_string(major) + ", and convscope reads 1 to 3");
    }
    size_t header_length = 0, data_start = 0;
    if (major == 1) {
        header_length = byte(8) | (byte(9) << 8);
        data_start = 10 + header_length;
    } else {
        if (bytes.size() < 12) throw UsageError(path + " is truncated inside its .npy header");
        header_length = byte(8) | (byte(9) << 8) | (byte(10) << 16) | (byte(11) << 24);
        data_start = 12 + header_length;
    }
    if (data_start > bytes.size()) {
        throw UsageError(path + " is truncated: its header says " + std::to_string(header_length) + " bytes");
    }
    const std::string header = bytes.substr(data_start - header_length, header_length);
    const std::string descr = header_field(header, "descr", "'([^']*)'", path);
    if (descr != "<f4" && descr != "=f4" && descr != "|f4") {
        throw UsageError(path + " holds dtype '" + descr + "', and convscope reads float32 ('<f4'); convert it "
                         "with array.astype(numpy.float32)");
    }
    if (header_field(header, "fortran_order", "(True|False)", path) == "True") {
        throw UsageError(path + " is in Fortran order; save it in C order (numpy.ascontiguousarray)");
    }
    std::vector<int64_t> shape;
    const std::string dims = header_field(header, "shape", "\\(([^)]*)\\)", path);
    const std::regex number("\\s*(\\d+)\\s*(,|$)");
    for (auto it = std::sregex_iterator(dims.begin(), dims.end(), number); it != std::sregex_iterator(); ++it) {
        shape.push_back(std::stoll((*it)[1].str()));
    }
    std::vector<int64_t> chw = shape;
    if (chw.size() == 4 && chw[0] == 1) chw.erase(chw.begin());
    if (chw.size() != 3 || chw[0] < 1 || chw[1] < 1 || chw[2] < 1) {
        throw UsageError(path + " has shape " + shape_text(shape) + "; give C x H x W or 1 x C x H x W");
    }
    const int64_t count = chw[0] * chw[1] * chw[2];
    if (static_cast<int64_t>(bytes.size() - data_start) != count * 4) {
        throw UsageError(path + " should hold " + std::to_string(count) + " float32 values after its header, "
                         "but has " + std::to_string(bytes.size() - data_start) + " bytes");
    }
    NpyImage image;
    image.channels = chw[0];
    image.height = chw[1];
    image.width = chw[2];
    image.values.resize(static_cast<size_t>(count));
    for (size_t i = 0; i < image.values.size(); ++i) {
        const size_t at = data_start + 4 * i;
        const uint32_t bits = byte(at) | (byte(at + 1) << 8) | (byte(at + 2) << 16) | (byte(at + 3) << 24);
        std::memcpy(&image.values[i], &bits, sizeof bits);
    }
    return image;
}

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

}  // namespace convscope::bench
