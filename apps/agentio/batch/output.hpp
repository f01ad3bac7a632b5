// output.hpp: the batch output file, appended one whole line at a time so
// that it survives a crash at any moment.
//
// Invariant: the file is a sequence of complete JSON lines, except, after a
// crash or a full disk, for one torn tail. Each line goes out in a single
// write(2) on an O_APPEND descriptor: nothing sits in a user-space buffer
// for kill -9 to lose, and a write that fails part-way is cut back off.
// open() repairs a torn tail (an unterminated last line), so a re-run redoes
// exactly the lines that are not whole. The file is locked while open: a
// second run on the same output is refused rather than left to duplicate.
// Only open() with retry_failed ever removes a whole line, and only one
// that records a failure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>

namespace agentio::cli::batch {

// What an existing output file held when it was opened.
struct Existing {
    std::unordered_set<std::string> done;  // the custom_id of every whole line kept
    std::size_t failed = 0;                // kept lines that record a failure
    std::size_t dropped = 0;               // failed lines removed (retry_failed), to be redone
    bool repaired = false;                 // an unterminated last line was cut
};

class OutputFile {
public:
    // Opens (creating) and locks `path` for appending, and says in `found`
    // what it held. An unterminated last line is cut. With `retry_failed`,
    // lines that record a failure (an "error", or a status that is not 2xx)
    // and whose custom_id is in that set (this run's input) are removed too, by writing the rest to a new file renamed over the old
    // one: a crash at any point leaves either file whole. Throws
    // agentio::Error naming the file (and line) when a complete line is not
    // a batch output line (that file is not ours to append to), when another
    // run holds the lock, or when the file cannot be read or rewritten.
    static OutputFile open(const std::string& path, Existing& found,
                           const std::unordered_set<std::string>* retry_failed = nullptr);

    // Whether both paths exist and name one file (so -o would overwrite the input).
    static bool is_same_file(const std::string& path, const std::string& other);

    OutputFile(OutputFile&& other) noexcept;
    OutputFile& operator=(OutputFile&&) = delete;
    ~OutputFile();

    // Appends `line` and its '\n'. Throws agentio::Error naming the file and
    // the reason (a full disk, a file size limit); the file is left as it was.
    void append(std::string_view line);

    const std::string& path() const noexcept { return path_; }
    std::uint64_t lines_written() const noexcept { return lines_written_; }

private:
    OutputFile(std::string path, int fd, std::uint64_t size) : path_(std::move(path)), fd_(fd), size_(size) {}
    // Opens and locks `path_` afresh (after a rewrite renamed a new file over it).
    void reopen();

    std::string path_;
    int fd_ = -1;
    std::uint64_t size_ = 0;  // what the file holds: whole lines only
    std::uint64_t lines_written_ = 0;
    std::string buffer_;
};

}  // namespace agentio::cli::batch
