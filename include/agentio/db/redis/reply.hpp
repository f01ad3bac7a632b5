// reply.hpp: Reply, one value a Redis server sent (RESP2 or RESP3).
//
// compile-context: extern Client redis;
//     Reply reply = co_await redis.command("HGETALL", "user:1");
//     for (std::size_t i = 0; i + 1 < reply.elements.size(); i += 2)
//         std::cout << reply.elements[i].as_string() << " = " << reply.elements[i + 1].as_string() << "\n";
//
// One type for every RESP value, as redis-py's parsed replies are plain
// Python values: the kind says which fields hold it. A map keeps its pairs in
// the order the server sent them, flattened (key, value, key, value, ...), as
// RESP2 sends HGETALL's reply, so code reads both protocols alike. An error
// inside an aggregate (EXEC's results) stays a value of kind Error; an error
// as a whole reply is thrown as redis::ServerError by the client instead.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace agentio::db::redis {

class Reply {
public:
    enum class Kind : std::uint8_t {
        Null,       // RESP3 `_`, RESP2's null bulk string and null array
        Status,     // `+OK`
        Error,      // `-ERR ...` and RESP3's bulk error `!`
        Integer,    // `:`
        Bulk,       // `$`: binary-safe bytes
        Verbatim,   // RESP3 `=`: text, its 3-letter format dropped
        Double,     // RESP3 `,` (inf, -inf and nan included)
        Boolean,    // RESP3 `#`
        BigNumber,  // RESP3 `(`: the digits, as text
        Array,      // `*`
        Set,        // RESP3 `~`
        Map,        // RESP3 `%`: elements are key, value, key, value, ...
        Push,       // RESP3 `>`: out-of-band (pub/sub messages, invalidations)
    };

    Kind kind = Kind::Null;
    std::string text;             // Status, Error, Bulk, Verbatim, BigNumber
    std::int64_t integer = 0;     // Integer; Boolean as 0 or 1
    double number = 0;            // Double
    std::vector<Reply> elements;  // Array, Set, Map, Push

    bool is_null() const noexcept { return kind == Kind::Null; }
    bool is_error() const noexcept { return kind == Kind::Error; }
    // Status, Bulk or Verbatim: what a command answers with bytes.
    bool is_string() const noexcept { return kind == Kind::Status || kind == Kind::Bulk || kind == Kind::Verbatim; }
    bool is_aggregate() const noexcept {
        return kind == Kind::Array || kind == Kind::Set || kind == Kind::Map || kind == Kind::Push;
    }

    // The value as a type, or redis::ReplyTypeError naming what it was
    // (a null reply is not a string: test is_null() first where one may come).
    const std::string& as_string() const;
    std::int64_t as_integer() const;  // an Integer, or a Bulk of digits (RESP2 sends some numbers so)
    double as_double() const;         // a Double, an Integer, or a Bulk that parses as one (ZSCORE in RESP2)
    bool as_bool() const;             // a Boolean or an Integer 0/1

    // As redis-cli would show it, for messages: "(integer) 3", "\"v\"",
    // "(error) ERR wrong number ...", "1) \"a\" 2) \"b\"". Long values are cut.
    std::string describe() const;

    bool operator==(const Reply&) const = default;
};

std::string_view to_string(Reply::Kind kind) noexcept;

}  // namespace agentio::db::redis
