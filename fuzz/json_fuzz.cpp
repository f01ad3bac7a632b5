// json_fuzz: llm::parse_json and llm::append_json_string on arbitrary bytes.
//
// Invariants: parse_json returns or throws JsonError, and what it returns
// dumps and parses back to itself; append_json_string writes exactly what
// Json's dump writes for the same bytes (invalid UTF-8 replaced), which is
// always valid JSON. Any other exception, a difference or a crash is a bug.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "agentio/llm/json.hpp"

namespace llm = agentio::llm;
using llm::Json;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    try {
        const Json value = llm::parse_json(input, {.max_depth = 64, .max_object_keys = 100});
        if (Json::parse(value.dump(-1, ' ', false, Json::error_handler_t::replace)) != value) std::abort();
    } catch (const llm::JsonError& e) {
        if (std::string_view(e.what()).empty()) std::abort();
    }
    std::string written;
    llm::append_json_string(written, input);
    if (written != Json(std::string(input)).dump(-1, ' ', false, Json::error_handler_t::replace)) std::abort();
    if (!Json::accept(written)) std::abort();
    return 0;
}
