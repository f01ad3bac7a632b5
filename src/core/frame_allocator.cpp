// frame_allocator.cpp: size-class free lists over slabs, one set per thread.
//
// The fast path touches one constant-initialized thread_local array (no TLS
// init guard): pop a block, or push it back. Slabs are only tracked on the slow
// path, by a second thread_local whose destructor releases them at thread
// exit, and only if every block carved from them has come back; otherwise they
// are left to the process (a frame that outlives its thread is rare, and
// freeing under it would be worse).
#include "agentio/core/frame_allocator.hpp"

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

constexpr std::size_t kGranule = 16;
constexpr std::size_t kClasses = 128;  // pooled sizes: up to 2 KiB
constexpr std::size_t kSlabBytes = 256 * 1024;

struct FreeBlock {
    FreeBlock* next;
};

struct FreeLists {
    FreeBlock* heads[kClasses];
    long outstanding;  // may go negative on a thread that frees others' blocks
};
constinit thread_local FreeLists lists{};

class Slabs {
public:
    ~Slabs() {
        if (lists.outstanding != 0) return;
        for (void* slab : slabs_) ::operator delete(slab);
    }
    char* add() {
        char* slab = static_cast<char*>(::operator new(kSlabBytes));
        slabs_.push_back(slab);
        return slab;
    }

private:
    std::vector<void*> slabs_;
};

[[gnu::noinline]] FreeBlock* refill(std::size_t cls) {
    thread_local Slabs slabs;
    const std::size_t block_bytes = cls * kGranule;
    char* slab = slabs.add();
    const std::size_t count = kSlabBytes / block_bytes;
    FreeBlock* head = nullptr;
    for (std::size_t i = count; i-- > 1;) {
        auto* block = reinterpret_cast<FreeBlock*>(slab + i * block_bytes);
        block->next = head;
        head = block;
    }
    lists.heads[cls] = head;
    return reinterpret_cast<FreeBlock*>(slab);  // the first block, handed out now
}

}  // namespace

void* allocate_frame(std::size_t size) {
    const std::size_t cls = (size + kGranule - 1) / kGranule;
    if (cls >= kClasses) return ::operator new(size);
    ++lists.outstanding;
    FreeBlock* block = lists.heads[cls];
    if (block == nullptr) return refill(cls);
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
