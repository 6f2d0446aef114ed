// A minimal test harness for the C++ tests (no GoogleTest: the build must work offline). A test file
// defines cases with CS_TEST(name) { ... } and calls convscope::test::run_all() from main. Failed checks
// print file:line and the values, and the case goes on; the process exits 1 if any check failed.
#ifndef CONVSCOPE_TEST_CHECK_H
#define CONVSCOPE_TEST_CHECK_H

#include <cstdio>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace convscope::test {

struct Case {
    const char* name;
    std::function<void()> body;
};

inline std::vector<Case>& registry() {
    static std::vector<Case> cases;
    return cases;
}

inline int& failures() {
    static int count = 0;
    return count;
}

struct Register {
    Register(const char* name, std::function<void()> body) { registry().push_back({name, std::move(body)}); }
};

inline void fail(const char* file, int line, const std::string& what) {
    ++failures();
    std::fprintf(stderr, "%s:%d: FAILED: %s\n", file, line, what.c_str());
}

template <typename A, typename B>
void check_eq(const A& a, const B& b, const char* expr_a, const char* expr_b, const char* file, int line) {
    if (a == b) return;
    std::ostringstream msg;
    msg << expr_a << " == " << expr_b << " (" << a << " vs " << b << ")";
    fail(file, line, msg.str());
}

inline int run_all(const char* suite) {
    for (const Case& c : registry()) {
        const int before = failures();
        c.body();
        std::printf("%s %s.%s\n", failures() == before ? "[  OK  ]" : "[ FAIL ]", suite, c.name);
    }
    std::printf("%s: %zu cases, %d failed checks\n", suite, registry().size(), failures());
    return failures() == 0 ? 0 : 1;
}

}  // namespace convscope::test

#define CS_TEST(name)                                                              \
    static void name();                                                            \
    static const convscope::test::Register name##_registration(#name, name);       \
    static void name()

#define CHECK(cond) \
    ((cond) ? (void)0 : convscope::test::fail(__FILE__, __LINE__, "CHECK(" #cond ")"))

#define CHECK_EQ(a, b) convscope::test::check_eq((a), (b), #a, #b, __FILE__, __LINE__)

#endif
