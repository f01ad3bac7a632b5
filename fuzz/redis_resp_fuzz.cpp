// redis_resp_fuzz: db::redis::RespParser on arbitrary bytes.
//
// Invariants: next() returns replies or throws ProtocolError (with a
// message), never anything else; and the bytes fed in two pieces, cut at a
// point the input picks, give exactly the replies (and the error) of the
// bytes fed whole. Any other exception, a difference or a crash is a bug.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agentio/db/redis/errors.hpp"
#include "agentio/db/redis/resp_parser.hpp"

namespace redis = agentio::db::redis;

namespace {

struct Outcome {
    std::vector<redis::Reply> replies;
    bool failed = false;
};

Outcome read(std::string_view first, std::string_view second) {
    redis::RespLimits limits;
    limits.max_bulk = 1 << 20;
    limits.max_elements = 1 << 12;
    limits.max_depth = 32;
    redis::RespParser parser(limits);
    Outcome outcome;
    try {
        for (std::string_view piece : {first, second}) {
            parser.feed(piece);
            while (std::optional<redis::Reply> reply = parser.next()) outcome.replies.push_back(std::move(*reply));
        }
    } catch (const redis::ProtocolError& e) {
        if (std::string_view(e.what()).empty()) std::abort();
        outcome.failed = true;
    }
    return outcome;
}

// Reply's == is the value's, so a `,nan` is not equal to itself; here the
// question is whether both reads produced the same reply, NaN included.
bool same(const redis::Reply& a, const redis::Reply& b) {
    if (a.kind != b.kind || a.text != b.text || a.integer != b.integer) return false;
    if (a.number != b.number && !(std::isnan(a.number) && std::isnan(b.number))) return false;
    if (a.elements.size() != b.elements.size()) return false;
    for (std::size_t i = 0; i < a.elements.size(); ++i)
        if (!same(a.elements[i], b.elements[i])) return false;
    return true;
}

bool same(const std::vector<redis::Reply>& a, const std::vector<redis::Reply>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!same(a[i], b[i])) return false;
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
    const std::size_t cut = input.empty() ? 0 : data[0] % (input.size() + 1);
    const Outcome whole = read(input, {});
    const Outcome split = read(input.substr(0, cut), input.substr(cut));
    if (whole.failed != split.failed || !same(whole.replies, split.replies)) std::abort();
    for (const redis::Reply& reply : whole.replies) (void)reply.describe();
    return 0;
}
