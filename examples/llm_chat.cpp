// llm_chat: the LLM client's everyday calls, against the embedded simulator
// (or the endpoint in OPENAI_BASE_URL / OPENAI_API_KEY when set).
//
// Python twin (openai SDK):
//     client = AsyncOpenAI()
//     reply = await client.chat.completions.create(model=m, messages=[{"role": "user", "content": q}])
//     print(reply.choices[0].message.content)
//     stream = await client.chat.completions.create(model=m, messages=..., stream=True,
//                                                   stream_options={"include_usage": True})
//     async for chunk in stream:
//         if chunk.choices and chunk.choices[0].delta.content:
//             print(chunk.choices[0].delta.content, end="", flush=True)
//     replies = await asyncio.gather(*(client.chat.completions.create(...) for q in questions))
#include <agentio/agentio.hpp>
#include <agentio/llm/client.hpp>
#include <agentio/sim/server.hpp>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

using namespace agentio;
using namespace std::chrono_literals;

llm::ChatRequest ask(std::string model, std::string question) {
    llm::ChatRequest request;
    request.model = std::move(model);
    request.messages = {llm::Message::system("Answer in one sentence."), llm::Message::user(std::move(question))};
    request.max_completion_tokens = 24;
    return request;
}

Task<> chat_tour(llm::Client& client, std::string model) {
    const llm::ChatResponse reply = co_await client.chat(ask(model, "What is an event loop?"));
    std::printf("chat: %s\n", reply.text().c_str());

    std::printf("stream:");
    llm::ChatStream stream = co_await client.chat_stream(ask(model, "Why stream tokens?"));
    while (const llm::ChatChunk* chunk = co_await stream.next()) {
        std::printf("%s", chunk->content().c_str());
        std::fflush(stdout);
    }
    const llm::RequestRecord& record = stream.record();
    std::printf("\n  (%lld tokens in, %lld out, first token after %.0f ms)\n",
                static_cast<long long>(record.usage.prompt_tokens), static_cast<long long>(record.usage.completion_tokens),
                std::chrono::duration<double, std::milli>(record.time_to_first_token.value_or(Duration{})).count());

    // Ten questions at once: one wait instead of ten.
    std::vector<Task<llm::ChatResponse>> calls;
    for (int i = 1; i <= 10; ++i) calls.push_back(client.chat(ask(model, "Fact number " + std::to_string(i) + "?")));
    const TimePoint start = EventLoop::current()->now();
    const std::vector<llm::ChatResponse> replies = co_await gather(std::move(calls));
    std::printf("gather: %zu replies in %.2f s\n", replies.size(),
                std::chrono::duration<double>(EventLoop::current()->now() - start).count());
}

Task<> amain() {
    llm::ClientOptions options = llm::ClientOptions::from_env();
    std::optional<sim::Server> simulator;
    std::string model = "gpt-4o-mini";
    if (!std::getenv("OPENAI_BASE_URL")) {
        sim::Config config;
        config.latency.time_to_first_token = 200ms;
        config.latency.inter_token = 15ms;
        simulator.emplace(co_await sim::Server::start(config));
        options.base_url = simulator->base_url();
        model = "sim-small";
        std::printf("no OPENAI_BASE_URL: using the embedded simulator at %s\n", options.base_url.c_str());
    }
    llm::Client client(options);
    co_await chat_tour(client, model);
    if (simulator) co_await simulator->shutdown();
}

int main() {
    try {
        run(amain());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "llm_chat: %s\n", e.what());
        return 1;
    }
}
