#include "json_line.h"

#include <cmath>
#include <cstdio>
#include <iostream>

namespace convscope::bench {

JsonLine& JsonLine::add(const std::string& key, const std::string& value) {
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

JsonLine& JsonLine::add(const std::string& key, double value) {
    if (!std::isfinite(value)) return raw(key, "null");
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.2f", value);
    std::string text = buf;
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') text.pop_back();
    return raw(key, text == "-0" ? "0" : text);
}

JsonLine& JsonLine::add_score(const std::string& key, double value) {
    if (!std::isfinite(value)) return raw(key, "null");
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.9g", value);
    return raw(key, buf);
}

JsonLine& JsonLine::raw(const std::string& key, const std::string& json) {
    text_ += (text_.empty() ? "{\"" : ", \"") + key + "\": " + json;
    return *this;
}

void JsonLine::print() const { std::cout << text_ << "}" << std::endl; }

}  // namespace convscope::bench
