// output.cpp: recovery of an existing output file, and whole-line appends.
#include "batch/output.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "agentio/core/errors.hpp"

namespace agentio::cli::batch {
namespace {

// A line longer than this is no line of ours (the longest reply a model
// writes is far shorter): refusing it keeps a foreign or corrupt file from
// growing the memory of a scan without bound.
constexpr std::size_t kLongestLine = 256u << 20;

// Calls `each(line)` for each '\n'-terminated line in the first `size`
// bytes of `fd` (what the file held when opened: a file that grows meanwhile
// is not chased), reading a piece at a time, never the whole file; returns
// the offset just past the last whole line. A read error throws: treating an
// unreadable output as empty would redo (and duplicate) every line it holds.
template <class Each>
std::uint64_t for_each_line(int fd, std::uint64_t size, const std::string& path, Each each) {
    std::vector<char> buffer(1u << 20);
    std::string pending;  // the start of a line that has not ended yet
    std::uint64_t offset = 0, whole = 0;
    while (offset < size) {
        const ssize_t n = ::pread(fd, buffer.data(), std::min<std::uint64_t>(buffer.size(), size - offset),
                                  static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error("cannot read " + path + ": " + std::strerror(errno));
        if (n == 0) break;  // it shrank meanwhile
        std::string_view piece(buffer.data(), static_cast<std::size_t>(n));
        const std::uint64_t piece_start = offset;
        offset += static_cast<std::uint64_t>(n);
        for (std::size_t end = piece.find('\n'); end != std::string_view::npos; end = piece.find('\n')) {
            if (pending.empty()) {
                each(piece.substr(0, end));
            } else {
                pending.append(piece.substr(0, end));
                each(std::string_view(pending));
                pending.clear();
            }
            whole = piece_start + static_cast<std::uint64_t>(piece.data() - buffer.data()) + end + 1;
            piece.remove_prefix(end + 1);
        }
        pending.append(piece);
        if (pending.size() > kLongestLine)
            throw Error(path + ": a line over " + std::to_string(kLongestLine >> 20) +
                        " MiB is not a batch output line; refusing to append to this file");
    }
    return whole;
}

// What open() needs of a complete output line.
struct LineInfo {
    std::string custom_id;  // empty: not a batch output line
    bool failed = false;
};

LineInfo read_line(std::string_view line) {
    const nlohmann::json json = nlohmann::json::parse(line, nullptr, false);
    if (json.is_discarded() || !json.is_object()) return {};
    const auto id = json.find("custom_id");
    if (id == json.end() || !id->is_string()) return {};
    const auto answered_2xx = [&json] {
        const auto response = json.find("response");
        if (response == json.end() || !response->is_object()) return false;
        const auto status = response->find("status_code");
        return status != response->end() && status->is_number_integer() && status->get<int>() / 100 == 2;
    };
    const auto error = json.find("error");
    return {id->get<std::string>(), (error != json.end() && !error->is_null()) || !answered_2xx()};
}

[[noreturn]] void fail(const std::string& what, const std::string& path, int error) {
    throw Error(what + " " + path + ": " + std::strerror(error));
}

// Writes all of `text`, retrying short writes; 0, or the errno that stopped
// it (a write of nothing counts as a full disk), with `written` saying how
// far it got.
int write_all(int fd, std::string_view text, std::size_t& written) {
    written = 0;
    while (written < text.size()) {
        const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n > 0) written += static_cast<std::size_t>(n);
        else if (n == 0) return ENOSPC;
        else if (errno != EINTR) return errno;
    }
    return 0;
}

int open_locked(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) fail("cannot open", path, errno);
    // The output is read back to resume: a device or a pipe cannot be (and
    // reading /dev/full or /dev/zero never ends).
    struct stat info {};
    if (::fstat(fd, &info) == 0 && !S_ISREG(info.st_mode)) {
        ::close(fd);
        throw Error(path + ": not a regular file; -o must be a file that a re-run can read back to resume");
    }
    // Two runs appending to one file would both redo the same lines, and one's
    // repair could cut the other's writes.
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int error = errno;
        ::close(fd);
        if (error == EWOULDBLOCK) throw Error(path + " is being written by another agentio batch; wait for it or pick another -o");
        fail("cannot lock", path, error);
    }
    return fd;
}

// Rewrites `path` (open as `old_fd`, `size` bytes) with only the lines
// `keep` accepts, by way of a new file renamed over it (atomic: a crash
// leaves the old file or the new one, whole), with the old one's
// permissions. Streamed, as the scan is. Returns the new file's size.
template <class Keep>
std::uint64_t rewrite_keeping(const std::string& path, int old_fd, std::uint64_t size, Keep keep) {
    const std::string temporary = path + ".rewrite";
    struct stat old {};
    const mode_t mode = ::fstat(old_fd, &old) == 0 ? (old.st_mode & 07777) : 0644;
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) fail("cannot create", temporary, errno);
    (void)::fchmod(fd, mode);  // as the old file, whatever the umask
    const auto give_up = [&](int error) {
        ::close(fd);
        ::unlink(temporary.c_str());
        fail("cannot write", temporary, error);
    };
    std::string out;
    std::uint64_t total = 0;
    const auto flush = [&] {
        std::size_t written = 0;
        if (const int error = write_all(fd, out, written); error != 0) give_up(error);
        total += out.size();
        out.clear();
    };
    try {
        for_each_line(old_fd, size, path, [&](std::string_view line) {
            if (!keep(line)) return;
            out.append(line).push_back('\n');
            if (out.size() >= (1u << 20)) flush();
        });
    } catch (...) {
        ::close(fd);
        ::unlink(temporary.c_str());
        throw;
    }
    flush();
    const int synced = ::fsync(fd) == 0 ? 0 : errno;
    const int closed = ::close(fd) == 0 ? 0 : errno;
    if (synced != 0 || closed != 0) {
        ::unlink(temporary.c_str());
        fail("cannot write", temporary, synced != 0 ? synced : closed);
    }
    if (::rename(temporary.c_str(), path.c_str()) != 0) {
        const int error = errno;
        ::unlink(temporary.c_str());
        fail("cannot replace", path, error);
    }
    return total;
}

}  // namespace

OutputFile OutputFile::open(const std::string& path, Existing& found, const std::unordered_set<std::string>* retry_failed) {
    found = Existing{};
    OutputFile file(path, open_locked(path), 0);  // closes its fd on every throw below
    struct stat info {};
    if (::fstat(file.fd_, &info) != 0) fail("cannot read", path, errno);
    const auto size = static_cast<std::uint64_t>(info.st_size);
    const auto to_drop = [&](const LineInfo& line) {
        return retry_failed && line.failed && retry_failed->count(line.custom_id) > 0;
    };
    std::size_t number = 0;
    // Each line goes out in one write that ends with its '\n', so a crash
    // can leave only an unterminated tail. A terminated line that is not
    // ours, wherever it is, means something else wrote this file.
    const std::uint64_t keep = for_each_line(file.fd_, size, path, [&](std::string_view line) {
        ++number;
        LineInfo info = read_line(line);
        if (info.custom_id.empty())
            throw Error(path + ":" + std::to_string(number) + ": not a batch output line; refusing to append to this file");
        if (to_drop(info)) {
            ++found.dropped;
            return;
        }
        found.failed += info.failed ? 1 : 0;
        found.done.insert(std::move(info.custom_id));
    });
    found.repaired = keep != size;
    if (found.dropped > 0) {
        const std::uint64_t kept =
            rewrite_keeping(path, file.fd_, keep, [&](std::string_view line) { return !to_drop(read_line(line)); });
        file.reopen();
        file.size_ = kept;
        return file;
    }
    if (found.repaired && ::ftruncate(file.fd_, static_cast<off_t>(keep)) != 0)
        fail("cannot repair the torn last line of", path, errno);
    file.size_ = keep;
    return file;
}

void OutputFile::reopen() {
    const int fd = open_locked(path_);
    ::close(std::exchange(fd_, fd));
}

bool OutputFile::is_same_file(const std::string& path, const std::string& other) {
    struct stat a {};
    struct stat b {};
    return ::stat(path.c_str(), &a) == 0 && ::stat(other.c_str(), &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

OutputFile::OutputFile(OutputFile&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(std::exchange(other.fd_, -1)),
      size_(other.size_),
      lines_written_(other.lines_written_),
      buffer_(std::move(other.buffer_)) {}

OutputFile::~OutputFile() {
    if (fd_ >= 0) ::close(fd_);
}

void OutputFile::append(std::string_view line) {
    buffer_.assign(line);
    buffer_.push_back('\n');
    std::size_t written = 0;
    if (const int error = write_all(fd_, buffer_, written); error != 0) {
        // Cut the part that made it, so the file stays whole lines; should
        // that fail too, the next run's open() cuts the unterminated tail.
        if (written > 0) (void)::ftruncate(fd_, static_cast<off_t>(size_));
        fail("cannot write", path_, error);
    }
    size_ += buffer_.size();
    ++lines_written_;
}

}  // namespace agentio::cli::batch
