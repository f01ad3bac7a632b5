// pg_value_fuzz: the readers of PostgreSQL's text and binary formats (what a
// server, or something posing as one, sends in a column) on arbitrary bytes.
//
// The first byte picks the reader (and for binary, the next the column's
// type); the rest is the column's bytes.
// Invariants: each reader returns a value or throws pg::ValueError with a
// message, never anything else; an array's elements, written back as an
// array literal by the parameter writer, read back the same; bytea, written
// back as \x hex, reads back the same bytes; a binary value that reads
// directly reads the same through the text binary_text writes for it.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <iterator>
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

namespace detail = pg::detail;

// The types binary.cpp reads: the scalars, then their arrays.
constexpr unsigned kBinaryTypes[] = {16,   17,   19,   20,   21,   23,   25,   26,   114,  700,  701,  1042, 1043,
                                     1114, 1184, 2950, 3802, 1000, 1001, 1005, 1007, 1009, 1016, 1021, 1022, 1115,
                                     1185, 199,  3807, 2951};

bool same_double(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

void read_binary(unsigned type, std::string_view bytes) {
    const std::string text = detail::binary_text(bytes, type, "c");
    switch (type) {
    case 20: case 21: case 23: case 26:
        if (detail::binary_integer(bytes, type, "c") != detail::parse_integer(text, "c")) std::abort();
        break;
    case 700: case 701:
        if (!same_double(detail::binary_double(bytes, type, "c"), detail::parse_double(text, "c", type))) std::abort();
        break;
    case 16:
        if (detail::binary_bool(bytes, type, "c") != detail::parse_bool(text, "c")) std::abort();
        break;
    case 17:
        if (!(detail::parse_bytea(text, "c") == detail::binary_bytea(bytes, type, "c"))) std::abort();
        break;
    case 1114: case 1184: {
        std::optional<std::chrono::system_clock::time_point> direct;
        try {
            direct = detail::binary_timestamp(bytes, type, "c");
        } catch (const pg::ValueError&) {
            break;  // outside system_clock's range: the text reader says so too
        }
        if (detail::parse_timestamp(text, "c") != *direct) std::abort();
        break;
    }
    default:
        if (!detail::is_array_type(type)) break;
        const detail::BinaryArray array = detail::binary_array(bytes, "c");
        const std::vector<std::optional<std::string>> elements = detail::parse_array(text, "c");
        if (elements.size() != array.elements.size()) std::abort();
        for (std::size_t i = 0; i < elements.size(); ++i) {
            if (elements[i].has_value() != array.elements[i].has_value()) std::abort();
            if (elements[i] && *elements[i] != detail::binary_text(*array.elements[i], array.element_type, "c"))
                std::abort();
        }
    }
}

void read(unsigned which, std::string_view text) {
    if (which % 16 >= 8) {
        if (text.empty()) return;
        read_binary(kBinaryTypes[static_cast<unsigned char>(text[0]) % std::size(kBinaryTypes)], text.substr(1));
        return;
    }
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
