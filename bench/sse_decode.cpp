// sse_decode: how fast http::SseDecoder turns an LLM stream into events.
//
// The stream is what an OpenAI-compatible server sends for one long streamed
// chat completion: a role chunk, N content chunks (chat.completion.chunk JSON
// of about 250 bytes each), a finish chunk, a usage chunk and [DONE]. It is fed
// in reads of --read bytes (cut anywhere, as a socket cuts it; 0 = one read
// per event, as a server that flushes every token produces) and every event is
// taken out. Prints one JSON line; the figure is the median of --runs passes.
//     sse_decode [--events N] [--read BYTES] [--runs R]
#include <agentio/http/sse.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

// Tokens as a tokenizer cuts English text: mostly a leading space and a short word.
const char* const kTokens[] = {" The", " quick", " brown", " fox", " jumps", " over", " the", " lazy",
                               " dog", ".", " It", "'s", " a", " well", "-known", " pang", "ram", ",",
                               " used", " to", " test", " fonts", " and", " keyboards", "\\n\\n"};

std::string chunk(const std::string& delta, const char* finish_reason) {
    return std::string(R"(data: {"id":"chatcmpl-AT4kq8ZLb3rXgY2mNwV6pQe1sHd0F","object":"chat.completion.chunk",)"
                       R"("created":1731660000,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_0ba0d124f1",)"
                       R"("choices":[{"index":0,"delta":)") +
           delta + R"(,"logprobs":null,"finish_reason":)" + finish_reason + "}]}\n\n";
}

std::vector<std::string> recorded_stream(std::size_t content_events) {
    std::vector<std::string> events;
    events.push_back(chunk(R"({"role":"assistant","content":"","refusal":null})", "null"));
    for (std::size_t i = 0; i < content_events; ++i)
        events.push_back(chunk(std::string(R"({"content":")") + kTokens[i % std::size(kTokens)] + "\"}", "null"));
    events.push_back(chunk("{}", "\"stop\""));
    events.push_back(R"(data: {"id":"chatcmpl-AT4kq8ZLb3rXgY2mNwV6pQe1sHd0F","object":"chat.completion.chunk",)"
                     R"("created":1731660000,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_0ba0d124f1",)"
                     R"("choices":[],"usage":{"prompt_tokens":31,"completion_tokens":)" +
                     std::to_string(content_events) + R"(,"total_tokens":)" + std::to_string(content_events + 31) +
                     "}}\n\n");
    events.push_back("data: [DONE]\n\n");
    return events;
}

// One pass: feeds the reads, takes every event out. Returns the events seen
// and the bytes of data they carried (so that nothing is optimised away).
std::pair<std::size_t, std::size_t> decode(const std::vector<std::string_view>& reads) {
    agentio::http::SseDecoder decoder;
    std::size_t events = 0, data_bytes = 0;
    for (const auto read : reads) {
        decoder.feed(read);
        while (auto event = decoder.next()) {
            ++events;
            data_bytes += event->data.size();
        }
    }
    decoder.finish();
    return {events, data_bytes};
}

std::size_t parse_size(const char* text) {
    char* end = nullptr;
    const unsigned long long value = std::strtoull(text, &end, 10);
    if (end == text || *end != '\0') {
        std::fprintf(stderr, "sse_decode: not a number: %s\n", text);
        std::exit(2);
    }
    return static_cast<std::size_t>(value);
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t content_events = 10'000, read_size = 16'384, runs = 15;
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if (i + 1 >= argc) {
            std::fprintf(stderr, "usage: sse_decode [--events N] [--read BYTES] [--runs R]\n");
            return 2;
        }
        const std::size_t value = parse_size(argv[++i]);
        if (flag == "--events") {
            content_events = value;
        } else if (flag == "--read") {
            read_size = value;
        } else if (flag == "--runs") {
            runs = std::max<std::size_t>(value, 1);
        } else {
            std::fprintf(stderr, "usage: sse_decode [--events N] [--read BYTES] [--runs R]\n");
            return 2;
        }
    }

    const std::vector<std::string> events = recorded_stream(content_events);
    std::string stream;
    for (const auto& event : events) stream += event;
    std::vector<std::string_view> reads;
    if (read_size == 0) {
        std::size_t at = 0;
        for (const auto& event : events) {
            reads.emplace_back(stream.data() + at, event.size());
            at += event.size();
        }
    } else {
        for (std::size_t at = 0; at < stream.size(); at += read_size)
            reads.emplace_back(stream.data() + at, std::min(read_size, stream.size() - at));
    }

    decode(reads);  // warm-up: page in, grow the allocator's pools
    std::vector<double> seconds;
    std::size_t seen = 0;
    for (std::size_t run = 0; run < runs; ++run) {
        const auto start = std::chrono::steady_clock::now();
        const auto [count, data_bytes] = decode(reads);
        seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        seen = count;
        if (data_bytes == 0) return 1;
    }
    if (seen != events.size()) {
        std::fprintf(stderr, "sse_decode: decoded %zu events, expected %zu\n", seen, events.size());
        return 1;
    }
    std::sort(seconds.begin(), seconds.end());
    const double median = seconds[seconds.size() / 2];
    std::printf(
        "{\"benchmark\": \"sse_decode\", \"events\": %zu, \"stream_bytes\": %zu, \"read_bytes\": %zu, "
        "\"events_per_s\": %.0f, \"mb_per_s\": %.1f}\n",
        seen, stream.size(), read_size, static_cast<double>(seen) / median,
        static_cast<double>(stream.size()) / median / 1e6);
    return 0;
}
