// Seed "Async Python for AI Applications": the production pattern it closes on:
// "use semaphores to respect API rate limits; build retry logic in from the
// start; implement timeouts", for a batch of LLM calls.
//
// Python twin:
//     async def call_with_retry(sem, i, prompt, max_retries=3):
//         for attempt in range(max_retries + 1):
//             async with sem:                                  # rate limit
//                 try:
//                     return await asyncio.wait_for(call_llm(i, prompt, attempt), timeout=2.0)
//                 except (asyncio.TimeoutError, TransientError) as e:
//                     error = e
//             if attempt == max_retries:
//                 raise error
//             delay = 0.5 * 2 ** attempt                       # backoff
//             print(f"[{time.monotonic():.2f}] prompt {i} attempt {attempt + 1} failed ({error}); retry in {delay:.2f}s")
//             await asyncio.sleep(delay)
//     async def main():
//         sem = asyncio.Semaphore(3)
//         results = await asyncio.gather(*[call_with_retry(sem, i, p) for i, p in enumerate(prompts)],
//                                        return_exceptions=True)
//
// The simulated API is deterministic: prompt 3 hangs on its first attempt
// (the 2 s timeout fires), prompt 5 answers 503 twice, prompt 6 always fails.
#include <agentio/agentio.hpp>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

using namespace agentio;
using namespace std::chrono_literals;

// A failure worth retrying: 429, 5xx, a dropped connection.
struct TransientError : Error {
    using Error::Error;
};

Task<std::string> call_llm(int id, std::string prompt, int attempt) {
    if (id == 3 && attempt == 0) co_await sleep(10s);  // the server hangs
    if ((id == 5 && attempt < 2) || id == 6) {
        co_await sleep(0.2s);
        throw TransientError("503 Service Unavailable");
    }
    co_await sleep(std::chrono::duration<double>(0.8 + 0.1 * (id % 3)));
    co_return "Response to: " + prompt.substr(0, 20);
}

Task<std::string> call_with_retry(Semaphore& limit, int id, std::string prompt, int max_retries = 3) {
    for (int attempt = 0;; ++attempt) {
        std::string error;
        {
            auto permit = co_await limit.acquire();  // rate limit: at most 3 calls in flight
            try {
                co_return co_await wait_for(call_llm(id, prompt, attempt), 2s);
            } catch (const TimeoutError& e) {
                error = e.what();
            } catch (const TransientError& e) {
                error = e.what();
            }
        }  // the permit is released before the backoff
        if (attempt == max_retries) throw Error("prompt " + std::to_string(id) + ": gave up after " +
                                                std::to_string(attempt + 1) + " attempts (" + error + ")");
        const double delay = 0.5 * std::pow(2.0, attempt);  // backoff
        std::printf("[%.2f] prompt %d attempt %d failed (%s); retry in %.2fs\n", monotonic(), id, attempt + 1,
                    error.c_str(), delay);
        co_await sleep(std::chrono::duration<double>(delay));
    }
}

Task<> main_task() {
    std::vector<std::string> prompts = {
        "Summarize the quarterly report", "Extract the action items", "Translate the abstract to French",
        "List the open risks",            "Draft a reply to the customer", "Classify the ticket priority",
        "Write a haiku about latency",    "Suggest three follow-up questions",
    };
    Semaphore limit(3);
    double start = monotonic();
    std::vector<Task<std::string>> calls;
    for (int i = 0; i < static_cast<int>(prompts.size()); ++i) calls.push_back(call_with_retry(limit, i, prompts[i]));
    auto results = co_await gather(return_exceptions, std::move(calls));

    int ok = 0;
    for (std::size_t i = 0; i < results.size(); ++i) {
        if (results[i]) {
            ++ok;
            std::printf("%zu: %s\n", i, results[i].value().c_str());
        } else {
            std::printf("%zu: FAILED: %s\n", i, describe(results[i].error()).c_str());
        }
    }
    std::printf("%d of %zu succeeded in %.2fs\n", ok, results.size(), monotonic() - start);
}

int main() { agentio::run(main_task()); }
