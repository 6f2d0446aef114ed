// Specification of convscope/memory.h on glibc: before cs_retain_freed_memory a large block comes from mmap and
// goes back on free; after it, from the heap, and the heap keeps it when it is freed. (mallinfo2, glibc 2.33 and
// later, says where a block came from.) Elsewhere the call changes nothing and says so.
#include <cstdlib>
#include <cstring>

#include "check.h"
#include "convscope/memory.h"

#if defined(__GLIBC__)
#if __GLIBC_PREREQ(2, 33)
#define CONVSCOPE_TEST_MALLINFO2 1
#endif
#endif

#if defined(CONVSCOPE_TEST_MALLINFO2)
#include <malloc.h>

namespace {

constexpr size_t kBlock = size_t{96} << 20;  // a batch activation's size, above glibc's largest mmap threshold

// Writes every page, as a tensor's first use does; nullptr (and a failed check) when there is no memory.
void* touched_block() {
    void* p = std::malloc(kBlock);
    CHECK(p != nullptr);
    if (p != nullptr) std::memset(p, 1, kBlock);
    return p;
}

}  // namespace

CS_TEST(large_blocks_stay_in_the_heap_once_freed_memory_is_retained) {
    // The default: the block is mapped for itself (hblkhd counts mapped bytes) and unmapped on free.
    const size_t mapped_before = mallinfo2().hblkhd;
    void* p = touched_block();
    CHECK(mallinfo2().hblkhd >= mapped_before + kBlock);
    std::free(p);
    CHECK_EQ(mallinfo2().hblkhd, mapped_before);

    CHECK_EQ(cs_retain_freed_memory(), 1);
    CHECK_EQ(cs_retain_freed_memory(), 1);  // idempotent

    // Now from the heap (arena counts its bytes), nothing mapped; freed, it stays in the heap.
    const size_t arena_before = mallinfo2().arena;
    void* q = touched_block();
    CHECK_EQ(mallinfo2().hblkhd, mapped_before);
    CHECK(mallinfo2().arena >= arena_before + kBlock);
    std::free(q);
    CHECK(mallinfo2().arena >= arena_before + kBlock);
    // The same size again reuses it: the heap does not grow.
    const size_t arena_kept = mallinfo2().arena;
    void* r = touched_block();
    CHECK_EQ(mallinfo2().arena, arena_kept);
    std::free(r);
}

#elif defined(__GLIBC__)

CS_TEST(an_older_glibc_takes_the_setting) { CHECK_EQ(cs_retain_freed_memory(), 1); }

#else

CS_TEST(without_glibc_nothing_changes) { CHECK_EQ(cs_retain_freed_memory(), 0); }

#endif

int main() { return convscope::test::run_all("memory"); }
