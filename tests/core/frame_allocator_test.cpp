// frame_allocator_test: the per-thread pool behind frames, nodes and timers.
#include "agentio/core/detail/frame_allocator.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

using agentio::detail::allocate_frame;
using agentio::detail::deallocate_frame;

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kPooled = false;  // sanitizer builds give every block to operator new
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kPooled = false;
#else
constexpr bool kPooled = true;
#endif
#else
constexpr bool kPooled = true;
#endif

struct Block {
    unsigned char* p;
    std::size_t size;
};

}  // namespace

// About 24 MiB of mixed sizes: the arena grows through its small-page regions
// into huge-page ones, and every block stays aligned, distinct and intact.
TEST(FrameAllocator, BlocksStayAlignedAndDistinctAsTheArenaGrows) {
    std::vector<Block> blocks;
    for (std::size_t i = 0; i < 120'000; ++i) {
        const std::size_t size = 24 + (i * 37) % 360;
        auto* p = static_cast<unsigned char*>(allocate_frame(size));
        ASSERT_EQ(reinterpret_cast<std::uintptr_t>(p) % 16, 0u) << "block " << i << " of " << size << " bytes";
        std::memset(p, static_cast<int>(i & 0xff), size);
        blocks.push_back({p, size});
    }
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        const Block& b = blocks[i];
        for (std::size_t k = 0; k < b.size; ++k)
            ASSERT_EQ(b.p[k], static_cast<unsigned char>(i & 0xff)) << "block " << i << " was overwritten";
    }
    for (const Block& b : blocks) deallocate_frame(b.p, b.size);
}

TEST(FrameAllocator, AFreedBlockIsReusedBySizesOfItsClass) {
    if (!kPooled) GTEST_SKIP() << "the pool is bypassed under AddressSanitizer";
    void* first = allocate_frame(100);
    deallocate_frame(first, 100);
    void* again = allocate_frame(110);  // 100 and 110 both take 112-byte blocks
    EXPECT_EQ(again, first);
    deallocate_frame(again, 110);
}

TEST(FrameAllocator, SizesBeyondThePoolAndOtherThreadsWork) {
    void* large = allocate_frame(64 * 1024);
    std::memset(large, 1, 64 * 1024);
    deallocate_frame(large, 64 * 1024);
    // A thread that makes a few frames and exits (its arena is released).
    std::thread worker([] {
        std::vector<void*> few;
        for (int i = 0; i < 100; ++i) few.push_back(allocate_frame(96));
        for (void* p : few) deallocate_frame(p, 96);
    });
    worker.join();
}
