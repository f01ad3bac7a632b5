#include "agentio/http/body_reader.hpp"

#include <algorithm>

#include "agentio/net/errors.hpp"

namespace agentio::http {

BodyReader::BodyReader(net::BufferedReader& connection, BodyFraming framing, const Limits& limits)
    : connection_(&connection),
      framing_(framing),
      chunked_(limits),
      max_body_(limits.max_body),
      done_(framing.kind == BodyFraming::Kind::None ||
            (framing.kind == BodyFraming::Kind::ContentLength && framing.length == 0)) {}

std::string_view BodyReader::count(std::string_view piece) {
    received_ += piece.size();
    if (received_ > max_body_)
        throw ParseError(413, "HTTP body from " + connection_->stream().peer() + " is larger than the limit of " +
                                  std::to_string(max_body_) + " bytes");
    return piece;
}

Task<std::optional<std::string_view>> BodyReader::next() {
    if (done_) co_return std::nullopt;
    net::BufferedReader& in = *connection_;
    switch (framing_.kind) {
        case BodyFraming::Kind::ContentLength: {
            if (in.buffered().empty()) {
                // Nested, not `a && co_await b`: g++ 12 may evaluate the co_await even when a is false.
                if (!co_await in.fill())
                    throw net::UnexpectedEof("HTTP body from " + in.stream().peer() + " ended after " +
                                             std::to_string(received_) + " of " + std::to_string(framing_.length) + " bytes");
            }
            const std::uint64_t remaining = framing_.length - received_;
            const std::string_view piece = in.buffered().substr(0, static_cast<std::size_t>(std::min<std::uint64_t>(remaining, in.buffered().size())));
            in.consume(piece.size());
            if (received_ + piece.size() == framing_.length) done_ = true;
            co_return count(piece);
        }
        case BodyFraming::Kind::Chunked:
            for (;;) {
                if (!in.buffered().empty()) {
                    const ChunkedDecoder::Result result = chunked_.feed(in.buffered());
                    in.consume(result.consumed);
                    if (result.done) done_ = true;
                    if (!result.data.empty()) co_return count(result.data);
                    if (done_) co_return std::nullopt;
                    if (result.consumed > 0) continue;
                }
                if (!co_await in.fill())
                    throw net::UnexpectedEof("chunked HTTP body from " + in.stream().peer() + " ended before its last chunk");
            }
        case BodyFraming::Kind::UntilClose: {
            const std::string_view piece = co_await in.read_some();
            if (piece.empty()) {
                done_ = true;
                co_return std::nullopt;
            }
            co_return count(piece);
        }
        case BodyFraming::Kind::None:
            break;
    }
    done_ = true;
    co_return std::nullopt;
}

Task<std::string> BodyReader::read_all() {
    std::string body;
    if (framing_.kind == BodyFraming::Kind::ContentLength) body.reserve(static_cast<std::size_t>(std::min(framing_.length, max_body_)));
    while (auto piece = co_await next()) body.append(*piece);
    co_return body;
}

Task<bool> BodyReader::drain(std::uint64_t max) {
    if (framing_.kind == BodyFraming::Kind::UntilClose) co_return done_;
    if (framing_.kind == BodyFraming::Kind::ContentLength && framing_.length - received_ > max) co_return false;
    const std::uint64_t limit = received_ + max;
    while (co_await next())
        if (received_ > limit) co_return false;
    co_return true;
}

}  // namespace agentio::http
