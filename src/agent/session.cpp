// session.cpp: the in-memory and JSONL conversation stores.
//
// The JSONL store's promise is that an add() that returned is on disk, and
// that a crash in the middle of one leaves at worst a torn last line, which
// reading skips and the next write removes. So writes go: cut any torn tail,
// append the new lines, fsync; and pop() rewrites through a temporary file
// renamed over the original (atomic on POSIX).
#include "agentio/agent/session.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "agentio/core/errors.hpp"
#include "agentio/core/to_thread.hpp"
#include "agentio/llm/wire.hpp"

namespace agentio::agent {

// ---- MemorySession ----

Task<std::vector<llm::Message>> MemorySession::messages(std::optional<std::size_t> limit) {
    if (!limit || *limit >= messages_.size()) co_return messages_;
    co_return std::vector<llm::Message>(messages_.end() - static_cast<std::ptrdiff_t>(*limit), messages_.end());
}

Task<> MemorySession::add(std::vector<llm::Message> messages) {
    messages_.insert(messages_.end(), std::make_move_iterator(messages.begin()), std::make_move_iterator(messages.end()));
    co_return;
}

Task<std::optional<llm::Message>> MemorySession::pop() {
    if (messages_.empty()) co_return std::nullopt;
    llm::Message last = std::move(messages_.back());
    messages_.pop_back();
    co_return last;
}

Task<> MemorySession::clear() {
    messages_.clear();
    co_return;
}

// ---- JsonlSession ----

namespace {

[[noreturn]] void fail_io(const std::filesystem::path& path, const char* what) {
    throw Error(std::string("session ") + path.string() + ": " + what + ": " + std::strerror(errno));
}

// The file's complete lines (a torn last line is left out) and the length
// they cover.
struct Contents {
    std::vector<std::string> lines;
    std::size_t complete_bytes = 0;
};

Contents read_lines(const std::filesystem::path& path) {
    Contents contents;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (!std::filesystem::exists(path)) return contents;
        fail_io(path, "cannot open");
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    std::size_t start = 0;
    for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
        if (end > start) contents.lines.push_back(text.substr(start, end - start));
        contents.complete_bytes = end + 1;
    }
    return contents;
}

std::vector<llm::Message> parse_lines(const std::filesystem::path& path, const std::vector<std::string>& lines, std::size_t first) {
    std::vector<llm::Message> messages;
    for (std::size_t i = first; i < lines.size(); ++i) {
        const llm::Json value = llm::Json::parse(lines[i], nullptr, false);
        try {
            if (value.is_discarded()) throw Error("not JSON");
            messages.push_back(llm::message_from_json(value));
        } catch (const std::exception& e) {
            throw Error("session " + path.string() + ", line " + std::to_string(i + 1) + ": not a message: " + e.what());
        }
    }
    return messages;
}

void write_all(int fd, const std::string& data, const std::filesystem::path& path) {
    for (std::size_t done = 0; done < data.size();) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail_io(path, "cannot write");
        }
        done += static_cast<std::size_t>(n);
    }
}

std::string lines_of(const std::vector<llm::Message>& messages) {
    std::string text;
    for (const llm::Message& message : messages) text += llm::to_json_value(message).dump() + "\n";
    return text;
}

// Where the complete lines of the open file end: a torn tail (no final
// newline) is left out. Reads backwards from the end, so an append costs the
// tail, not the whole conversation.
off_t complete_length(int fd, off_t size, const std::filesystem::path& path) {
    char block[4096];
    for (off_t end = size; end > 0;) {
        const off_t start = end > static_cast<off_t>(sizeof block) ? end - static_cast<off_t>(sizeof block) : 0;
        const ssize_t n = ::pread(fd, block, static_cast<std::size_t>(end - start), start);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail_io(path, "cannot read");
        }
        for (ssize_t i = n; i > 0; --i)
            if (block[i - 1] == '\n') return start + i;
        end = start;
    }
    return 0;
}

void append_synced(const std::filesystem::path& path, const std::string& text) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) fail_io(path, "cannot open for writing");
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    // Cut a torn tail left by a crash, then append after the complete lines.
    struct stat info {};
    if (::fstat(fd, &info) != 0) fail_io(path, "cannot stat");
    const off_t complete = complete_length(fd, info.st_size, path);
    if (complete != info.st_size && ::ftruncate(fd, complete) != 0) fail_io(path, "cannot truncate");
    if (::lseek(fd, complete, SEEK_SET) < 0) fail_io(path, "cannot seek");
    write_all(fd, text, path);
    if (::fsync(fd) != 0) fail_io(path, "cannot fsync");
}

void replace_synced(const std::filesystem::path& path, const std::string& text) {
    const std::filesystem::path temporary = path.string() + ".tmp";
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) fail_io(temporary, "cannot open for writing");
    write_all(fd, text, temporary);
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!synced) fail_io(temporary, "cannot fsync");
    if (::rename(temporary.c_str(), path.c_str()) != 0) fail_io(path, "cannot replace");
}

}  // namespace

JsonlSession::JsonlSession(std::filesystem::path path) : path_(std::move(path)) {}

Task<std::vector<llm::Message>> JsonlSession::messages(std::optional<std::size_t> limit) {
    // Each job is named before it is awaited: g++ 12 destroys a closure
    // temporary in a co_await expression twice.
    auto read = [path = path_, limit] {
        const Contents contents = read_lines(path);
        const std::size_t first = limit && *limit < contents.lines.size() ? contents.lines.size() - *limit : 0;
        return parse_lines(path, contents.lines, first);
    };
    co_return co_await to_thread(std::move(read));
}

Task<> JsonlSession::add(std::vector<llm::Message> messages) {
    if (messages.empty()) co_return;
    auto append = [path = path_, text = lines_of(messages)] { append_synced(path, text); };
    co_await to_thread(std::move(append));
}

Task<std::optional<llm::Message>> JsonlSession::pop() {
    auto take_last = [path = path_]() -> std::optional<llm::Message> {
        const Contents contents = read_lines(path);
        if (contents.lines.empty()) return std::nullopt;
        std::vector<llm::Message> all = parse_lines(path, contents.lines, 0);
        llm::Message last = std::move(all.back());
        all.pop_back();
        replace_synced(path, lines_of(all));
        return last;
    };
    co_return co_await to_thread(std::move(take_last));
}

Task<> JsonlSession::clear() {
    auto empty = [path = path_] { replace_synced(path, ""); };
    co_await to_thread(std::move(empty));
}

}  // namespace agentio::agent
