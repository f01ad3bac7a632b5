// pg_value_fuzz: the readers of PostgreSQL's text format (what a server, or
// something posing as one, sends in a column) on arbitrary bytes.
//
// The first byte picks the reader; the rest is the column's text.
// Invariants: each reader returns a value or throws pg::ValueError with a
// message, never anything else; an array's elements, written back as an
// array literal by the parameter writer, read back the same; bytea, written
// back as \x hex, reads back the same bytes.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agentio/db/pg/errors.hpp"
#include "agentio/db/pg/params.hpp"
#include "agentio/db/pg/rows.hpp"

namespace pg = agentio::db::pg;

namespace {

void read(unsigned which, std::string_view text) {
    namespace detail = pg::detail;
    switch (which % 8) {
    case 0: (void)detail::parse_integer(text, "c"); break;
    case 1: (void)detail::parse_double(text, "c"); break;
    case 2: (void)detail::parse_bool(text, "c"); break;
    case 3: (void)detail::parse_json(text, "c"); break;
    case 4: (void)detail::parse_timestamp(text, "c"); break;
    case 5: {
        const pg::Bytea bytes = detail::parse_bytea(text, "c");
        const pg::Param written = pg::to_param(bytes);
        if (!written || !(detail::parse_bytea(*written, "c") == bytes)) std::abort();
        break;
    }
    default: {
        const std::vector<std::optional<std::string>> elements = detail::parse_array(text, "c");
        const pg::Param written = pg::to_param(elements);
        if (!written || detail::parse_array(*written, "c") != elements) std::abort();
        break;
    }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
    try {
        read(data[0], text);
    } catch (const pg::ValueError& e) {
        if (std::string_view(e.what()).empty()) std::abort();
    }
    return 0;
}
