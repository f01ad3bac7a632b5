// output.cpp: recovery of an existing output file, and whole-line appends.
#include "batch/output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>

#include "agentio/core/errors.hpp"

namespace agentio::cli::batch {
namespace {

std::string read_all(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) return {};
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

// The custom_id of a complete output line, or empty when it is not one.
std::string custom_id_of(std::string_view line) {
    const nlohmann::json json = nlohmann::json::parse(line, nullptr, false);
    if (json.is_discarded() || !json.is_object() || !json.contains("custom_id") || !json["custom_id"].is_string())
        return {};
    return json["custom_id"].get<std::string>();
}

[[noreturn]] void fail(const std::string& what, const std::string& path, int error) {
    throw Error(what + " " + path + ": " + std::strerror(error));
}

}  // namespace

OutputFile OutputFile::open(const std::string& path, std::unordered_set<std::string>& done, bool& repaired) {
    repaired = false;
    const std::string text = read_all(path);
    std::uint64_t keep = 0;  // bytes of whole, valid lines
    std::size_t number = 0;
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t end = text.find('\n', at);
        ++number;
        if (end == std::string::npos) break;  // torn: no line end
        const std::string_view line(text.data() + at, end - at);
        std::string id = custom_id_of(line);
        if (id.empty()) {
            // Only the last line can have been cut by a crash; anything
            // earlier was written whole, so something else wrote it.
            if (end + 1 != text.size())
                throw Error(path + ":" + std::to_string(number) +
                            ": not a batch output line; refusing to append to this file");
            break;
        }
        done.insert(std::move(id));
        keep = end + 1;
        at = end + 1;
    }
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) fail("cannot open", path, errno);
    if (keep != text.size()) {
        if (::ftruncate(fd, static_cast<off_t>(keep)) != 0) {
            const int error = errno;
            ::close(fd);
            fail("cannot repair the torn last line of", path, error);
        }
        repaired = true;
    }
    return OutputFile(path, fd, keep);
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
    while (written < buffer_.size()) {
        const ssize_t n = ::write(fd_, buffer_.data() + written, buffer_.size() - written);
        if (n > 0) {
            written += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        const int error = n < 0 ? errno : ENOSPC;
        // Cut the part that made it, so the file stays whole lines.
        if (written > 0 && ::ftruncate(fd_, static_cast<off_t>(size_)) != 0) {
            // The torn tail stays; the next run's open() repairs it.
        }
        fail("cannot write", path_, error);
    }
    size_ += buffer_.size();
    ++lines_written_;
}

}  // namespace agentio::cli::batch
