// frame_allocator.hpp: a per-thread recycling allocator for coroutine frames.
//
// Every Task<T> frame comes from here, and so do task nodes and timers.
// Frames are small (tens to hundreds of bytes) and short-lived, and a busy
// agent creates millions of them, so each thread keeps free lists by size
// class (16-byte steps up to 2 KiB), fed from a per-thread arena whose large
// regions use transparent huge pages: after warm-up, creating a task touches
// no global allocator and no fresh page, and before it a fresh page costs one
// fault per 2 MiB rather than per 4 KiB.
//
// Invariants:
// - allocate(n) and deallocate(p, n) must be given the same n > 0 (coroutine
//   frames use sized delete, so this holds by construction).
// - Every block is 16-byte aligned, as operator new's would be.
// - A block may be freed on another thread than the one that allocated it; it
//   then joins the freeing thread's list (memory is plain operator new memory).
// - Sanitizer builds bypass the pool so that AddressSanitizer sees every frame's
//   lifetime exactly.
#pragma once

#include <cstddef>

namespace agentio::detail {

void* allocate_frame(std::size_t size);
void deallocate_frame(void* block, std::size_t size) noexcept;

}  // namespace agentio::detail
