// frame_allocator.cpp: size-class free lists over slabs, one set per thread.
//
// Slabs are released when the thread exits, but only if every block carved from
// them has come back; otherwise they are left to the process (a frame that
// outlives its thread is rare, and freeing under it would be worse).
#include "agentio/core/frame_allocator.hpp"

#include <array>
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

constexpr std::size_t kGranule = 64;
constexpr std::size_t kClasses = 32;  // pooled sizes: up to 2 KiB
constexpr std::size_t kSlabBytes = 64 * 1024;

struct FreeBlock {
    FreeBlock* next;
};

class FramePool {
public:
    ~FramePool() {
        if (outstanding_ != 0) return;
        for (void* slab : slabs_) ::operator delete(slab);
    }

    void* allocate(std::size_t size) {
        const std::size_t cls = (size + kGranule - 1) / kGranule;
        if (cls >= kClasses) return ::operator new(size);
        ++outstanding_;
        FreeBlock*& head = free_[cls];
        if (head == nullptr) refill(cls);
        FreeBlock* block = head;
        head = block->next;
        return block;
    }

    void deallocate(void* p, std::size_t size) noexcept {
        const std::size_t cls = (size + kGranule - 1) / kGranule;
        if (cls >= kClasses) {
            ::operator delete(p);
            return;
        }
        --outstanding_;
        auto* block = static_cast<FreeBlock*>(p);
        block->next = free_[cls];
        free_[cls] = block;
    }

private:
    void refill(std::size_t cls) {
        const std::size_t block_bytes = cls * kGranule;
        char* slab = static_cast<char*>(::operator new(kSlabBytes));
        slabs_.push_back(slab);
        const std::size_t count = kSlabBytes / block_bytes;
        FreeBlock* head = free_[cls];
        for (std::size_t i = count; i-- > 0;) {
            auto* block = reinterpret_cast<FreeBlock*>(slab + i * block_bytes);
            block->next = head;
            head = block;
        }
        free_[cls] = head;
    }

    std::array<FreeBlock*, kClasses> free_{};
    std::vector<void*> slabs_;
    long outstanding_ = 0;  // may go negative on a thread that frees others' blocks
};

FramePool& pool() {
    thread_local FramePool instance;
    return instance;
}

}  // namespace

void* allocate_frame(std::size_t size) { return pool().allocate(size); }
void deallocate_frame(void* block, std::size_t size) noexcept { pool().deallocate(block, size); }

#else

void* allocate_frame(std::size_t size) { return ::operator new(size); }
void deallocate_frame(void* block, std::size_t) noexcept { ::operator delete(block); }

#endif

}  // namespace agentio::detail
