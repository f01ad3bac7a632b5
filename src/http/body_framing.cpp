// body_framing.cpp: the body framing that the Content-Length and
// Transfer-Encoding fields declare (body_framing.hpp, RFC 9112 6.3).
//
// The request side refuses every ambiguity, the response side follows what
// RFC 9112 tells a client to do; see the header for the statuses and the
// sections behind each refusal.
#include "agentio/http/body_framing.hpp"

#include <limits>

#include "syntax.hpp"

namespace agentio::http {

namespace {

using namespace detail;

struct DeclaredLength {
    bool present = false;
    std::uint64_t value = 0;
};

// `repeats_allowed`: identical values in several field lines are one length
// (responses); otherwise any second field line is refused (requests).
DeclaredLength content_length(const Headers& headers, const Limits& limits, bool repeats_allowed) {
    DeclaredLength length;
    for (const auto& [name, value] : headers) {
        if (!iequals(name, "Content-Length")) continue;
        if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos)
            fail(400, "invalid Content-Length " + quoted(value) + " (a single run of digits)");
        std::uint64_t number = 0;
        for (const char digit : value) {
            const auto d = static_cast<std::uint64_t>(digit - '0');
            if (number > (std::numeric_limits<std::uint64_t>::max() - d) / 10)
                fail(400, "Content-Length " + quoted(value) + " does not fit in 64 bits");
            number = number * 10 + d;
        }
        if (length.present && length.value != number)
            fail(400, "conflicting Content-Length values " + std::to_string(length.value) + " and " +
                          std::to_string(number) + " (request smuggling)");
        if (length.present && !repeats_allowed)
            fail(400, "Content-Length sent more than once (request smuggling)");
        length = {true, number};
    }
    if (length.present && length.value > limits.max_body)
        fail(413, "Content-Length " + std::to_string(length.value) + " over the body limit of " +
                      std::to_string(limits.max_body) + " bytes");
    return length;
}

struct TransferCodings {
    bool present = false;
    bool chunked_last = false;      // the final coding is chunked
    int chunked_count = 0;
    std::string_view other;         // the first coding that is not chunked
    std::string_view malformed;     // the first list element that is not a transfer-coding
    std::string_view chunked_with_parameters;
    std::string_view first_value;   // the first field's value, for messages
};

// Every element of every Transfer-Encoding field, in order (RFC 9112 6.1:
// the codings apply in the order listed, across repeated fields).
TransferCodings transfer_codings(const Headers& headers) {
    TransferCodings codings;
    for (const auto& [name, value] : headers) {
        if (!iequals(name, "Transfer-Encoding")) continue;
        if (!codings.present) codings.first_value = value;
        codings.present = true;
        for_each_list_element(value, [&](std::string_view element) {
            // transfer-coding = token *( OWS ";" OWS transfer-parameter )
            const std::size_t semicolon = element.find(';');
            const std::string_view coding = trim_ows(element.substr(0, semicolon));
            if (coding.empty() || find_invalid(coding, kTchar) != npos) {
                if (codings.malformed.empty()) codings.malformed = element;
            }
            codings.chunked_last = iequals(coding, "chunked");
            if (codings.chunked_last) {
                ++codings.chunked_count;
                if (semicolon != npos && codings.chunked_with_parameters.empty()) codings.chunked_with_parameters = element;
            } else if (codings.other.empty()) {
                codings.other = coding;
            }
        });
    }
    return codings;
}

}  // namespace

// RFC 9112 6.3, in its order; the smuggling checks come first.
BodyFraming request_framing(const RequestHead& head, const Limits& limits) {
    const TransferCodings codings = transfer_codings(head.headers);
    if (codings.present) {
        if (head.headers.contains("Content-Length"))
            fail(400, "request with both Transfer-Encoding and Content-Length (request smuggling)");
        if (head.version_minor == 0) fail(400, "Transfer-Encoding in an HTTP/1.0 request");
        if (!codings.malformed.empty())
            fail(400, "malformed Transfer-Encoding element " + quoted(codings.malformed) + " (a token expected)");
        if (codings.chunked_count > 1) fail(400, "chunked applied more than once in Transfer-Encoding");
        if (!codings.chunked_last)
            fail(400, "request Transfer-Encoding " + quoted(codings.first_value) + " does not end in chunked");
        if (!codings.chunked_with_parameters.empty())
            fail(400, "chunked takes no parameters: " + quoted(codings.chunked_with_parameters));
        if (!codings.other.empty())
            fail(501, "transfer coding " + quoted(codings.other) + " is not implemented (only chunked is)");
        return {BodyFraming::Kind::Chunked, 0};
    }
    const DeclaredLength length = content_length(head.headers, limits, /*repeats_allowed=*/false);
    if (length.present) return {BodyFraming::Kind::ContentLength, length.value};
    return {};
}

BodyFraming response_framing(std::string_view request_method, const ResponseHead& head, const Limits& limits) {
    const bool bodiless_status = head.status < 200 || head.status == 204 || head.status == 304;
    const bool tunnel = request_method == "CONNECT" && head.status / 100 == 2;
    if (request_method == "HEAD" || bodiless_status || tunnel) return {};
    const TransferCodings codings = transfer_codings(head.headers);
    if (codings.present) {
        if (codings.chunked_count > 1) fail(400, "chunked applied more than once in Transfer-Encoding");
        return {codings.chunked_last ? BodyFraming::Kind::Chunked : BodyFraming::Kind::UntilClose, 0};
    }
    const DeclaredLength length = content_length(head.headers, limits, /*repeats_allowed=*/true);
    if (length.present) return {BodyFraming::Kind::ContentLength, length.value};
    return {BodyFraming::Kind::UntilClose, 0};
}

}  // namespace agentio::http
