// binary.cpp: a result's values in PostgreSQL's binary format, and the text
// the server would have written for each.
//
// Why the text: a statement's results turn binary once its column types are
// known (connection.cpp), so the same query reads text the first time and
// binary after. Every read must give the same answer either way, so a read
// the binary value has no direct reader for (get<std::string> on an int8,
// get<std::int64_t> on a text column) goes through the text the server
// writes, with its default settings: DateStyle ISO, extra_float_digits 1
// (shortest exact floats), bytea_output hex, and UTC for timestamptz.
//
// The bytes come from the server, or something posing as one: every length
// is checked before it is read, and a malformed value is a ValueError
// naming the column.
#include <libpq-fe.h>

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <strings.h>
#include <fmt/format.h>
#include <limits>

#include "agentio/db/pg/errors.hpp"
#include "agentio/db/pg/rows.hpp"

namespace agentio::db::pg::detail {

namespace {

// Type OIDs, as pg_type.dat fixes them.
enum : unsigned {
    kBool = 16,
    kBytea = 17,
    kName = 19,
    kInt8 = 20,
    kInt2 = 21,
    kInt4 = 23,
    kText = 25,
    kOid = 26,
    kJson = 114,
    kFloat4 = 700,
    kFloat8 = 701,
    kUnknown = 705,
    kBpchar = 1042,
    kVarchar = 1043,
    kTimestamp = 1114,
    kTimestamptz = 1184,
    kUuid = 2950,
    kJsonb = 3802,
};

// Each array type and the type of its elements.
struct ArrayType {
    unsigned array, element;
};
constexpr std::array<ArrayType, 17> kArrayTypes{{
    {1000, kBool},        {1001, kBytea},  {1003, kName},   {1005, kInt2},      {1007, kInt4},
    {1009, kText},        {1014, kBpchar}, {1015, kVarchar}, {1016, kInt8},      {1021, kFloat4},
    {1022, kFloat8},      {1028, kOid},    {1115, kTimestamp}, {1185, kTimestamptz}, {199, kJson},
    {3807, kJsonb},       {2951, kUuid},
}};

bool scalar_readable(unsigned type) {
    switch (type) {
    case kBool: case kBytea: case kName: case kInt8: case kInt2: case kInt4: case kText: case kOid: case kJson:
    case kFloat4: case kFloat8: case kUnknown: case kBpchar: case kVarchar: case kTimestamp: case kTimestamptz:
    case kUuid: case kJsonb:
        return true;
    default:
        return false;
    }
}

std::string_view type_name(unsigned type) {
    switch (type) {
    case kBool: return "bool";
    case kInt2: return "int2";
    case kInt4: return "int4";
    case kInt8: return "int8";
    case kOid: return "oid";
    case kFloat4: return "float4";
    case kFloat8: return "float8";
    case kUuid: return "uuid";
    case kJsonb: return "jsonb";
    case kTimestamp: return "timestamp";
    case kTimestamptz: return "timestamptz";
    default: return "array";
    }
}

[[noreturn]] void malformed(std::string_view bytes, unsigned type, std::string_view column, std::string_view why = {}) {
    throw ValueError(fmt::format("column \"{}\": {} bytes are not PostgreSQL's binary {}{}{}", column, bytes.size(),
                                 type_name(type), why.empty() ? "" : ": ", why));
}

template <class T>
T big_endian(const char* at) {
    T value;
    std::memcpy(&value, at, sizeof value);
    if constexpr (std::endian::native == std::endian::little) {
        if constexpr (sizeof(T) == 2) value = static_cast<T>(__builtin_bswap16(static_cast<std::uint16_t>(value)));
        if constexpr (sizeof(T) == 4) value = static_cast<T>(__builtin_bswap32(static_cast<std::uint32_t>(value)));
        if constexpr (sizeof(T) == 8) value = static_cast<T>(__builtin_bswap64(static_cast<std::uint64_t>(value)));
    }
    return value;
}

// A fixed-size value of `type`: exactly sizeof(T) bytes.
template <class T>
T fixed(std::string_view bytes, unsigned type, std::string_view column) {
    if (bytes.size() != sizeof(T)) malformed(bytes, type, column);
    if constexpr (std::is_floating_point_v<T>) {
        using Bits = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
        return std::bit_cast<T>(big_endian<Bits>(bytes.data()));
    } else {
        return big_endian<T>(bytes.data());
    }
}

// float4 and float8 as float4out/float8out write them: the shortest digits
// that read back exactly, in fixed notation for decimal exponents from -4
// up to (not including) 6 (float4) or 15 (float8), else d.ddde+XX.
template <class T>
std::string float_text(T value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
    if (value == 0) return std::signbit(value) ? "-0" : "0";
    std::array<char, 64> buffer;
    const auto [end, error] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, std::chars_format::scientific);
    (void)error;  // cannot fail: 64 bytes hold any float
    const std::string_view scientific(buffer.data(), static_cast<std::size_t>(end - buffer.data()));
    const bool negative = scientific.front() == '-';
    const std::size_t e = scientific.find('e');
    std::string digits;
    for (const char c : scientific.substr(negative ? 1 : 0, e - (negative ? 1 : 0)))
        if (c != '.') digits += c;
    int exponent = 0;
    std::from_chars(scientific.data() + e + 1 + (scientific[e + 1] == '+'), scientific.data() + scientific.size(), exponent);
    constexpr int kFixedBelow = sizeof(T) == 4 ? 6 : 15;
    std::string out = negative ? "-" : "";
    const int count = static_cast<int>(digits.size());
    if (exponent >= -4 && exponent < kFixedBelow) {
        if (exponent < 0) {
            out += "0.";
            out.append(static_cast<std::size_t>(-exponent - 1), '0');
            out += digits;
        } else if (count <= exponent + 1) {
            out += digits;
            out.append(static_cast<std::size_t>(exponent + 1 - count), '0');
        } else {
            out += digits.substr(0, static_cast<std::size_t>(exponent + 1));
            out += '.';
            out += digits.substr(static_cast<std::size_t>(exponent + 1));
        }
        return out;
    }
    out += digits[0];
    if (count > 1) {
        out += '.';
        out += digits.substr(1);
    }
    return out + fmt::format("e{}{:02}", exponent < 0 ? '-' : '+', std::abs(exponent));
}

// Microseconds since 2000-01-01 00:00:00, PostgreSQL's timestamp.
constexpr std::int64_t kMicrosPerDay = 86'400'000'000;
constexpr std::int64_t kDaysFrom1970To2000 = 10'957;

struct CivilDate {
    std::int64_t year;
    unsigned month, day;
};

// The proleptic Gregorian date `days` after 1970-01-01, by 400-year eras.
CivilDate civil_from_days(std::int64_t days) {
    days += 719'468;  // from 0000-03-01, so that a leap day ends each year
    const std::int64_t era = (days >= 0 ? days : days - 146'096) / 146'097;
    const auto day_of_era = static_cast<unsigned>(days - era * 146'097);
    const unsigned year_of_era = (day_of_era - day_of_era / 1'460 + day_of_era / 36'524 - day_of_era / 146'096) / 365;
    const unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const unsigned shifted_month = (5 * day_of_year + 2) / 153;  // March is 0
    const unsigned day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    const unsigned month = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
    const std::int64_t year = static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0);
    return {year, month, day};
}

std::string timestamp_text(std::int64_t micros, bool with_zone) {
    if (micros == std::numeric_limits<std::int64_t>::max()) return "infinity";
    if (micros == std::numeric_limits<std::int64_t>::min()) return "-infinity";
    std::int64_t days = micros / kMicrosPerDay;
    std::int64_t of_day = micros % kMicrosPerDay;
    if (of_day < 0) {
        of_day += kMicrosPerDay;
        --days;
    }
    const CivilDate date = civil_from_days(days + kDaysFrom1970To2000);
    const std::int64_t seconds = of_day / 1'000'000;
    std::string out = fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", date.year > 0 ? date.year : 1 - date.year,
                                  date.month, date.day, seconds / 3600, seconds / 60 % 60, seconds % 60);
    if (const std::int64_t fraction = of_day % 1'000'000; fraction != 0) {
        std::string digits = fmt::format("{:06}", fraction);
        digits.erase(digits.find_last_not_of('0') + 1);
        out += '.' + digits;
    }
    if (with_zone) out += "+00";
    if (date.year <= 0) out += " BC";
    return out;
}

std::string uuid_text(std::string_view bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
        const auto byte = static_cast<unsigned char>(bytes[i]);
        out += kHex[byte >> 4];
        out += kHex[byte & 15];
    }
    return out;
}

// jsonb's binary format: a version byte (1), then the text.
std::string_view jsonb_text(std::string_view bytes, std::string_view column) {
    if (bytes.empty() || bytes[0] != 1) malformed(bytes, kJsonb, column, "an unknown version");
    return bytes.substr(1);
}

// An array in its binary format: dimensions, then each element as a length
// (-1 for NULL) and its bytes.
struct ArrayLayout {
    unsigned element_type = 0;
    std::vector<std::int32_t> sizes, lower_bounds;
    std::vector<std::optional<std::string_view>> elements;  // row-major
};

ArrayLayout array_layout(std::string_view bytes, std::string_view column) {
    constexpr unsigned kArray = 0;  // type_name's "array"
    std::size_t at = 0;
    const auto next_int = [&]() -> std::int32_t {
        if (bytes.size() - at < 4) malformed(bytes, kArray, column, "it ends early");
        const auto value = big_endian<std::int32_t>(bytes.data() + at);
        at += 4;
        return value;
    };
    ArrayLayout layout;
    const std::int32_t dimensions = next_int();
    (void)next_int();  // whether it has NULLs: each element says so itself
    layout.element_type = static_cast<unsigned>(next_int());
    constexpr std::int32_t kMaxDimensions = 6;  // the server's MAXDIM
    if (dimensions < 0 || dimensions > kMaxDimensions) malformed(bytes, kArray, column, "a bad number of dimensions");
    if (!scalar_readable(layout.element_type)) malformed(bytes, kArray, column, "an unknown element type");
    std::size_t count = dimensions == 0 ? 0 : 1;
    for (std::int32_t i = 0; i < dimensions; ++i) {
        const std::int32_t size = next_int();
        layout.lower_bounds.push_back(next_int());
        // Each element takes at least its 4-byte length: a count the bytes
        // cannot hold is a lie, caught before anything is allocated for it.
        if (size < 0 || (size > 0 && count > (bytes.size() / 4) / static_cast<std::size_t>(size)))
            malformed(bytes, kArray, column, "more elements than bytes");
        layout.sizes.push_back(size);
        count *= static_cast<std::size_t>(size);
    }
    layout.elements.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const std::int32_t length = next_int();
        if (length == -1) {
            layout.elements.emplace_back(std::nullopt);
            continue;
        }
        if (length < 0 || static_cast<std::size_t>(length) > bytes.size() - at)
            malformed(bytes, kArray, column, "an element runs past its end");
        layout.elements.emplace_back(bytes.substr(at, static_cast<std::size_t>(length)));
        at += static_cast<std::size_t>(length);
    }
    if (at != bytes.size()) malformed(bytes, kArray, column, "bytes after its last element");
    return layout;
}

// An element as array_out writes it: quoted where it could be misread.
void append_array_element(std::string& out, const std::string& text) {
    bool quote = text.empty() || (text.size() == 4 && ::strncasecmp(text.data(), "NULL", 4) == 0);
    for (const char c : text)
        if (c == '"' || c == '\\' || c == '{' || c == '}' || c == ',' || c == ' ' || (c >= '\t' && c <= '\r'))
            quote = true;
    if (!quote) {
        out += text;
        return;
    }
    out += '"';
    for (const char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    out += '"';
}

// Dimension `dimension` of `layout` from element `next` on, as braces.
void append_dimension(std::string& out, const ArrayLayout& layout, std::size_t dimension, std::size_t& next,
                      std::string_view column) {
    out += '{';
    for (std::int32_t i = 0; i < layout.sizes[dimension]; ++i) {
        if (i > 0) out += ',';
        if (dimension + 1 < layout.sizes.size()) {
            append_dimension(out, layout, dimension + 1, next, column);
            continue;
        }
        const std::optional<std::string_view>& element = layout.elements[next++];
        if (element) append_array_element(out, binary_text(*element, layout.element_type, column));
        else out += "NULL";
    }
    out += '}';
}

std::string array_text(std::string_view bytes, std::string_view column) {
    const ArrayLayout layout = array_layout(bytes, column);
    if (layout.sizes.empty()) return "{}";
    std::string out;
    bool default_bounds = true;
    for (const std::int32_t lower : layout.lower_bounds) default_bounds = default_bounds && lower == 1;
    if (!default_bounds) {
        for (std::size_t i = 0; i < layout.sizes.size(); ++i)
            out += fmt::format("[{}:{}]", layout.lower_bounds[i],
                               static_cast<std::int64_t>(layout.lower_bounds[i]) + layout.sizes[i] - 1);
        out += '=';
    }
    std::size_t next = 0;
    append_dimension(out, layout, 0, next, column);
    return out;
}

}  // namespace

unsigned array_element_type(unsigned type) {
    for (const ArrayType& known : kArrayTypes)
        if (known.array == type) return known.element;
    return 0;
}

bool is_array_type(unsigned type) { return array_element_type(type) != 0; }

bool binary_readable(unsigned type) { return scalar_readable(type) || is_array_type(type); }

std::int64_t binary_integer(std::string_view bytes, unsigned type, std::string_view column) {
    switch (type) {
    case kInt2: return fixed<std::int16_t>(bytes, type, column);
    case kInt4: return fixed<std::int32_t>(bytes, type, column);
    case kOid: return fixed<std::uint32_t>(bytes, type, column);
    case kInt8: return fixed<std::int64_t>(bytes, type, column);
    default: return parse_integer(binary_text(bytes, type, column), column);
    }
}

double binary_double(std::string_view bytes, unsigned type, std::string_view column) {
    switch (type) {
    case kFloat4: return fixed<float>(bytes, type, column);
    case kFloat8: return fixed<double>(bytes, type, column);
    default: return parse_double(binary_text(bytes, type, column), column, type);
    }
}

bool binary_bool(std::string_view bytes, unsigned type, std::string_view column) {
    if (type == kBool) return fixed<std::uint8_t>(bytes, type, column) != 0;
    return parse_bool(binary_text(bytes, type, column), column);
}

Bytea binary_bytea(std::string_view bytes, unsigned type, std::string_view column) {
    if (type == kBytea) return Bytea{std::string(bytes)};
    return parse_bytea(binary_text(bytes, type, column), column);
}

nlohmann::json binary_json(std::string_view bytes, unsigned type, std::string_view column) {
    if (type == kJson) return parse_json(bytes, column);
    if (type == kJsonb) return parse_json(jsonb_text(bytes, column), column);
    return parse_json(binary_text(bytes, type, column), column);
}

std::chrono::system_clock::time_point binary_timestamp(std::string_view bytes, unsigned type, std::string_view column) {
    if (type != kTimestamptz && type != kTimestamp) return parse_timestamp(binary_text(bytes, type, column), column);
    const auto micros = fixed<std::int64_t>(bytes, type, column);
    // system_clock counts nanoseconds in 64 bits; infinity and the years
    // outside 1678 to 2261 do not fit (as the text reader says).
    constexpr std::int64_t kEpochShift = kDaysFrom1970To2000 * kMicrosPerDay;
    constexpr std::int64_t kLimit =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::duration::max()).count() -
        1'000'000;
    if (micros > kLimit - kEpochShift || micros < -kLimit - kEpochShift)
        throw ValueError(fmt::format("column \"{}\": `{}` is not a timestamp within std::chrono::system_clock's range "
                                     "(the years 1678 to 2261)",
                                     column, timestamp_text(micros, type == kTimestamptz)));
    return std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
        std::chrono::microseconds(micros + kEpochShift)));
}

std::string binary_text(std::string_view bytes, unsigned type, std::string_view column) {
    switch (type) {
    case kBool: return binary_bool(bytes, type, column) ? "t" : "f";
    case kInt2: case kInt4: case kOid: case kInt8: return fmt::format("{}", binary_integer(bytes, type, column));
    case kFloat4: return float_text(fixed<float>(bytes, type, column));
    case kFloat8: return float_text(fixed<double>(bytes, type, column));
    case kBytea: return *to_param(Bytea{std::string(bytes)});
    case kJsonb: return std::string(jsonb_text(bytes, column));
    case kUuid:
        if (bytes.size() != 16) malformed(bytes, type, column);
        return uuid_text(bytes);
    case kTimestamp: case kTimestamptz: return timestamp_text(fixed<std::int64_t>(bytes, type, column), type == kTimestamptz);
    default:
        if (is_array_type(type)) return array_text(bytes, column);
        return std::string(bytes);  // the text types and json: their binary format is their text
    }
}

BinaryArray binary_array(std::string_view bytes, std::string_view column) {
    ArrayLayout layout = array_layout(bytes, column);
    if (layout.sizes.size() > 1)
        throw ValueError(fmt::format("column \"{}\": an array of {} dimensions is not a one-dimensional array", column,
                                     layout.sizes.size()));
    return BinaryArray{layout.element_type, std::move(layout.elements)};
}

}  // namespace agentio::db::pg::detail
