// frame_allocator.cpp: size-class free lists over a bump arena, one set per thread.
//
// The fast path touches one constant-initialized thread_local struct (no TLS
// init guard): pop a block from its size class's list, else carve it from the
// arena by bumping a pointer; freeing pushes it back. Carving block by block
// means memory is only touched when a block is first handed out: a size class
// used once costs one block, not a slab threaded into a free list.
//
// Fresh memory is what a cold process pays for: on this class of VM a 4 KiB
// page fault costs 10-20 us, so 200,000 tasks (about 35 MiB of frames and
// nodes) spend most of their first run in the kernel. The arena therefore
// grows in regions of doubling size, and every region from 2 MiB on is
// 2 MiB-aligned and advised for transparent huge pages (MADV_HUGEPAGE): one
// fault then brings in 2 MiB. The first regions stay in small pages, so a
// thread that creates a few frames (a to_thread worker, a small program) does
// not pin 2 MiB. Without huge pages (THP off, none free) the advice is a no-op
// and regions fault in 4 KiB pages as before.
//
// Regions are tracked only on the slow path, by a second thread_local whose
// destructor unmaps them at thread exit, and only if every block handed out
// on this thread has come back; otherwise they are left to the process (a
// frame that outlives its thread is rare, and unmapping under it would be worse).
#include "agentio/core/detail/frame_allocator.hpp"

#include <sys/mman.h>

#include <cstdint>
#include <new>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#define AGENTIO_FRAME_POOL 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define AGENTIO_FRAME_POOL 0
#endif
#endif
#ifndef AGENTIO_FRAME_POOL
#define AGENTIO_FRAME_POOL 1
#endif

namespace agentio::detail {

#if AGENTIO_FRAME_POOL
namespace {

constexpr std::size_t kGranule = 16;   // the alignment every frame may assume
constexpr std::size_t kClasses = 128;  // pooled sizes: up to 2 KiB
constexpr std::size_t kFirstRegionBytes = 256 * 1024;
constexpr std::size_t kHugePageBytes = 2 * 1024 * 1024;
constexpr std::size_t kMaxRegionBytes = 64 * 1024 * 1024;

struct FreeBlock {
    FreeBlock* next;
};

struct FreeLists {
    FreeBlock* heads[kClasses];
    char* cursor;  // the arena's unused part: [cursor, limit)
    char* limit;
    long outstanding;  // may go negative on a thread that frees others' blocks
};
constinit thread_local FreeLists lists{};

class Regions {
public:
    Regions() = default;
    Regions(const Regions&) = delete;
    Regions& operator=(const Regions&) = delete;
    ~Regions() {
        if (lists.outstanding != 0) return;
        for (const Region& region : regions_) ::munmap(region.base, region.bytes);
    }
    // Maps the next region and makes it the arena.
    void grow() {
        const std::size_t bytes = next_bytes_;
        regions_.reserve(regions_.size() + 1);  // before mapping: the push below cannot throw
        char* base = bytes >= kHugePageBytes ? map_huge(bytes) : map(bytes);
        regions_.push_back({base, bytes});
        lists.cursor = base;
        lists.limit = base + bytes;
        if (next_bytes_ < kMaxRegionBytes) next_bytes_ *= 2;
    }

private:
    struct Region {
        char* base;
        std::size_t bytes;
    };
    static char* map(std::size_t bytes) {
        void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) throw std::bad_alloc();
        return static_cast<char*>(p);
    }
    // A region on a huge-page boundary: map one huge page more, trim both ends.
    static char* map_huge(std::size_t bytes) {
        char* raw = map(bytes + kHugePageBytes);
        const auto address = reinterpret_cast<std::uintptr_t>(raw);
        char* base = raw + ((kHugePageBytes - address % kHugePageBytes) % kHugePageBytes);
        if (base != raw) ::munmap(raw, static_cast<std::size_t>(base - raw));
        char* end = base + bytes;
        if (std::size_t tail = static_cast<std::size_t>(raw + bytes + kHugePageBytes - end); tail > 0)
            ::munmap(end, tail);
#ifdef MADV_HUGEPAGE
        ::madvise(base, bytes, MADV_HUGEPAGE);  // advice only: failure leaves small pages
#endif
        return base;
    }

    std::vector<Region> regions_;
    std::size_t next_bytes_ = kFirstRegionBytes;
};

// The arena is spent (or not yet mapped): map the next region, carve from it.
[[gnu::noinline]] void* carve_from_new_region(std::size_t bytes) {
    thread_local Regions regions;
    regions.grow();
    char* block = lists.cursor;
    lists.cursor += bytes;
    return block;
}

}  // namespace

void* allocate_frame(std::size_t size) {
    const std::size_t cls = (size + kGranule - 1) / kGranule;
    if (cls >= kClasses) return ::operator new(size);
    FreeBlock* block = lists.heads[cls];
    if (block == nullptr) {
        const std::size_t bytes = cls * kGranule;
        char* carved = lists.cursor;
        void* fresh = static_cast<std::size_t>(lists.limit - carved) >= bytes
                          ? (lists.cursor = carved + bytes, carved)
                          : carve_from_new_region(bytes);  // the rest of the old region stays unused
        ++lists.outstanding;
        return fresh;
    }
    ++lists.outstanding;
    FreeBlock* next = block->next;
    lists.heads[cls] = next;
    // Recycled blocks are scattered: start fetching the one after, so that the
    // next allocation does not wait for memory to read its link.
    if (next != nullptr) __builtin_prefetch(next, 1);
    return block;
}

void deallocate_frame(void* p, std::size_t size) noexcept {
    const std::size_t cls = (size + kGranule - 1) / kGranule;
    if (cls >= kClasses) {
        ::operator delete(p);
        return;
    }
    --lists.outstanding;
    auto* block = static_cast<FreeBlock*>(p);
    block->next = lists.heads[cls];
    lists.heads[cls] = block;
}

#else

void* allocate_frame(std::size_t size) { return ::operator new(size); }
void deallocate_frame(void* block, std::size_t) noexcept { ::operator delete(block); }

#endif

}  // namespace agentio::detail
