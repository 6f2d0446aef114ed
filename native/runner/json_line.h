// One JSON object on one line, keys in insertion order: the output vocabulary of DESIGN.md §5.
#ifndef CONVSCOPE_RUNNER_JSON_LINE_H
#define CONVSCOPE_RUNNER_JSON_LINE_H

#include <cstdint>
#include <string>

namespace convscope::bench {

class JsonLine {
public:
    JsonLine& add(const std::string& key, const std::string& value);
    JsonLine& add(const std::string& key, const char* value) { return add(key, std::string(value)); }
    JsonLine& add(const std::string& key, bool value) { return raw(key, value ? "true" : "false"); }
    JsonLine& add(const std::string& key, int64_t value) { return raw(key, std::to_string(value)); }
    JsonLine& add(const std::string& key, int value) { return raw(key, std::to_string(value)); }
    // Rates and ratios, rounded to 2 decimals like the Java bench's; null when not finite.
    JsonLine& add(const std::string& key, double value);
    // Scores and differences: 9 significant digits, enough to read back the exact float; null when not finite.
    JsonLine& add_score(const std::string& key, double value);
    JsonLine& raw(const std::string& key, const std::string& json);
    // Writes the line to stdout and flushes it.
    void print() const;

private:
    std::string text_;
};

}  // namespace convscope::bench

#endif
