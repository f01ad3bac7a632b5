// agentio batch: input checking, the output file's recovery, and the built
// binary end to end against its embedded simulator (real processes, real
// kill -9, a real file size limit).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <agentio/llm/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "agentio/core/errors.hpp"
#include "batch/input.hpp"
#include "batch/output.hpp"
#include "batch/result_line.hpp"
#include "cli/run_agentio.hpp"

namespace fs = std::filesystem;
using agentio::testkit::read_file;
using agentio::testkit::SimProcess;
using namespace agentio::cli;
using Json = agentio::llm::Json;

namespace {

// A directory of its own per test, removed after.
struct Scratch {
    fs::path dir;
    Scratch() {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        dir = fs::temp_directory_path() / ("agentio-batch-" + std::string(info->name()) + "-" + std::to_string(::getpid()));
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    ~Scratch() { fs::remove_all(dir); }
    std::string path(const std::string& name) const { return (dir / name).string(); }
    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream(path(name), std::ios::binary) << text;
        return path(name);
    }
};

std::string prompts(int n) {
    std::string text;
    for (int i = 0; i < n; ++i) text += Json{{"id", "p" + std::to_string(i)}, {"prompt", "question " + std::to_string(i)}, {"max_tokens", 5}}.dump() + "\n";
    return text;
}

// custom_id -> how many output lines carry it; every line must be whole JSON.
std::map<std::string, int> output_ids(const std::string& path) {
    std::map<std::string, int> ids;
    std::istringstream lines(read_file(path));
    std::string line;
    while (std::getline(lines, line)) {
        const Json json = Json::parse(line);
        ++ids[json.at("custom_id").get<std::string>()];
    }
    return ids;
}

struct Child {
    pid_t pid = -1;
    std::string stderr_path;
};

// Starts `agentio SUBCOMMAND ARGS` with stderr to a file;
// `file_size_limit` > 0 sets RLIMIT_FSIZE in the child.
Child start_command(const std::string& subcommand, const std::vector<std::string>& args, const std::string& stderr_path,
                    long file_size_limit = 0) {
    Child child;
    child.stderr_path = stderr_path;
    child.pid = ::fork();
    if (child.pid == 0) {
        const int err = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(err, 2);
        const int null = ::open("/dev/null", O_RDWR);
        ::dup2(null, 0);
        ::dup2(null, 1);
        ::unsetenv("OPENAI_BASE_URL");
        if (file_size_limit > 0) {
            const rlimit limit{static_cast<rlim_t>(file_size_limit), static_cast<rlim_t>(file_size_limit)};
            ::setrlimit(RLIMIT_FSIZE, &limit);
        }
        std::vector<char*> argv;
        std::string bin = AGENTIO_BIN, sub = subcommand;
        argv.push_back(bin.data());
        argv.push_back(sub.data());
        std::vector<std::string> copy = args;
        for (std::string& arg : copy) argv.push_back(arg.data());
        argv.push_back(nullptr);
        ::execv(bin.c_str(), argv.data());
        ::_exit(127);
    }
    return child;
}

Child start(const std::vector<std::string>& args, const std::string& stderr_path, long file_size_limit = 0) {
    return start_command("batch", args, stderr_path, file_size_limit);
}

// The exit code, or -signal; fails the test after two minutes.
int wait(const Child& child) {
    for (int i = 0; i < 12000; ++i) {
        int status = 0;
        if (::waitpid(child.pid, &status, WNOHANG) == child.pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(child.pid, SIGKILL);
    ::waitpid(child.pid, nullptr, 0);
    ADD_FAILURE() << "agentio batch did not finish within two minutes";
    return -1;
}

std::vector<std::string> fast(std::vector<std::string> args) {
    for (const char* flag : {"--sim-ttft-ms", "5", "--sim-itl-ms", "1"}) args.push_back(flag);
    return args;
}

}  // namespace

TEST(BatchInputTest, ReadsBothFormsAndNamesEveryProblemByLine) {
    Scratch scratch;
    const std::string path = scratch.write(
        "in.jsonl",
        R"({"prompt": "hi"})"
        "\n"
        R"({"custom_id": "a", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "m", "messages": [{"role": "user", "content": "x"}]}})"
        "\n\n"
        "{not json\n"
        R"({"custom_id": "a", "body": {"messages": [{"role": "user", "content": "y"}]}})"
        "\n"
        R"({"id": 7, "messages": [{"role": "user", "content": "z"}], "model": "other"})"
        "\n"
        R"({"text": "no prompt"})"
        "\n"
        R"({"custom_id": "b", "url": "/v1/embeddings", "body": {"input": "x"}})"
        "\n");
    const batch::Input input = batch::read_input(path, "default-model");
    ASSERT_EQ(input.items.size(), 3u);
    EXPECT_EQ(input.items[0].custom_id, "line-1");
    EXPECT_EQ(input.items[0].request.model, "default-model");
    EXPECT_EQ(input.items[0].request.messages.at(0).content, "hi");
    EXPECT_EQ(input.items[1].custom_id, "a");
    EXPECT_EQ(input.items[1].request.model, "m");
    EXPECT_EQ(input.items[2].custom_id, "7");
    EXPECT_EQ(input.items[2].request.model, "other");
    EXPECT_EQ(input.items[2].line, 6u);
    ASSERT_EQ(input.problems.size(), 4u);
    EXPECT_EQ(input.problems[0].rfind(path + ":4: not JSON: {not json", 0), 0u) << input.problems[0];
    EXPECT_EQ(input.problems[1], path + ":5: duplicate custom_id \"a\" (first on line 2)");
    EXPECT_EQ(input.problems[2].rfind(path + ":7: a line needs", 0), 0u) << input.problems[2];
    EXPECT_NE(input.problems[3].find(":8: only \"url\": \"/v1/chat/completions\""), std::string::npos) << input.problems[3];
}

TEST(BatchInputTest, ABatchLineWithoutCustomIdIsNamedAndShortLinesKeepEveryRequestField) {
    Scratch scratch;
    const std::string path = scratch.write(
        "in.jsonl", R"({"body": {"messages": [{"role": "user", "content": "hi"}]}})" "\n"
                    R"({"prompt": "hi", "seed": 7, "top_p": 0.5, "max_tokens": 3, "stream": true})" "\n");
    const batch::Input input = batch::read_input(path, "m");
    ASSERT_EQ(input.problems.size(), 1u);
    EXPECT_EQ(input.problems[0], path + ":1: \"custom_id\" must be a non-empty string");
    ASSERT_EQ(input.items.size(), 1u);
    EXPECT_EQ(input.items[0].custom_id, "line-2");
    EXPECT_EQ(input.items[0].request.max_tokens, 3);
    EXPECT_EQ(input.items[0].request.seed, 7);
    EXPECT_EQ(input.items[0].request.top_p, 0.5);
    EXPECT_FALSE(input.items[0].request.extra.contains("stream"));  // streaming is --stream's to decide
}

TEST(BatchOutputTest, ACompleteLineThatIsNotOursIsRefusedEvenLast) {
    Scratch scratch;
    const std::string path = scratch.write("out.jsonl", R"({"custom_id": "a"})" "\n" R"({"prompt": "not output"})" "\n");
    batch::Existing found;
    try {
        batch::OutputFile::open(path, found);
        ADD_FAILURE() << "cut a whole line that a crash cannot have torn";
    } catch (const agentio::Error& e) {
        EXPECT_EQ(std::string(e.what()), path + ":2: not a batch output line; refusing to append to this file");
    }
    EXPECT_EQ(read_file(path), R"({"custom_id": "a"})" "\n" R"({"prompt": "not output"})" "\n");
}

TEST(BatchOutputTest, RetryFailedRemovesOnlyTheLinesThatRecordAFailure) {
    Scratch scratch;
    const std::string ok = R"({"custom_id": "a", "response": {"status_code": 200, "body": {}}, "error": null})";
    const std::string api_error = R"({"custom_id": "b", "response": {"status_code": 500, "body": {}}, "error": null})";
    const std::string no_status = R"({"custom_id": "c", "response": null, "error": {"code": "timeout", "message": "t"}})";
    const std::string other_input = R"({"custom_id": "z", "response": null, "error": {"code": "timeout", "message": "t"}})";
    const std::string path =
        scratch.write("out.jsonl", ok + "\n" + api_error + "\n" + no_status + "\n" + other_input + "\n" + R"({"custom_id": "d", "re)");
    batch::Existing found;
    {
        batch::OutputFile out = batch::OutputFile::open(path, found);  // a plain resume keeps failures
        EXPECT_EQ(found.done.size(), 4u);
        EXPECT_EQ(found.failed, 3u);
        EXPECT_EQ(found.dropped, 0u);
    }
    {
        // Only this input's failures go: "z" belongs to another input, which alone can redo it.
        const std::unordered_set<std::string> input_ids = {"a", "b", "c", "d"};
        batch::OutputFile out = batch::OutputFile::open(path, found, &input_ids);
        EXPECT_EQ(found.done, (std::unordered_set<std::string>{"a", "z"}));
        EXPECT_EQ(found.failed, 1u);
        EXPECT_EQ(found.dropped, 2u);
        out.append(R"({"custom_id": "b", "response": {"status_code": 200}, "error": null})");
    }
    EXPECT_EQ(read_file(path), ok + "\n" + other_input + "\n" + R"({"custom_id": "b", "response": {"status_code": 200}, "error": null})" "\n");
    EXPECT_FALSE(fs::exists(path + ".rewrite"));
}

// Lines of every length around the 1 MiB pieces the scan reads, failures
// among them, and a torn tail: what a plain resume and a retry keep is
// exactly what a whole-file read would keep.
TEST(BatchOutputTest, ALargeOutputIsScannedInPiecesWithLinesAcrossTheirBoundaries) {
    Scratch scratch;
    std::string content, expected_after_retry;
    std::unordered_set<std::string> ids;
    for (int i = 0; i < 3000; ++i) {
        const std::string id = "line-" + std::to_string(i);
        const bool failed = i % 7 == 0;
        const std::string line = R"({"custom_id": ")" + id + R"(", "response": {"status_code": )" + (failed ? "500" : "200") +
                                 R"(, "body": {"pad": ")" + std::string(static_cast<std::size_t>(100 + (i * 37) % 1500), 'x') +
                                 R"("}}, "error": null})";
        content += line + "\n";
        if (!failed) expected_after_retry += line + "\n";
        ids.insert(id);
    }
    ASSERT_GT(content.size(), 2u << 20);
    const std::string path = scratch.write("out.jsonl", content + R"({"custom_id": "torn", "resp)");
    batch::Existing found;
    {
        batch::OutputFile out = batch::OutputFile::open(path, found);
        EXPECT_EQ(found.done.size(), 3000u);
        EXPECT_EQ(found.failed, 429u);  // i % 7 == 0 for i < 3000
        EXPECT_TRUE(found.repaired);
    }
    EXPECT_TRUE(read_file(path) == content);
    {
        batch::OutputFile out = batch::OutputFile::open(path, found, &ids);
        EXPECT_EQ(found.done.size(), 3000u - 429u);
        EXPECT_EQ(found.dropped, 429u);
    }
    EXPECT_TRUE(read_file(path) == expected_after_retry);
}

TEST(BatchOutputTest, ASecondWriterOfTheSameOutputIsRefused) {
    Scratch scratch;
    batch::Existing found;
    batch::OutputFile first = batch::OutputFile::open(scratch.path("out.jsonl"), found);
    try {
        batch::OutputFile::open(scratch.path("out.jsonl"), found);
        ADD_FAILURE() << "two writers on one output";
    } catch (const agentio::Error& e) {
        EXPECT_NE(std::string(e.what()).find("is being written by another agentio batch"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(batch::OutputFile::is_same_file(scratch.path("out.jsonl"), scratch.path("./out.jsonl")));
    EXPECT_FALSE(batch::OutputFile::is_same_file(scratch.path("out.jsonl"), scratch.path("missing.jsonl")));
}

TEST(BatchOutputTest, OpenKeepsWholeLinesCutsATornOneAndRefusesForeignFiles) {
    Scratch scratch;
    const std::string path =
        scratch.write("out.jsonl", R"({"custom_id": "a"})" "\n" R"({"custom_id": "b"})" "\n" R"({"custom_id": "c", "resp)");
    batch::Existing found;
    {
        batch::OutputFile out = batch::OutputFile::open(path, found);
        EXPECT_TRUE(found.repaired);
        EXPECT_EQ(found.done, (std::unordered_set<std::string>{"a", "b"}));
        out.append(R"({"custom_id": "c"})");
    }
    EXPECT_EQ(read_file(path), R"({"custom_id": "a"})" "\n" R"({"custom_id": "b"})" "\n" R"({"custom_id": "c"})" "\n");

    scratch.write("foreign.jsonl", "hello\n" R"({"custom_id": "a"})" "\n");
    try {
        batch::OutputFile::open(scratch.path("foreign.jsonl"), found);
        ADD_FAILURE() << "appended to a file that is not batch output";
    } catch (const agentio::Error& e) {
        EXPECT_EQ(std::string(e.what()), scratch.path("foreign.jsonl") + ":1: not a batch output line; refusing to append to this file");
    }
}

TEST(BatchResultLineTest, APlainReplyIsWrittenWithEveryFieldTheServerSent) {
    batch::Item item;
    item.custom_id = "q1";
    agentio::llm::ChatResponse reply;
    reply.id = "chatcmpl-1";
    // Pretty-printed, as some servers send it: the line must stay one line.
    reply.raw_body = "{\"id\":\"chatcmpl-1\",\n  \"object\":\"chat.completion\",\"service_tier\":\"default\",\r\n"
                     R"(  "choices":[{"index":0,"message":{"role":"assistant","content":"hi\nthere"},"logprobs":{"content":[]},"finish_reason":"stop"}]})";
    agentio::llm::RequestRecord record;
    record.status = 200;
    record.request_id = "req_9";
    const std::string text = batch::success_line(item, reply, record);
    EXPECT_EQ(text.find('\n'), std::string::npos) << text;
    const Json line = Json::parse(text);
    EXPECT_EQ(line["custom_id"], "q1");
    EXPECT_EQ(line["response"]["request_id"], "req_9");
    EXPECT_EQ(line["response"]["body"], Json::parse(reply.raw_body));
    EXPECT_TRUE(line["error"].is_null());
    EXPECT_EQ(line["id"], Json::parse(batch::success_line(item, reply, record))["id"]);  // stable per custom_id

    reply.choices.push_back({0, agentio::llm::Message::assistant("hi"), "stop"});
    // A streamed reply has no body of its own, and a body whose unread rest
    // is not JSON is not copied: either way, the assembled chat.completion.
    for (const std::string& raw : {std::string(), std::string(R"({"id":"chatcmpl-1","choices":[],"x":tru})")}) {
        reply.raw_body = raw;
        const Json assembled = Json::parse(batch::success_line(item, reply, record));
        EXPECT_EQ(assembled["response"]["body"]["object"], "chat.completion");
        EXPECT_EQ(assembled["response"]["body"]["choices"][0]["message"]["content"], "hi");
    }
}

TEST(BatchCommandTest, ARunWritesOneLinePerInputInTheBatchOutputFormat) {
    Scratch scratch;
    const std::string in = scratch.write("in.jsonl", prompts(50));
    const std::string out = scratch.path("out.jsonl");
    const Child child = start(fast({in, "-o", out, "--concurrency", "8", "--stream", "--ordered", "--trace", scratch.path("t.json")}),
                              scratch.path("err"));
    EXPECT_EQ(wait(child), 0) << read_file(child.stderr_path);
    std::istringstream lines(read_file(out));
    std::string line;
    int n = 0;
    while (std::getline(lines, line)) {
        const Json json = Json::parse(line);
        EXPECT_EQ(json["custom_id"], "p" + std::to_string(n));  // --ordered
        EXPECT_EQ(json["response"]["status_code"], 200);
        EXPECT_EQ(json["response"]["body"]["object"], "chat.completion");
        EXPECT_FALSE(json["response"]["body"]["choices"][0]["message"]["content"].get<std::string>().empty());
        EXPECT_TRUE(json["error"].is_null());
        ++n;
    }
    EXPECT_EQ(n, 50);
    const std::string err = read_file(child.stderr_path);
    EXPECT_NE(err.find("using the embedded simulator"), std::string::npos) << err;
    EXPECT_NE(err.find("first token"), std::string::npos) << err;  // the summary
    // The trace: a named track per slot, a span per call, and its phases
    // inside it on the same track.
    const Json trace = Json::parse(read_file(scratch.path("t.json")));
    int tracks = 0;
    std::map<std::string, int> phases;
    std::vector<Json> calls;
    for (const Json& event : trace) {
        if (event["ph"] == "M" && event["name"] == "thread_name") ++tracks;
        if (event["ph"] != "X") continue;
        const std::string name = event["name"];
        if (name.rfind("p", 0) == 0) calls.push_back(event);
        else ++phases[name];
    }
    EXPECT_EQ(tracks, 8);
    ASSERT_EQ(calls.size(), 50u);
    EXPECT_EQ(phases["queued"], 50);
    EXPECT_EQ(phases["first token"], 50);
    EXPECT_EQ(phases["streaming"], 50);
    for (const Json& event : trace) {
        if (event["ph"] != "X" || event["name"].get<std::string>().rfind("p", 0) == 0) continue;
        const double start = event["ts"], end = start + event["dur"].get<double>();
        bool inside = false;
        for (const Json& call : calls)
            inside = inside || (call["tid"] == event["tid"] && call["ts"].get<double>() <= start + 1 &&
                                end <= call["ts"].get<double>() + call["dur"].get<double>() + 1);
        EXPECT_TRUE(inside) << event.dump();
    }
}

// Trace viewers draw a slice that pokes out of its parent, or into its
// neighbour, as badly nested: on a 10,000-call trace, each phase lies within
// its call, phases follow one another, and calls on a track never overlap,
// to the trace's last digit (tenths of a microsecond).
TEST(BatchCommandTest, TraceSlicesNestExactlyOnATenThousandCallTrace) {
    Scratch scratch;
    const std::string in = scratch.write("in.jsonl", prompts(10'000));
    const Child child = start({in, "-o", scratch.path("out.jsonl"), "--concurrency", "500", "--stream", "--trace",
                               scratch.path("t.json"), "--sim-ttft-ms", "1", "--sim-itl-ms", "0"},
                              scratch.path("err"));
    ASSERT_EQ(wait(child), 0) << read_file(child.stderr_path);
    struct Slice {
        std::int64_t begin, end;
        bool call;
    };
    std::map<int, std::vector<Slice>> tracks;
    const auto tenths = [](const Json& value) { return std::llround(value.get<double>() * 10); };
    for (const Json& event : Json::parse(read_file(scratch.path("t.json")))) {
        if (event["ph"] != "X") continue;
        const std::int64_t begin = tenths(event["ts"]);
        tracks[event["tid"].get<int>()].push_back(
            {begin, begin + tenths(event["dur"]), event["name"].get<std::string>().rfind("p", 0) == 0});
    }
    std::size_t calls = 0, phases = 0, misplaced = 0;
    for (auto& [tid, slices] : tracks) {
        // A call and its phases share their start: the call (the longer) first.
        std::stable_sort(slices.begin(), slices.end(), [](const Slice& a, const Slice& b) {
            return a.begin != b.begin ? a.begin < b.begin : a.call > b.call;
        });
        const Slice* call = nullptr;
        std::int64_t last_end = 0;  // of the previous call, then of the previous phase
        for (const Slice& slice : slices) {
            if (slice.call) {
                misplaced += call != nullptr && slice.begin < call->end;  // overlaps the call before
                call = &slice;
                last_end = slice.begin;
                ++calls;
                continue;
            }
            ++phases;
            misplaced += call == nullptr || slice.begin < last_end || slice.end > call->end;
            last_end = slice.end;
        }
    }
    EXPECT_EQ(calls, 10'000u);
    EXPECT_GE(phases, 30'000u);  // queued, first token, streaming
    EXPECT_EQ(misplaced, 0u);
}

TEST(BatchCommandTest, KilledAtRandomMomentsAndRerunEveryInputIsDoneExactlyOnce) {
    Scratch scratch;
    const std::string in = scratch.write("in.jsonl", prompts(400));
    const std::string out = scratch.path("out.jsonl");
    const std::vector<std::string> args = fast({in, "-o", out, "--concurrency", "32", "--stream"});
    std::vector<std::string> ordered = args;
    ordered.push_back("--ordered");
    std::mt19937 random(std::random_device{}());
    for (int round = 0; round < 6; ++round) {
        const Child child = start(round % 2 ? ordered : args, scratch.path("err"));
        std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(50, 400)(random)));
        ::kill(child.pid, SIGKILL);
        wait(child);
        for (const auto& [id, count] : output_ids(out)) EXPECT_EQ(count, 1) << id;  // torn tail aside, no repeats
    }
    const Child last = start(args, scratch.path("err"));
    EXPECT_EQ(wait(last), 0) << read_file(last.stderr_path);
    const std::map<std::string, int> ids = output_ids(out);
    EXPECT_EQ(ids.size(), 400u);
    for (const auto& [id, count] : ids) EXPECT_EQ(count, 1) << id;
}

TEST(BatchCommandTest, AnOutputThatIsNotARegularFileIsRefusedNotReadForever) {
    Scratch scratch;
    const std::string in = scratch.write("in.jsonl", prompts(2));
    const Child child = start(fast({in, "-o", "/dev/full"}), scratch.path("err"));
    EXPECT_NE(wait(child), 0);
    EXPECT_NE(read_file(child.stderr_path).find("/dev/full: not a regular file"), std::string::npos) << read_file(child.stderr_path);
    // A pipe (`-o /dev/stdout | cat`, a FIFO): refused at once, not read until a writer that never comes.
    const std::string fifo = scratch.path("pipe");
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    const Child piped = start(fast({in, "-o", fifo}), scratch.path("err2"));
    EXPECT_EQ(wait(piped), 2);
    EXPECT_NE(read_file(piped.stderr_path).find("pipe: not a regular file"), std::string::npos) << read_file(piped.stderr_path);
}

TEST(BatchCommandTest, BadLinesAreNamedAndNothingIsSent) {
    Scratch scratch;
    const std::string in = scratch.write("in.jsonl", prompts(3) + "{oops\n" + R"({"id": "p1", "prompt": "again"})" "\n");
    const std::string out = scratch.path("out.jsonl");
    const Child child = start(fast({in, "-o", out}), scratch.path("err"));
    EXPECT_EQ(wait(child), 2);
    const std::string err = read_file(child.stderr_path);
    EXPECT_NE(err.find(in + ":4: not JSON"), std::string::npos) << err;
    EXPECT_NE(err.find(in + ":5: duplicate custom_id \"p1\" (first on line 2)"), std::string::npos) << err;
    EXPECT_FALSE(fs::exists(out));

    const Child skipping = start(fast({in, "-o", out, "--skip-invalid"}), scratch.path("err2"));
    EXPECT_EQ(wait(skipping), 0) << read_file(skipping.stderr_path);
    EXPECT_EQ(output_ids(out).size(), 3u);
}

TEST(BatchCommandTest, ABaseUrlWithAPasswordIsRefusedBeforeAnythingIsSentAndNeverShown) {
    Scratch scratch;
    const std::string in = scratch.write("in.jsonl", prompts(2));
    const std::string out = scratch.path("out.jsonl");
    const Child child = start({in, "-o", out, "--base-url", "http://u:SECRETPW@127.0.0.1:1/v1", "--model", "m"},
                              scratch.path("err"));
    EXPECT_NE(wait(child), 0);
    const std::string err = read_file(child.stderr_path);
    EXPECT_NE(err.find("credentials in URLs are not supported"), std::string::npos) << err;
    EXPECT_EQ(err.find("SECRETPW"), std::string::npos) << err;
    EXPECT_EQ(read_file(out).find("SECRETPW"), std::string::npos);
    EXPECT_TRUE(output_ids(out).empty()) << "nothing should have been attempted";
}

TEST(BatchCommandTest, AnUnreachableEndpointGivesAnErrorLinePerInput) {
    Scratch scratch;
    const std::string in = scratch.write("in.jsonl", prompts(5));
    const std::string out = scratch.path("out.jsonl");
    const Child child = start({in, "-o", out, "--base-url", "http://127.0.0.1:1/v1", "--model", "m", "--max-retries", "1", "--api-key", "sk-x"},
                              scratch.path("err"));
    EXPECT_EQ(wait(child), 1);
    std::istringstream lines(read_file(out));
    std::string line;
    int n = 0;
    while (std::getline(lines, line)) {
        const Json json = Json::parse(line);
        EXPECT_TRUE(json["response"].is_null());
        EXPECT_EQ(json["error"]["code"], "connection_error");
        EXPECT_NE(json["error"]["message"].get<std::string>().find("127.0.0.1:1"), std::string::npos) << line;
        ++n;
    }
    EXPECT_EQ(n, 5);
    EXPECT_NE(read_file(child.stderr_path).find("connection_error: 5"), std::string::npos) << read_file(child.stderr_path);
}

TEST(BatchCommandTest, AFullDiskStopsWithAClearMessageAndLosesNothingWritten) {
    Scratch scratch;
    const std::string in = scratch.write("in.jsonl", prompts(200));
    const std::string out = scratch.path("out.jsonl");
    const std::vector<std::string> args = fast({in, "-o", out, "--concurrency", "16"});
    const Child limited = start(args, scratch.path("err"), 20000);  // room for a few dozen lines
    EXPECT_EQ(wait(limited), 1);
    const std::string err = read_file(limited.stderr_path);
    EXPECT_NE(err.find("cannot write " + out + ": File too large"), std::string::npos) << err;
    EXPECT_NE(err.find("resume with"), std::string::npos) << err;
    const std::map<std::string, int> before = output_ids(out);  // parses: whole lines only
    EXPECT_GT(before.size(), 0u);
    EXPECT_LT(before.size(), 200u);

    const Child rerun = start(args, scratch.path("err2"));
    EXPECT_EQ(wait(rerun), 0) << read_file(rerun.stderr_path);
    const std::map<std::string, int> after = output_ids(out);
    EXPECT_EQ(after.size(), 200u);
    for (const auto& [id, count] : after) EXPECT_EQ(count, 1) << id;
}

TEST(BatchCommandTest, CtrlCLetsCallsInFlightFinishAndSaysHowToResume) {
    Scratch scratch;
    const std::string in = scratch.write("in.jsonl", prompts(300));
    const std::string out = scratch.path("out.jsonl");
    // Slow enough that the run is surely in progress when the signal comes.
    const std::vector<std::string> args = {in, "-o", out, "--concurrency", "10", "--sim-ttft-ms", "100", "--sim-itl-ms", "5",
                                           "--api-key", "sk-never-in-the-hint"};
    const Child child = start(args, scratch.path("err"));
    for (int i = 0; i < 1000 && output_ids(out).size() < 20; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ::kill(child.pid, SIGINT);
    EXPECT_EQ(wait(child), 1);
    const std::string err = read_file(child.stderr_path);
    EXPECT_NE(err.find("letting the calls in flight finish"), std::string::npos) << err;
    EXPECT_NE(err.find("resume with:"), std::string::npos) << err;
    EXPECT_NE(err.find("--api-key \"$OPENAI_API_KEY\""), std::string::npos) << err;
    EXPECT_EQ(err.find("sk-never-in-the-hint"), std::string::npos) << err;
    EXPECT_NE(err.find("with OPENAI_API_KEY set to the key given with --api-key"), std::string::npos) << err;
    const std::size_t written = output_ids(out).size();
    EXPECT_LT(written, 300u);

    const Child rerun = start(args, scratch.path("err2"));
    EXPECT_EQ(wait(rerun), 0) << read_file(rerun.stderr_path);
    const std::map<std::string, int> after = output_ids(out);
    EXPECT_EQ(after.size(), 300u);
    for (const auto& [id, count] : after) EXPECT_EQ(count, 1) << id;
}

TEST(BatchCommandTest, ASecondCtrlCCancelsTheCallsInFlightAndTheirLinesAreRedoneOnResume) {
    Scratch scratch;
    const std::string in = scratch.write("in.jsonl", prompts(40));
    const std::string out = scratch.path("out.jsonl");
    // Calls that take seconds: the second signal surely finds them in flight.
    const std::vector<std::string> slow = {in, "-o", out, "--concurrency", "10", "--sim-ttft-ms", "3000", "--sim-itl-ms", "1"};
    const Child child = start(slow, scratch.path("err"));
    for (int i = 0; i < 1000 && read_file(child.stderr_path).find("lines to do") == std::string::npos; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ::kill(child.pid, SIGINT);
    for (int i = 0; i < 1000 && read_file(child.stderr_path).find("letting the calls") == std::string::npos; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ::kill(child.pid, SIGINT);
    EXPECT_EQ(wait(child), 1);
    EXPECT_NE(read_file(child.stderr_path).find("resume with:"), std::string::npos) << read_file(child.stderr_path);
    EXPECT_LT(output_ids(out).size(), 40u);  // the cancelled calls wrote nothing

    const Child rerun = start(fast({in, "-o", out}), scratch.path("err2"));
    EXPECT_EQ(wait(rerun), 0) << read_file(rerun.stderr_path);
    const std::map<std::string, int> after = output_ids(out);
    EXPECT_EQ(after.size(), 40u);
    for (const auto& [id, count] : after) EXPECT_EQ(count, 1) << id;
}

TEST(BatchCommandTest, AnApiErrorIsALineWithTheServersStatusAndBodyAsOpenAiWritesIt) {
    Scratch scratch;
    const SimProcess sim({"--ttft-ms", "1", "--itl-ms", "1", "--fault-500", "1"});
    ASSERT_FALSE(sim.base_url().empty()) << sim.banner();
    const std::string in = scratch.write("in.jsonl", prompts(5));
    const std::string out = scratch.path("out.jsonl");
    const Child child = start({in, "-o", out, "--base-url", sim.base_url(), "--model", "sim-small", "--max-retries", "1"}, scratch.path("err"));
    EXPECT_EQ(wait(child), 1);  // some requests failed
    const std::string err = read_file(child.stderr_path);
    EXPECT_NE(err.find("sending to " + sim.base_url()), std::string::npos) << err;
    std::istringstream lines(read_file(out));
    int n = 0;
    for (std::string line; std::getline(lines, line); ++n) {
        const Json json = Json::parse(line);
        EXPECT_EQ(json["response"]["status_code"], 500) << line;
        EXPECT_FALSE(json["response"]["body"]["error"]["message"].get<std::string>().empty()) << line;
        EXPECT_TRUE(json["error"].is_null()) << line;
    }
    EXPECT_EQ(n, 5);
    EXPECT_NE(err.find("500 server_error: 5"), std::string::npos) << err;  // the summary counts them by status

    // Re-run: nothing left to do, but the failures are said (exit 1)...
    const Child again = start({in, "-o", out, "--base-url", sim.base_url(), "--model", "sim-small"}, scratch.path("err2"));
    EXPECT_EQ(wait(again), 1);
    EXPECT_NE(read_file(again.stderr_path).find("5 line(s) in " + out + " record a failure; --retry-failed"), std::string::npos)
        << read_file(again.stderr_path);
    // ...and --retry-failed against a healthy server redoes exactly those.
    const Child retried = start(fast({in, "-o", out, "--retry-failed"}), scratch.path("err3"));
    EXPECT_EQ(wait(retried), 0) << read_file(retried.stderr_path);
    std::istringstream redone(read_file(out));
    n = 0;
    for (std::string line; std::getline(redone, line); ++n) EXPECT_EQ(Json::parse(line)["response"]["status_code"], 200) << line;
    EXPECT_EQ(n, 5);
}

TEST(BatchCommandTest, BadCombinationsAreRefusedBeforeAnythingRuns) {
    Scratch scratch;
    const std::string in = scratch.write("in.jsonl", prompts(3));
    const Child same = start({in, "-o", in}, scratch.path("err"));
    EXPECT_EQ(wait(same), 2);
    EXPECT_NE(read_file(same.stderr_path).find("is the input file"), std::string::npos) << read_file(same.stderr_path);
    EXPECT_EQ(read_file(in), prompts(3));

    const Child no_stream = start({in, "-o", scratch.path("out.jsonl"), "--first-token-timeout", "5"}, scratch.path("err2"));
    EXPECT_EQ(wait(no_stream), 2);
    EXPECT_NE(read_file(no_stream.stderr_path).find("--stream"), std::string::npos) << read_file(no_stream.stderr_path);
    EXPECT_FALSE(fs::exists(scratch.path("out.jsonl")));

    // A named endpoint has no default model: lines without one are refused up front.
    const Child no_model = start({in, "-o", scratch.path("out.jsonl"), "--base-url", "http://127.0.0.1:1/v1"}, scratch.path("err4"));
    EXPECT_EQ(wait(no_model), 2);
    EXPECT_NE(read_file(no_model.stderr_path).find(in + ":1: no \"model\" (give one in the line, or pass --model)"), std::string::npos)
        << read_file(no_model.stderr_path);

    const Child trace_over_output = start({in, "-o", scratch.path("out.jsonl"), "--trace", scratch.path("out.jsonl")}, scratch.path("err3"));
    EXPECT_EQ(wait(trace_over_output), 2);
    EXPECT_NE(read_file(trace_over_output.stderr_path).find("would overwrite the input or the output"), std::string::npos)
        << read_file(trace_over_output.stderr_path);
    EXPECT_EQ(read_file(in), prompts(3));
}

TEST(BatchCommandTest, TimeoutFlagsEndCallsToAServerThatStallsWithAnErrorLineEach) {
    Scratch scratch;
    const SimProcess sim({"--ttft-ms", "1", "--itl-ms", "1", "--fault-stall", "1"});
    ASSERT_FALSE(sim.base_url().empty()) << sim.banner();
    const std::string in = scratch.write("in.jsonl", prompts(4));
    const auto error_codes = [&](const std::string& out) {
        std::map<std::string, int> codes;
        std::istringstream lines(read_file(out));
        for (std::string line; std::getline(lines, line);) ++codes[Json::parse(line)["error"]["code"].get<std::string>()];
        return codes;
    };
    const std::string streamed = scratch.path("streamed.jsonl");
    const Child first_token = start({in, "-o", streamed, "--base-url", sim.base_url(), "--model", "sim-small", "--max-retries", "0", "--stream",
                                     "--first-token-timeout", "0.2"},
                                    scratch.path("err"));
    EXPECT_EQ(wait(first_token), 1) << read_file(first_token.stderr_path);
    EXPECT_EQ(error_codes(streamed), (std::map<std::string, int>{{"first_token_timeout", 4}}));

    const std::string plain = scratch.path("plain.jsonl");
    const Child total = start({in, "-o", plain, "--base-url", sim.base_url(), "--model", "sim-small", "--max-retries", "0", "--timeout", "0.2"},
                              scratch.path("err2"));
    EXPECT_EQ(wait(total), 1) << read_file(total.stderr_path);
    EXPECT_EQ(error_codes(plain), (std::map<std::string, int>{{"timeout", 4}}));
}
