// line_file.cpp: see line_file.hpp for the promise; the order of the system
// calls below is what keeps it.
#include "line_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "agentio/core/errors.hpp"

namespace agentio::agent::detail {

namespace {

// Closes a descriptor on every way out of a function.
struct FileDescriptor {
    int fd;
    ~FileDescriptor() {
        if (fd >= 0) ::close(fd);
    }
};

void write_all(const LineFile& file, int fd, const std::string& data, const std::filesystem::path& path) {
    for (std::size_t done = 0; done < data.size();) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            file.fail(path, "cannot write");
        }
        done += static_cast<std::size_t>(n);
    }
}

// Where the complete lines of the open file end: a torn tail (no final
// newline) is left out. Reads backwards from the end, so an append costs the
// tail, not the whole file.
off_t complete_length(const LineFile& file, int fd, off_t size) {
    char block[4096];
    for (off_t end = size; end > 0;) {
        const off_t start = end > static_cast<off_t>(sizeof block) ? end - static_cast<off_t>(sizeof block) : 0;
        const ssize_t n = ::pread(fd, block, static_cast<std::size_t>(end - start), start);
        if (n < 0) {
            if (errno == EINTR) continue;
            file.fail(file.path(), "cannot read");
        }
        for (ssize_t i = n; i > 0; --i)
            if (block[i - 1] == '\n') return start + i;
        end = start;
    }
    return 0;
}

}  // namespace

LineFile::LineFile(std::filesystem::path path, std::string label) : path_(std::move(path)), label_(std::move(label)) {}

void LineFile::fail(const std::filesystem::path& path, const char* what) const {
    throw Error(label_ + " " + path.string() + ": " + what + ": " + std::strerror(errno));
}

std::vector<std::string> LineFile::read() const {
    std::vector<std::string> lines;
    // A device or a pipe is no place for these lines, and reading one may
    // never end (/dev/full, /dev/zero, a FIFO nobody writes).
    std::error_code error;
    const std::filesystem::file_status status = std::filesystem::status(path_, error);
    if (!error && std::filesystem::exists(status) && !std::filesystem::is_regular_file(status))
        throw Error(label_ + " " + path_.string() + ": not a regular file");
    std::ifstream in(path_, std::ios::binary);
    if (!in) {
        if (!std::filesystem::exists(path_)) return lines;
        fail(path_, "cannot open");
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    std::size_t start = 0;
    for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
        if (end > start) lines.push_back(text.substr(start, end - start));
    return lines;
}

void LineFile::append(const std::string& text) const {
    const FileDescriptor file{::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)};
    if (file.fd < 0) fail(path_, "cannot open for writing");
    // Cut a torn tail left by a crash, then append after the complete lines.
    struct stat info {};
    if (::fstat(file.fd, &info) != 0) fail(path_, "cannot stat");
    const off_t complete = complete_length(*this, file.fd, info.st_size);
    if (complete != info.st_size && ::ftruncate(file.fd, complete) != 0) fail(path_, "cannot truncate");
    if (::lseek(file.fd, complete, SEEK_SET) < 0) fail(path_, "cannot seek");
    write_all(*this, file.fd, text, path_);
    if (::fsync(file.fd) != 0) fail(path_, "cannot fsync");
}

void LineFile::replace(const std::string& text) const {
    const std::filesystem::path temporary = path_.string() + ".tmp";
    {
        const FileDescriptor file{::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
        if (file.fd < 0) fail(temporary, "cannot open for writing");
        write_all(*this, file.fd, text, temporary);
        if (::fsync(file.fd) != 0) fail(temporary, "cannot fsync");
    }
    if (::rename(temporary.c_str(), path_.c_str()) != 0) fail(path_, "cannot replace");
}

}  // namespace agentio::agent::detail
