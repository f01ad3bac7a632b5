// llm_response_fuzz.cpp: the whole-body parsers never crash and fail only as documented.
//
// Input: one selector byte, then a body. The selector picks the parser:
// chat response, embeddings, model list, error body (which must never
// throw), or chat request. A chat request that parses
// must survive to_json and come back stable: writing what was read and
// reading it again reaches a fixed point after one round (the first round may
// normalise, e.g. content parts become one string).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "agentio/llm/wire.hpp"

namespace llm = agentio::llm;

namespace {

template <class F>
void expect_only_documented_errors(F&& f) {
    try {
        f();
    } catch (const llm::ApiError& e) {
        if (e.status() != 0) std::abort();
    } catch (const llm::StreamError& e) {
        if (std::string_view(e.what()).size() > 1200) std::abort();
    }
}

void check_request(std::string_view body) {
    llm::ChatRequest first;
    try {
        first = llm::parse_chat_request(body);
    } catch (const llm::StreamError&) {
        return;
    }
    const std::string once = llm::to_json(first, false);
    const std::string twice = llm::to_json(llm::parse_chat_request(once), false);
    const std::string thrice = llm::to_json(llm::parse_chat_request(twice), false);
    if (twice != thrice) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
    switch (data[0] % 5) {
        case 0:
            expect_only_documented_errors([&] { llm::parse_chat_response(body); });
            break;
        case 1:
            expect_only_documented_errors([&] {
                const llm::EmbeddingResponse response = llm::parse_embedding_response(body);
                for (const auto& vector : response.data) (void)vector.size();
            });
            break;
        case 2:
            expect_only_documented_errors([&] { llm::parse_model_list(body); });
            break;
        case 3: {
            const llm::ApiErrorBody error = llm::parse_error_body(500, body);
            if (error.status != 500) std::abort();
            (void)llm::ApiError(error).what();
            break;
        }
        default:
            check_request(body);
            break;
    }
    return 0;
}
