// Specification of convscope/grid.h: window placement by hand-worked examples, and the batch policy.
#include <cstdint>
#include <vector>

#include "check.h"
#include "convscope/grid.h"

namespace {

std::vector<int32_t> offsets(int32_t placement, int64_t size, int64_t window, int64_t stride) {
    int64_t count = -1;
    CHECK_EQ(cs_window_offsets(placement, size, window, stride, nullptr, 0, &count), static_cast<int>(CS_OK));
    std::vector<int32_t> out(static_cast<size_t>(count), -1);
    int64_t again = -1;
    CHECK_EQ(cs_window_offsets(placement, size, window, stride, out.data(), count, &again), static_cast<int>(CS_OK));
    CHECK_EQ(again, count);
    return out;
}

}  // namespace

CS_TEST(grid_windows_step_and_end_flush_with_the_far_edge) {
    // 224 px, window 50, stride 10: 0, 10, ..., 170 fit (18), then 174 so the last 4 pixels are covered.
    std::vector<int32_t> tops = offsets(CS_PLACEMENT_GRID, 224, 50, 10);
    CHECK_EQ(tops.size(), size_t{19});
    CHECK_EQ(tops[0], 0);
    CHECK_EQ(tops[17], 170);
    CHECK_EQ(tops[18], 174);
    // Steps that end on the edge add nothing: 224, window 32, stride 16 -> 0..192, 13 windows.
    std::vector<int32_t> even = offsets(CS_PLACEMENT_GRID, 224, 32, 16);
    CHECK_EQ(even.size(), size_t{13});
    CHECK_EQ(even.back(), 192);
    // A window as large as the input: one position.
    CHECK_EQ(offsets(CS_PLACEMENT_GRID, 8, 8, 3).size(), size_t{1});
}

CS_TEST(captum_windows_reach_past_the_far_edge) {
    // ceil((67 - 13) / 5) + 1 = 12 windows at 0, 5, ..., 55; the last covers 55..67, past the edge at 67.
    std::vector<int32_t> tops = offsets(CS_PLACEMENT_CAPTUM, 67, 13, 5);
    CHECK_EQ(tops.size(), size_t{12});
    CHECK_EQ(tops.back(), 55);
    // Captum's window 2 stride 2 on 3 pixels: 0 and 2 (the second reaches past the edge).
    std::vector<int32_t> small = offsets(CS_PLACEMENT_CAPTUM, 3, 2, 2);
    CHECK_EQ(small.size(), size_t{2});
    CHECK_EQ(small[1], 2);
}

CS_TEST(a_short_buffer_gets_the_first_offsets_and_the_full_count) {
    int32_t first[3] = {-1, -1, -1};
    int64_t count = 0;
    CHECK_EQ(cs_window_offsets(CS_PLACEMENT_GRID, 224, 50, 10, first, 2, &count), static_cast<int>(CS_OK));
    CHECK_EQ(count, int64_t{19});
    CHECK_EQ(first[1], 10);
    CHECK_EQ(first[2], -1);
}

CS_TEST(bad_arguments_are_refused_and_nothing_is_written) {
    int64_t count = 77;
    int32_t out[1] = {-1};
    CHECK_EQ(cs_window_offsets(CS_PLACEMENT_GRID, 10, 11, 1, out, 1, &count), static_cast<int>(CS_INVALID_ARGUMENT));
    CHECK_EQ(cs_window_offsets(CS_PLACEMENT_GRID, 10, 0, 1, out, 1, &count), static_cast<int>(CS_INVALID_ARGUMENT));
    CHECK_EQ(cs_window_offsets(CS_PLACEMENT_GRID, 10, 2, 0, out, 1, &count), static_cast<int>(CS_INVALID_ARGUMENT));
    CHECK_EQ(cs_window_offsets(7, 10, 2, 1, out, 1, &count), static_cast<int>(CS_INVALID_ARGUMENT));
    CHECK_EQ(cs_window_offsets(CS_PLACEMENT_GRID, 10, 2, 1, nullptr, 1, &count),
             static_cast<int>(CS_INVALID_ARGUMENT));
    CHECK_EQ(cs_window_offsets(CS_PLACEMENT_GRID, 10, 2, 1, out, 1, nullptr), static_cast<int>(CS_INVALID_ARGUMENT));
    CHECK_EQ(count, int64_t{77});
    CHECK_EQ(out[0], -1);
}

CS_TEST(chunks_are_equal_and_follow_the_budget) {
    CHECK_EQ(cs_even_chunks(361, 128), int64_t{121});  // 3 chunks of 121, not 128 + 128 + 105
    CHECK_EQ(cs_even_chunks(64, 128), int64_t{64});
    CHECK_EQ(cs_even_chunks(129, 128), int64_t{65});
    // AlexNet's 361 windows of 3 x 224 x 224: 2 GiB / (4 * 150528 * 16) = 222 fit, 128 at most on the CPU.
    CHECK_EQ(cs_chunk_windows(361, 3, 224, 224, 0), int64_t{121});
    CHECK_EQ(cs_chunk_windows(361, 3, 224, 224, 1), int64_t{181});  // 222 fit on CUDA too: 2 chunks
    CHECK_EQ(cs_chunk_windows(5, 3, 224, 224, 0), int64_t{5});
    CHECK_EQ(cs_chunk_windows(10, 3, 8192, 8192, 0), int64_t{1});  // one window over the budget still runs
}

CS_TEST(the_classifier_takes_every_window_that_fits) {
    // AlexNet's classifier reads 256 x 6 x 6 = 9216 floats a window: all 361 in one call.
    CHECK_EQ(cs_head_windows(9216, 121, 361), int64_t{361});
    // A large input to the rest (ResNet's after its stem, 64 x 56 x 56): 2 GiB / (4 * 200704 * 16) = 167,
    // so one chunk of 121 per call.
    CHECK_EQ(cs_head_windows(64 * 56 * 56, 121, 361), int64_t{121});
    CHECK_EQ(cs_head_windows(9216, 121, 50), int64_t{50});
}

int main() { return convscope::test::run_all("grid"); }
