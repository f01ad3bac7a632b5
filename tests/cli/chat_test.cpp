// agentio chat end to end: the built binary, its embedded simulator, a
// prompt from the argument or from stdin, and an endpoint that is not there.
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

namespace {

CommandResult chat(const std::string& args, const std::string& stdin_text = "") { return run_agentio("chat " + args, stdin_text); }

}  // namespace

TEST(ChatCommandTest, StreamsAReplyToAPromptArgument) {
    const CommandResult r = chat("'What is an event loop?' --max-tokens 12");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.err.find("using the embedded simulator"), std::string::npos) << r.err;
    EXPECT_GT(r.out.size(), 12u);  // twelve words of generated text
    EXPECT_EQ(r.out.back(), '\n');
}

TEST(ChatCommandTest, ReadsThePromptFromStdinWhenNoneIsGiven) {
    const CommandResult with_stdin = chat("--max-tokens 5", "Summarise this text, please.\n");
    EXPECT_EQ(with_stdin.code, 0) << with_stdin.err;
    EXPECT_FALSE(with_stdin.out.empty());
    const CommandResult empty = chat("", "");
    EXPECT_EQ(empty.code, 2);
    EXPECT_NE(empty.err.find("no prompt"), std::string::npos) << empty.err;
}

TEST(ChatCommandTest, AnUnreachableEndpointIsExitOneWithAMessageAndNoKey) {
    const CommandResult r = chat("hello --base-url http://127.0.0.1:1/v1 --model m --api-key sk-chat-5ecret");
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("127.0.0.1:1"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("sk-chat-5ecret"), std::string::npos) << r.err;
}

TEST(ChatCommandTest, ABaseUrlWithAPasswordIsRefusedWithoutShowingIt) {
    const CommandResult r = chat("hello --base-url http://user:SECRETPW@127.0.0.1:1/v1 --model m");
    EXPECT_NE(r.code, 0);
    EXPECT_NE(r.err.find("credentials in URLs are not supported"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("SECRETPW"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("user:"), std::string::npos) << r.err;
}

// The simulator's model name would only fail there, so nothing is sent.
TEST(ChatCommandTest, ANamedEndpointWithoutAModelIsBadUsage) {
    const CommandResult r = chat("hello --base-url http://127.0.0.1:1/v1");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("pass --model"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("127.0.0.1:1/v1/chat"), std::string::npos) << r.err;
}
