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

#include "cli/run_agentio.hpp"

using agentio::testkit::CommandResult;
using agentio::testkit::run_agentio;
using agentio::testkit::Streams;

namespace {

// `agentio ARGS`, bounded by coreutils' timeout so a hang fails the test.
// stdout and stderr together, as a terminal shows them.
CommandResult agentio_cli(const std::string& args) { return run_agentio(args, "", Streams::merged); }

}  // namespace

TEST(MainTest, HelpListsEveryCommandWithExamplesAndTheExitCodes) {
    const CommandResult help = agentio_cli("--help");
    EXPECT_EQ(help.code, 0);
    for (const char* command : {"batch", "bench", "sim", "chat"}) EXPECT_NE(help.out.find(command), std::string::npos) << command;
    EXPECT_NE(help.out.find("Examples:"), std::string::npos) << help.out;
    EXPECT_NE(help.out.find("2  bad usage or input"), std::string::npos) << help.out;
}

TEST(MainTest, EveryCommandHasHelpWithExamplesAndExitCodes) {
    for (const char* command : {"batch", "bench", "sim", "chat"}) {
        const CommandResult help = agentio_cli(std::string(command) + " --help");
        EXPECT_EQ(help.code, 0) << command;
        EXPECT_NE(help.out.find("Examples:"), std::string::npos) << command << ": " << help.out;
        EXPECT_NE(help.out.find("agentio " + std::string(command)), std::string::npos) << command << ": " << help.out;
        EXPECT_NE(help.out.find("xit code"), std::string::npos) << command << ": " << help.out;
    }
}

TEST(MainTest, VersionPrintsTheProjectVersion) {
    const CommandResult version = agentio_cli("--version");
    EXPECT_EQ(version.code, 0);
    EXPECT_EQ(version.out, "agentio " AGENTIO_VERSION "\n");
}

TEST(MainTest, BadUsageIsExitTwoWithAMessageNamingIt) {
    const CommandResult none = agentio_cli("");
    EXPECT_EQ(none.code, 2);
    const CommandResult unknown = agentio_cli("frobnicate");
    EXPECT_EQ(unknown.code, 2);
    EXPECT_NE(unknown.out.find("unknown command 'frobnicate'"), std::string::npos) << unknown.out;
    const CommandResult missing = agentio_cli("batch");
    EXPECT_EQ(missing.code, 2);
    EXPECT_NE(missing.out.find("input"), std::string::npos) << missing.out;
    const CommandResult flag = agentio_cli("bench --no-such-flag");
    EXPECT_EQ(flag.code, 2);
    EXPECT_NE(flag.out.find("--no-such-flag"), std::string::npos) << flag.out;
}
