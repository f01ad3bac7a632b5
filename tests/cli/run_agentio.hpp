// run_agentio.hpp: the built `agentio` for the command tests: a command run
// as a user's shell runs it, `agentio sim` serving in its own process, and
// the files they write read back.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace agentio::testkit {

// The whole of a file, byte for byte; empty when it cannot be read.
inline std::string read_file(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

struct CommandResult {
    int code = -1;    // the exit code; -1 if killed by a signal
    std::string out;  // stdout (and stderr too, with Streams::merged)
    std::string err;
};

enum class Streams { separate, merged };

// `agentio ARGS` through the shell, with `stdin_text` as its input and no
// OPENAI_BASE_URL from the environment, bounded by coreutils' timeout so that
// a hang fails the test instead of stalling it.
inline std::filesystem::path scratch_path(const std::string& what) {
    static int made = 0;
    return std::filesystem::temp_directory_path() /
           ("agentio-cli-test-" + std::to_string(::getpid()) + "-" + std::to_string(++made) + "-" + what);
}

inline CommandResult run_agentio(const std::string& args, const std::string& stdin_text = "",
                                 Streams streams = Streams::separate, int timeout_seconds = 60) {
    namespace fs = std::filesystem;
    const fs::path dir = scratch_path("run");
    fs::create_directories(dir);
    std::ofstream(dir / "in") << stdin_text;
    const std::string err_to = streams == Streams::merged ? "2>&1" : "2> " + (dir / "err").string();
    const std::string command = "env -u OPENAI_BASE_URL timeout " + std::to_string(timeout_seconds) + " " +
                                std::string(AGENTIO_BIN) + " " + args + " < " + (dir / "in").string() + " > " +
                                (dir / "out").string() + " " + err_to;
    const int status = std::system(command.c_str());
    CommandResult result;
    result.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = read_file(dir / "out");
    result.err = read_file(dir / "err");
    fs::remove_all(dir);
    return result;
}

// `agentio sim --port 0 ARGS` in its own process, its stdout and stderr in a
// file; stopped with SIGTERM when this goes out of scope. base_url() is empty
// if the banner did not come within ten seconds.
class SimProcess {
public:
    explicit SimProcess(const std::vector<std::string>& args) : out_(scratch_path("sim")) {
        pid_ = ::fork();
        if (pid_ == 0) {
            const int fd = ::open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            ::dup2(fd, 1);
            ::dup2(fd, 2);
            std::vector<std::string> all = {AGENTIO_BIN, "sim", "--port", "0"};
            all.insert(all.end(), args.begin(), args.end());
            std::vector<char*> argv;
            for (std::string& arg : all) argv.push_back(arg.data());
            argv.push_back(nullptr);
            ::execv(AGENTIO_BIN, argv.data());
            ::_exit(127);
        }
        constexpr std::string_view kMarker = "API on ";
        for (int i = 0; i < 1000 && base_url_.empty(); ++i) {
            banner_ = read_file(out_);
            if (const auto at = banner_.find(kMarker); at != std::string::npos && banner_.find('\n', at) != std::string::npos)
                base_url_ = banner_.substr(at + kMarker.size(), banner_.find(' ', at + kMarker.size()) - at - kMarker.size());
            else std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }
    ~SimProcess() {
        ::kill(pid_, SIGTERM);
        ::waitpid(pid_, nullptr, 0);
        std::filesystem::remove(out_);
    }
    SimProcess(const SimProcess&) = delete;
    SimProcess& operator=(const SimProcess&) = delete;

    const std::string& base_url() const { return base_url_; }
    // What it printed so far (the banner, or why it did not start).
    const std::string& banner() const { return banner_; }

private:
    std::filesystem::path out_;
    pid_t pid_ = -1;
    std::string base_url_;
    std::string banner_;
};

}  // namespace agentio::testkit
