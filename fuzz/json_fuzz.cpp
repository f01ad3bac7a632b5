// json_fuzz: llm::parse_json and llm::append_json_string on arbitrary bytes.
//
// Invariants: parse_json returns or throws JsonError, and what it returns
// dumps and parses back to itself; it agrees with nlohmann's strict parser
// (which it takes as its reference): the same value, and an error exactly
// where nlohmann fails or a limit is passed; append_json_string writes exactly what
// Json's dump writes for the same bytes (invalid UTF-8 replaced), which is
// always valid JSON. Any other exception, a difference or a crash is a bug.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "agentio/llm/json.hpp"

namespace llm = agentio::llm;
using llm::Json;

namespace {

std::string text_of(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

bool is_limit(std::string_view why) {
    return why.starts_with("nested deeper than") || why.starts_with("an object with more than");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    std::optional<Json> reference;
    try {
        reference = Json::parse(input.begin(), input.end());
    } catch (const Json::exception&) {
    }
    try {
        const Json value = llm::parse_json(input, {.max_depth = 64, .max_object_keys = 100});
        if (Json::parse(text_of(value)) != value) std::abort();
        if (!reference || text_of(*reference) != text_of(value)) std::abort();
    } catch (const llm::JsonError& e) {
        const std::string_view why = e.what();
        if (why.empty()) std::abort();
        if (reference.has_value() != is_limit(why)) std::abort();
    }
    std::string written;
    llm::append_json_string(written, input);
    if (written != Json(std::string(input)).dump(-1, ' ', false, Json::error_handler_t::replace)) std::abort();
    if (!Json::accept(written)) std::abort();
    return 0;
}
