// agentio itself: --help for the tool and each command (with examples and the
// exit codes), --version, and how bad usage ends (exit 2, a message naming it).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

namespace {

struct Result {
    int code = -1;
    std::string out;  // stdout and stderr together
};

// `agentio ARGS`, bounded by coreutils' timeout so a hang fails the test.
Result agentio(const std::string& args) {
    const fs::path out = fs::temp_directory_path() / ("agentio-main-test-" + std::to_string(::getpid()));
    const std::string command =
        "env -u OPENAI_BASE_URL timeout 60 " + std::string(AGENTIO_BIN) + " " + args + " < /dev/null > " + out.string() + " 2>&1";
    const int status = std::system(command.c_str());
    std::ifstream file(out);
    std::ostringstream text;
    text << file.rdbuf();
    fs::remove(out);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text.str()};
}

}  // namespace

TEST(MainTest, HelpListsEveryCommandWithExamplesAndTheExitCodes) {
    const Result help = agentio("--help");
    EXPECT_EQ(help.code, 0);
    for (const char* command : {"batch", "bench", "sim", "chat"}) EXPECT_NE(help.out.find(command), std::string::npos) << command;
    EXPECT_NE(help.out.find("Examples:"), std::string::npos) << help.out;
    EXPECT_NE(help.out.find("2  bad usage or input"), std::string::npos) << help.out;
}

TEST(MainTest, EveryCommandHasHelpWithExamplesAndExitCodes) {
    for (const char* command : {"batch", "bench", "sim", "chat"}) {
        const Result help = agentio(std::string(command) + " --help");
        EXPECT_EQ(help.code, 0) << command;
        EXPECT_NE(help.out.find("Examples:"), std::string::npos) << command << ": " << help.out;
        EXPECT_NE(help.out.find("agentio " + std::string(command)), std::string::npos) << command << ": " << help.out;
        EXPECT_NE(help.out.find("xit code"), std::string::npos) << command << ": " << help.out;
    }
}

TEST(MainTest, VersionPrintsTheProjectVersion) {
    const Result version = agentio("--version");
    EXPECT_EQ(version.code, 0);
    EXPECT_EQ(version.out, "agentio " AGENTIO_VERSION "\n");
}

TEST(MainTest, BadUsageIsExitTwoWithAMessageNamingIt) {
    const Result none = agentio("");
    EXPECT_EQ(none.code, 2);
    const Result unknown = agentio("frobnicate");
    EXPECT_EQ(unknown.code, 2);
    EXPECT_NE(unknown.out.find("unknown command 'frobnicate'"), std::string::npos) << unknown.out;
    const Result missing = agentio("batch");
    EXPECT_EQ(missing.code, 2);
    EXPECT_NE(missing.out.find("input"), std::string::npos) << missing.out;
    const Result flag = agentio("bench --no-such-flag");
    EXPECT_EQ(flag.code, 2);
    EXPECT_NE(flag.out.find("--no-such-flag"), std::string::npos) << flag.out;
}
