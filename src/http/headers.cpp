// headers.cpp: lookups and edits of Headers, and the body framing that the
// Content-Length and Transfer-Encoding fields declare (RFC 9112 6.3).
//
// Framing is where request smuggling happens, so it refuses every ambiguity
// (both fields, conflicting lengths, chunked not last or twice) rather than
// guessing as a lenient peer might; see parser.hpp for the statuses.
#include "agentio/http/headers.hpp"

#include <algorithm>
#include <iterator>
#include <limits>

#include "agentio/http/parser.hpp"

namespace agentio::http {

namespace {

// "gzip ; q=1" -> "gzip": a list element's token without its parameters.
std::string_view without_parameters(std::string_view element) noexcept {
    element = element.substr(0, element.find(';'));
    while (!element.empty() && (element.back() == ' ' || element.back() == '\t')) element.remove_suffix(1);
    return element;
}

[[noreturn]] void fail(int status, const std::string& what) { throw ParseError(status, what); }

std::string quoted(std::string_view text) { return detail::quote_bytes(text); }

}  // namespace

std::optional<std::string_view> Headers::get(std::string_view name) const noexcept {
    for (const auto& field : fields_)
        if (iequals(field.first, name)) return std::string_view(field.second);
    return std::nullopt;
}

// set() and remove() copy the name first: it may point into a field that the
// edit moves or destroys (`headers.remove(headers[2].first)`).
void Headers::set(std::string_view name, std::string value) {
    std::string key(name);
    auto first = std::find_if(fields_.begin(), fields_.end(), [&](const Field& f) { return iequals(f.first, key); });
    if (first == fields_.end()) {
        fields_.emplace_back(std::move(key), std::move(value));
        return;
    }
    // The replacement takes the place of the first field, under the new spelling.
    first->second = std::move(value);
    fields_.erase(std::remove_if(first + 1, fields_.end(), [&](const Field& f) { return iequals(f.first, key); }),
                  fields_.end());
    first->first = std::move(key);
}

std::size_t Headers::remove(std::string_view name) {
    const std::string key(name);
    const auto kept = std::remove_if(fields_.begin(), fields_.end(), [&](const Field& f) { return iequals(f.first, key); });
    const auto removed = static_cast<std::size_t>(fields_.end() - kept);
    fields_.erase(kept, fields_.end());
    return removed;
}

bool Headers::has_token(std::string_view name, std::string_view token) const noexcept {
    bool found = false;
    for (const auto& field : fields_) {
        if (!iequals(field.first, name)) continue;
        for_each_list_element(field.second, [&](std::string_view element) {
            if (iequals(without_parameters(element), token)) found = true;
        });
        if (found) return true;
    }
    return false;
}

// ---------------------------------------------------------------- framing

namespace {

struct DeclaredLength {
    bool present = false;
    std::uint64_t value = 0;
};

DeclaredLength content_length(const Headers& headers, const Limits& limits) {
    DeclaredLength length;
    for (const auto& [name, value] : headers) {
        if (!iequals(name, "Content-Length")) continue;
        if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos)
            fail(400, "invalid Content-Length " + quoted(value));
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
        length = {true, number};
    }
    if (length.present && length.value > limits.max_body)
        fail(413, "Content-Length " + std::to_string(length.value) + " over the body limit of " +
                      std::to_string(limits.max_body) + " bytes");
    return length;
}

struct TransferCodings {
    bool present = false;
    bool chunked_last = false;
    int chunked_count = 0;
    std::string_view unsupported;  // the first coding we cannot decode
    std::string_view joined;       // the first field's value, for messages
};

TransferCodings transfer_codings(const Headers& headers) {
    static constexpr std::string_view kKnown[] = {"gzip", "x-gzip", "deflate", "compress", "x-compress"};
    TransferCodings codings;
    for (const auto& [name, value] : headers) {
        if (!iequals(name, "Transfer-Encoding")) continue;
        if (!codings.present) codings.joined = value;
        codings.present = true;
        for_each_list_element(value, [&](std::string_view element) {
            const std::string_view coding = without_parameters(element);
            codings.chunked_last = iequals(coding, "chunked");
            if (codings.chunked_last) {
                ++codings.chunked_count;
            } else if (codings.unsupported.empty() &&
                       std::none_of(std::begin(kKnown), std::end(kKnown), [&](auto k) { return iequals(coding, k); })) {
                codings.unsupported = coding;
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
        if (codings.chunked_count > 1) fail(400, "chunked applied more than once in Transfer-Encoding");
        if (!codings.chunked_last)
            fail(400, "request Transfer-Encoding " + quoted(codings.joined) + " does not end in chunked");
        if (!codings.unsupported.empty()) fail(501, "unsupported transfer coding " + quoted(codings.unsupported));
        return {BodyFraming::Kind::Chunked, 0};
    }
    const DeclaredLength length = content_length(head.headers, limits);
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
    const DeclaredLength length = content_length(head.headers, limits);
    if (length.present) return {BodyFraming::Kind::ContentLength, length.value};
    return {BodyFraming::Kind::UntilClose, 0};
}

}  // namespace agentio::http
