// `agentio tokens`: exact counts of files and stdin, ids on request, clear
// refusals.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>

#include "cli/run_agentio.hpp"

namespace {

using namespace agentio::testkit;

TEST(TokensCommandTest, CountsStdinAndPrintsIdsAsTiktokenGivesThem) {
    CommandResult r = run_agentio("tokens", "How many tokens is this?");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "6\n");
    r = run_agentio("tokens --ids", "hello world");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "[24912,2375]\n");
    // "I'll" is one token of o200k_base (gpt-4o) and two of cl100k_base (gpt-4).
    EXPECT_EQ(run_agentio("tokens --model gpt-4o", "I'll").out, "1\n");
    EXPECT_EQ(run_agentio("tokens --model gpt-4", "I'll").out, "2\n");
    EXPECT_EQ(run_agentio("tokens --encoding cl100k_base -", "I'll").out, "2\n");
}

TEST(TokensCommandTest, SeveralFilesGetALineEachAndATotal) {
    const std::filesystem::path dir = scratch_path("tokens");
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "a.txt") << "hello world";
    std::ofstream(dir / "b.txt") << "How many tokens is this?";
    const CommandResult r = run_agentio("tokens " + (dir / "a.txt").string() + " " + (dir / "b.txt").string());
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "2 " + (dir / "a.txt").string() + "\n6 " + (dir / "b.txt").string() + "\n8 total\n");
}

// Checked in main for every command: a full disk is a failure, not exit 0 with the output lost.
TEST(TokensCommandTest, AnOutputThatCannotBeWrittenIsExitOneNamingTheFailure) {
    namespace fs = std::filesystem;
    const fs::path dir = scratch_path("tokens-full");
    fs::create_directories(dir);
    const std::string command = "echo hello | " + std::string(AGENTIO_BIN) + " tokens > /dev/full 2> " + (dir / "err").string();
    const int status = std::system(command.c_str());
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 1);
    EXPECT_EQ(read_file(dir / "err"), "agentio: writing to standard output failed: No space left on device\n");
    fs::remove_all(dir);
}

TEST(TokensCommandTest, AMissingFileOrTwoEncodingsAreExitTwoNamingTheProblem) {
    CommandResult r = run_agentio("tokens /nonexistent/file.txt");
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("cannot read /nonexistent/file.txt: No such file or directory"), std::string::npos) << r.err;
    r = run_agentio("tokens --model gpt-4 --encoding o200k_base", "x");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("--encoding"), std::string::npos) << r.err;
    r = run_agentio("tokens --encoding p50k_base", "x");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("p50k_base"), std::string::npos) << r.err;
}

}  // namespace
