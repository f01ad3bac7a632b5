// line_file.hpp: a file of text lines that survives a crash in the middle of
// a write. Shared by the JSONL session and the run journal.
//
// The promise: an append() that returned is on disk (fsync'd), and a process
// killed during one leaves at worst a torn last line, which read() leaves out
// and the next append() cuts off. replace() goes through a temporary file
// renamed over the original, atomic on POSIX. Errors name the file and what
// failed ("journal /tmp/x: cannot write: No space left on device").
//
// Blocking calls: run them on a worker thread (to_thread), never on the loop.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace agentio::agent::detail {

class LineFile {
public:
    // `label` names the file's role in error messages: "session", "journal".
    LineFile(std::filesystem::path path, std::string label);

    // The complete lines, empty ones skipped; a missing file has none.
    std::vector<std::string> read() const;
    // `text` must be whole lines, each ending in '\n'.
    void append(const std::string& text) const;
    void replace(const std::string& text) const;

    // Throws agentio::Error: "<label> <path>: <what>: <strerror(errno)>".
    [[noreturn]] void fail(const std::filesystem::path& path, const char* what) const;

    const std::filesystem::path& path() const noexcept { return path_; }

private:
    std::filesystem::path path_;
    std::string label_;
};

}  // namespace agentio::agent::detail
