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

namespace fs = std::filesystem;

namespace {

struct Result {
    int code = -1;
    std::string out;
    std::string err;
};

std::string read(const fs::path& path) {
    std::ifstream file(path);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

// Runs `agentio chat ARGS` through the shell (for the stdin pipe), bounded by
// coreutils' timeout so a hang fails the test instead of stalling it.
Result chat(const std::string& args, const std::string& stdin_text = "") {
    const fs::path dir = fs::temp_directory_path() / ("agentio-chat-test-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "in") << stdin_text;
    const std::string command = "env -u OPENAI_BASE_URL timeout 60 " + std::string(AGENTIO_BIN) + " chat " + args + " < " +
                                (dir / "in").string() + " > " + (dir / "out").string() + " 2> " + (dir / "err").string();
    const int status = std::system(command.c_str());
    Result result{WIFEXITED(status) ? WEXITSTATUS(status) : -1, read(dir / "out"), read(dir / "err")};
    fs::remove_all(dir);
    return result;
}

}  // namespace

TEST(ChatCommandTest, StreamsAReplyToAPromptArgument) {
    const Result r = chat("'What is an event loop?' --max-tokens 12");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.err.find("using the embedded simulator"), std::string::npos) << r.err;
    EXPECT_GT(r.out.size(), 12u);  // twelve words of generated text
    EXPECT_EQ(r.out.back(), '\n');
}

TEST(ChatCommandTest, ReadsThePromptFromStdinWhenNoneIsGiven) {
    const Result with_stdin = chat("--max-tokens 5", "Summarise this text, please.\n");
    EXPECT_EQ(with_stdin.code, 0) << with_stdin.err;
    EXPECT_FALSE(with_stdin.out.empty());
    const Result empty = chat("", "");
    EXPECT_EQ(empty.code, 2);
    EXPECT_NE(empty.err.find("no prompt"), std::string::npos) << empty.err;
}

TEST(ChatCommandTest, AnUnreachableEndpointIsExitOneWithAMessageAndNoKey) {
    const Result r = chat("hello --base-url http://127.0.0.1:1/v1 --model m --api-key sk-chat-5ecret");
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("127.0.0.1:1"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("sk-chat-5ecret"), std::string::npos) << r.err;
}

// The simulator's model name would only fail there, so nothing is sent.
TEST(ChatCommandTest, ANamedEndpointWithoutAModelIsBadUsage) {
    const Result r = chat("hello --base-url http://127.0.0.1:1/v1");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("pass --model"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("127.0.0.1:1/v1/chat"), std::string::npos) << r.err;
}
