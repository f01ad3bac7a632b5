// schema_instance_fuzz.cpp: the simulator's JSON Schema generator and its
// pattern sampler never crash, hang or fail other than as documented.
//
// Input: one selector byte, then the text. Selector even: the text is a JSON
// Schema (parsed with the request parser's depth bound, as a schema in a
// request is); the generator must return a value, the same one twice for
// the same seed, that serialises, or throw SchemaError. Selector odd: the
// text is a `pattern`; the sampler must return a string of at most 10,000
// code points or throw SchemaError.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "agentio/sim/detail/pattern_sample.hpp"
#include "agentio/sim/schema_instance.hpp"

namespace llm = agentio::llm;
namespace sim = agentio::sim;

namespace {

void check_schema(std::string_view text) {
    llm::Json schema;
    try {
        schema = llm::parse_json(text);  // as a request's schema is read
    } catch (const llm::JsonError&) {
        return;
    }
    for (const std::uint64_t seed : {0u, 7u}) {
        try {
            const llm::Json value = sim::schema_instance(schema, seed);
            if (value != sim::schema_instance(schema, seed)) std::abort();
            (void)value.dump(-1, ' ', false, llm::Json::error_handler_t::replace);
        } catch (const sim::SchemaError& e) {
            if (std::string_view(e.what()).empty()) std::abort();
        }
    }
}

void check_pattern(std::string_view pattern) {
    try {
        sim::Rng rng(3);
        const std::string sample = sim::detail::pattern_sample(pattern, rng);
        if (sim::detail::code_points(sample) > 10'000) std::abort();
    } catch (const sim::SchemaError&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    if (data[0] % 2 == 0) check_schema(text);
    else check_pattern(text);
    return 0;
}
