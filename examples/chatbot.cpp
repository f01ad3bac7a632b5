// chatbot: the seeds' AI chatbot, which does several things at once on every
// message: it authenticates the user and loads their account together, the
// model searches the help center as a tool, the answer streams as it is
// generated, and the exchange is logged to disk off the loop while the next
// message is handled. The conversation is kept in a JSONL session, so a chatbot restarted
// with the same file remembers it. It runs on the embedded simulator, or on
// the endpoint in OPENAI_BASE_URL when that is set.
//
// Per message, as an asyncio program would write it:
//     user, account = await asyncio.gather(authenticate(token), load_account(user_id))
//     async for event in Runner.run_streamed(bot, message, session=session).stream_events(): ...
//     asyncio.create_task(log_exchange(message, answer))
//
// Under AGENTIO_VIRTUAL_CLOCK=1 (as its test runs it) the output is the same
// on every run.
#include <agentio/agentio.hpp>
#include <agentio/sim/server.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

using namespace agentio;
using namespace std::chrono_literals;

struct Query {
    std::string query;
    static auto describe() { return agent::fields(agent::field("query", &Query::query, "What to look for")); }
};

double seconds_since(TimePoint start) {
    return std::chrono::duration<double>(EventLoop::current()->now() - start).count();
}

Task<std::string> authenticate(std::string token) {
    co_await sleep(40ms);  // an auth service
    co_return token == "demo-token" ? "ada" : "";
}

Task<std::string> load_account(std::string user) {
    co_await sleep(60ms);  // a database
    co_return user + " (plan: pro, 2 open orders)";
}

Task<std::string> search_help_center(Query args) {
    co_await sleep(120ms);  // a search index
    co_return "Article 'Refunds': refunds are issued within 5 days for " + args.query;
}

// Appends a line to the log on a worker thread: the loop never waits on disk.
Task<> log_exchange(std::filesystem::path file, std::string line) {
    auto append = [file = std::move(file), line = std::move(line)] { std::ofstream(file, std::ios::app) << line << '\n'; };
    co_await to_thread(std::move(append));
}

Task<> chat(llm::Client& client, const std::filesystem::path& dir) {
    const agent::Tool search = agent::Tool::from(
        "search_help_center", "Search the help center articles about refunds, orders and accounts", search_help_center);
    agent::Agent bot;
    bot.name = "support";
    bot.instructions = "You are a support assistant. Search the help center before answering.";
    bot.tools = {search};
    agent::JsonlSession session(dir / "conversation.jsonl");
    std::vector<TaskHandle<>> logging;

    const std::vector<std::string> messages = {"How do refunds for a broken order work?", "Thanks! And how long does that take?"};
    for (const std::string& message : messages) {
        const TimePoint start = EventLoop::current()->now();
        std::printf("you: %s\n", message.c_str());
        // Who is asking, while nothing else waits on it yet.
        Task<std::string> who = authenticate("demo-token");
        Task<std::string> account = load_account("ada");
        auto signing_in = gather(std::move(who), std::move(account));
        const std::tuple<std::string, std::string> signed_in = co_await std::move(signing_in);
        const std::string& user = std::get<0>(signed_in);
        const std::string& details = std::get<1>(signed_in);
        std::printf("[%.2f s] signed in: %s, %s\n", seconds_since(start), user.c_str(), details.c_str());

        agent::RunOptions options;
        options.session = &session;
        agent::RunStream stream = agent::run_streamed(client, bot, message, options);
        std::string answer;
        while (std::optional<agent::RunEvent> event = co_await stream.next()) {
            if (event->kind == agent::RunEvent::Kind::ToolCall) std::printf("  (searching: %s)\n", event->call.name.c_str());
            if (event->kind == agent::RunEvent::Kind::TextDelta) answer += event->text;
        }
        const agent::RunResult result = co_await stream.result();
        std::printf("[%.2f s] bot: %s\n", seconds_since(start), answer.c_str());
        logging.push_back(create_task(log_exchange(dir / "chat.log", user + ": " + message + " -> " + std::to_string(result.turns) + " turns")));
    }
    for (TaskHandle<>& log : logging) co_await log;
    const std::vector<llm::Message> remembered = co_await session.messages();
    std::printf("session: %zu messages kept in %s\n", remembered.size(), "conversation.jsonl");
}

Task<> amain() {
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / "agentio-chatbot-example";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    llm::ClientOptions options = llm::ClientOptions::from_env();
    std::optional<sim::Server> simulator;
    if (!std::getenv("OPENAI_BASE_URL")) {
        sim::Config config;
        config.latency.time_to_first_token = 300ms;
        config.latency.inter_token = 10ms;
        config.latency.spread = 0;
        config.output.max_tokens = 30;
        simulator.emplace(co_await sim::Server::start(config));
        options.base_url = simulator->base_url();
    }
    llm::Client client(options);
    co_await chat(client, dir);
    if (simulator) co_await simulator->shutdown();
    std::filesystem::remove_all(dir);
}

int main() {
    try {
        run(amain());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "chatbot: %s\n", e.what());
        return 1;
    }
}
