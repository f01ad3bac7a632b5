// batch_line_fuzz.cpp: `agentio batch` input lines are parsed or refused, never more.
//
// Input: one line of a batch file. parse_line must either return a request
// that can be sent (a non-empty custom_id, at least one message, a model)
// or throw agentio::Error, whose text is what the user sees beside the line
// number. Any other exception (a JSON type error escaping, say) or a crash
// is a bug: one bad line must never take down a run of thousands.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "agentio/core/errors.hpp"
#include "agentio/llm/wire.hpp"
#include "batch/input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view line(reinterpret_cast<const char*>(data), size);
    try {
        const agentio::cli::batch::Item item = agentio::cli::batch::parse_line(line, 1, "default-model");
        if (item.custom_id.empty() || item.request.messages.empty() || item.request.model.empty()) std::abort();
        // What was accepted can be sent: the request body serialises.
        (void)agentio::llm::to_json(item.request, false);
    } catch (const agentio::Error& e) {
        if (std::string_view(e.what()).empty()) std::abort();
    }
    return 0;
}
