// multi_agent_research: the seeds' multi-agent system, with research, planning,
// validation and execution agents working concurrently. It runs on the
// embedded simulator, or on the endpoint in OPENAI_BASE_URL when that is set.
//
// The flow, as an asyncio program would write it:
//     plan = await Runner.run(planner, task)                       # planning
//     findings = await asyncio.gather(*(Runner.run(researcher, q)  # research, at once
//                                       for q in plan.questions))
//     verdict = await Runner.run(validator, findings)              # validation
//     report = await Runner.run(executor, findings)                # execution
//
// The researchers call a tool, search_notes, that takes 200 ms. They run at
// once, so the research phase takes one model round trip plus one search, not
// three of each. Under AGENTIO_VIRTUAL_CLOCK=1 (as its test runs it) the
// output is the same on every run.
#include <agentio/agentio.hpp>
#include <agentio/sim/server.hpp>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

using namespace agentio;
using namespace std::chrono_literals;

struct Plan {
    std::vector<std::string> questions;
    static auto describe() {
        return agent::fields(agent::field("questions", &Plan::questions, "Three research questions").items(3, 3));
    }
};

struct Verdict {
    bool approved = false;
    std::string reason;
    static auto describe() {
        return agent::fields(agent::field("approved", &Verdict::approved, "Whether the findings answer the task"),
                             agent::field("reason", &Verdict::reason, "Why"));
    }
};

struct Topic {
    std::string topic;
    static auto describe() { return agent::fields(agent::field("topic", &Topic::topic, "What to look up")); }
};

double seconds_since(TimePoint start) {
    return std::chrono::duration<double>(EventLoop::current()->now() - start).count();
}

Task<std::string> search_notes(Topic args) {
    co_await sleep(200ms);  // a vector database, say
    co_return "3 notes on " + args.topic;
}

Task<> research(llm::Client& client) {
    const agent::Tool search = agent::Tool::from("search_notes", "Search the research notes for a topic", search_notes);
    const agent::Agent planner{.name = "planner",
                               .instructions = "Split the task into three research questions.",
                               .output_type = agent::OutputType::of<Plan>("plan")};
    const agent::Agent researcher{.name = "researcher",
                                  .instructions = "Answer the question from the research notes.",
                                  .tools = {search}};
    const agent::Agent validator{.name = "validator",
                                 .instructions = "Check that the findings answer the task.",
                                 .output_type = agent::OutputType::of<Verdict>("verdict")};
    const agent::Agent executor{.name = "executor", .instructions = "Write the final report from the findings."};

    const std::string task = "How do async runtimes help agent systems?";
    const TimePoint start = EventLoop::current()->now();

    const agent::RunResult planned = co_await agent::run(client, planner, task);
    const Plan plan = planned.final_output_as<Plan>();
    std::printf("[%.2f s] planner: %zu questions\n", seconds_since(start), plan.questions.size());

    std::vector<Task<agent::RunResult>> researchers;
    for (const std::string& question : plan.questions)
        researchers.push_back(agent::run(client, researcher, "Search the research notes for the topic '" + question + "'"));
    const std::vector<agent::RunResult> found = co_await gather(std::move(researchers));
    std::string findings;
    for (std::size_t i = 0; i < found.size(); ++i) {
        for (const agent::RunItem& item : found[i].new_items)
            if (item.kind == agent::RunItem::Kind::ToolResult)
                std::printf("  researcher %zu: %s -> %s\n", i + 1, item.call.name.c_str(), item.text.c_str());
        findings += found[i].final_output + "\n";
    }
    std::printf("[%.2f s] research: %zu researchers at once\n", seconds_since(start), found.size());

    const agent::RunResult checked = co_await agent::run(client, validator, "Task: " + task + "\nFindings:\n" + findings);
    const Verdict verdict = checked.final_output_as<Verdict>();
    std::printf("[%.2f s] validator: approved=%s\n", seconds_since(start), verdict.approved ? "true" : "false");

    const agent::RunResult report = co_await agent::run(client, executor, "Findings:\n" + findings);
    std::printf("[%.2f s] executor: a report of %zu characters\n", seconds_since(start), report.final_output.size());

    long long tokens = planned.usage.total_tokens + checked.usage.total_tokens + report.usage.total_tokens;
    int calls = planned.turns + checked.turns + report.turns;
    for (const agent::RunResult& run : found) {
        tokens += run.usage.total_tokens;
        calls += run.turns;
    }
    std::printf("tokens: %lld over %d model calls\n", tokens, calls);
}

Task<> amain() {
    llm::ClientOptions options = llm::ClientOptions::from_env();
    std::optional<sim::Server> simulator;
    if (!std::getenv("OPENAI_BASE_URL")) {
        sim::Config config;
        config.latency.time_to_first_token = 300ms;
        config.latency.inter_token = 10ms;
        config.latency.spread = 0;
        config.output.max_tokens = 60;
        simulator.emplace(co_await sim::Server::start(config));
        options.base_url = simulator->base_url();
    }
    llm::Client client(options);
    co_await research(client);
    if (simulator) co_await simulator->shutdown();
}

int main() {
    try {
        run(amain());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "multi_agent_research: %s\n", e.what());
        return 1;
    }
}
