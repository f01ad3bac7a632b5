// resp_parser.cpp: the resumable RESP2/RESP3 reader.
//
// The read position only moves past whole values: a scalar (its line, and a
// bulk string's payload) is consumed when all of it is here, and an
// aggregate's header when it is read, its elements then filling the frame on
// top of the stack. So a reply split anywhere resumes at the value it stopped
// in, and no finished element is read twice.
#include "agentio/db/redis/resp_parser.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>

#include "agentio/db/redis/errors.hpp"
#include "resp_double.hpp"

namespace agentio::db::redis {

namespace {

constexpr std::size_t kMaxLine = 64 * 1024;
constexpr std::size_t kInitialCapacity = 16 * 1024;
// A buffer grown for one huge value goes back to this when it empties.
constexpr std::size_t kKeptCapacity = 1024 * 1024;

std::string excerpt(std::string_view text) {
    constexpr std::size_t kMax = 40;
    std::string out;
    for (char c : text.substr(0, kMax)) {
        if (c == '\r') out += "\\r";
        else if (c == '\n') out += "\\n";
        else if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
            out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        else out += c;
    }
    if (text.size() > kMax) out += "...";
    return out;
}

}  // namespace

enum class RespParser::Parsed : unsigned char { NeedMore, Scalar, Aggregate, Attribute };

struct RespParser::Frame {
    Reply value;
    std::size_t remaining = 0;  // elements still to come
    bool attribute = false;     // a `|` frame: dropped when complete
};

RespParser::RespParser(RespLimits limits) : limits_(limits) {}
RespParser::~RespParser() = default;
RespParser::RespParser(RespParser&&) noexcept = default;
RespParser& RespParser::operator=(RespParser&&) noexcept = default;

std::size_t RespParser::buffered() const noexcept { return end_ - begin_; }

std::span<char> RespParser::prepare(std::size_t at_least) {
    const std::size_t used = end_ - begin_;
    if (used == 0 && capacity_ > kKeptCapacity) {
        data_.reset();
        capacity_ = 0;
    }
    if (used == 0) begin_ = end_ = 0;
    if (capacity_ - end_ < at_least) {
        if (begin_ > 0 && capacity_ - used >= at_least) {
            std::memmove(data_.get(), data_.get() + begin_, used);
        } else {
            const std::size_t capacity = std::max({capacity_ * 2, used + at_least, kInitialCapacity});
            std::unique_ptr<char[]> bigger(new char[capacity]);
            if (used > 0) std::memcpy(bigger.get(), data_.get() + begin_, used);
            data_ = std::move(bigger);
            capacity_ = capacity;
        }
        begin_ = 0;
        end_ = used;
    }
    return {data_.get() + end_, capacity_ - end_};
}

void RespParser::commit(std::size_t n) noexcept { end_ += std::min(n, capacity_ - end_); }

void RespParser::feed(std::string_view bytes) {
    if (bytes.empty()) return;
    std::span<char> room = prepare(bytes.size());
    std::memcpy(room.data(), bytes.data(), bytes.size());
    commit(bytes.size());
}

void RespParser::fail(const std::string& what) {
    failed_ = true;
    throw ProtocolError("redis reply: " + what);
}

std::optional<Reply> RespParser::next() {
    if (failed_) throw ProtocolError("redis reply: the stream cannot be read after an earlier protocol error");
    for (;;) {
        Reply value;
        std::size_t count = 0;
        const Parsed parsed = parse_one(value, count);
        if (parsed == Parsed::NeedMore) return std::nullopt;
        if (parsed != Parsed::Scalar && count > 0) {
            if (stack_.size() >= limits_.max_depth) fail(fmt::format("nested deeper than {} levels", limits_.max_depth));
            value.elements.reserve(std::min<std::size_t>(count, 64));
            stack_.push_back(Frame{std::move(value), count, parsed == Parsed::Attribute});
            continue;
        }
        if (parsed == Parsed::Attribute) continue;  // empty: annotates nothing
        Reply done;
        if (attach(std::move(value), done)) {
            if (begin_ == end_) begin_ = end_ = 0;
            return done;
        }
    }
}

bool RespParser::attach(Reply value, Reply& done) {
    for (;;) {
        if (stack_.empty()) {
            done = std::move(value);
            return true;
        }
        Frame& top = stack_.back();
        top.value.elements.push_back(std::move(value));
        if (--top.remaining > 0) return false;
        Frame finished = std::move(top);
        stack_.pop_back();
        if (finished.attribute) return false;  // dropped; what it annotates comes next
        value = std::move(finished.value);
    }
}

RespParser::Parsed RespParser::parse_one(Reply& out, std::size_t& count) {
    const char* p = data_.get() + begin_;
    const std::size_t available = end_ - begin_;
    if (available == 0) return Parsed::NeedMore;
    const void* newline = std::memchr(p, '\n', std::min(available, kMaxLine + 2));
    if (newline == nullptr) {
        if (available > kMaxLine) fail(fmt::format("a line longer than {} bytes: `{}`", kMaxLine, excerpt({p, available})));
        return Parsed::NeedMore;
    }
    const std::size_t line_end = static_cast<std::size_t>(static_cast<const char*>(newline) - p);  // at the LF
    if (line_end == 0 || p[line_end - 1] != '\r') fail(fmt::format("a line not ended by CRLF: `{}`", excerpt({p, line_end + 1})));
    const std::string_view line(p + 1, line_end > 1 ? line_end - 2 : 0);
    const std::size_t header = line_end + 1;
    const char type = p[0];

    auto integer = [&](std::string_view digits) {
        std::int64_t value = 0;
        const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (digits.empty() || error != std::errc() || end != digits.data() + digits.size())
            fail(fmt::format("`{}` is not an integer (in `{}`)", excerpt(digits), excerpt({p, header})));
        return value;
    };
    auto scalar = [&](Reply::Kind kind, std::size_t consumed) {
        out.kind = kind;
        begin_ += consumed;
        return Parsed::Scalar;
    };

    switch (type) {
        case '+': out.text.assign(line); return scalar(Reply::Kind::Status, header);
        case '-': out.text.assign(line); return scalar(Reply::Kind::Error, header);
        case ':': out.integer = integer(line); return scalar(Reply::Kind::Integer, header);
        case '_':
            if (!line.empty()) fail(fmt::format("a null with a payload: `{}`", excerpt({p, header})));
            return scalar(Reply::Kind::Null, header);
        case '#':
            if (line != "t" && line != "f") fail(fmt::format("a boolean that is neither t nor f: `{}`", excerpt({p, header})));
            out.integer = line == "t" ? 1 : 0;
            return scalar(Reply::Kind::Boolean, header);
        case ',': {
            const std::optional<double> number = detail::resp_double(line);
            if (!number) fail(fmt::format("`{}` is not a double", excerpt(line)));
            out.number = *number;
            return scalar(Reply::Kind::Double, header);
        }
        case '(': {
            const std::string_view digits = !line.empty() && (line[0] == '-' || line[0] == '+') ? line.substr(1) : line;
            if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos)
                fail(fmt::format("`{}` is not a big number", excerpt(line)));
            out.text.assign(line);
            return scalar(Reply::Kind::BigNumber, header);
        }
        case '$':
        case '!':
        case '=': {
            const std::int64_t length = integer(line);
            if (length == -1 && type == '$') return scalar(Reply::Kind::Null, header);
            if (length < 0) fail(fmt::format("a negative length: `{}`", excerpt({p, header})));
            if (static_cast<std::uint64_t>(length) > limits_.max_bulk)
                fail(fmt::format("a bulk string of {} bytes, over the limit of {}", length, limits_.max_bulk));
            const std::size_t size = static_cast<std::size_t>(length);
            if (available < header + size + 2) return Parsed::NeedMore;
            if (p[header + size] != '\r' || p[header + size + 1] != '\n')
                fail(fmt::format("a bulk string of {} bytes not followed by CRLF", size));
            std::string_view payload(p + header, size);
            Reply::Kind kind = type == '$' ? Reply::Kind::Bulk : type == '!' ? Reply::Kind::Error : Reply::Kind::Verbatim;
            if (type == '=') {
                if (size < 4 || payload[3] != ':') fail(fmt::format("a verbatim string without its format: `{}`", excerpt(payload)));
                payload.remove_prefix(4);
            }
            out.text.assign(payload);
            return scalar(kind, header + size + 2);
        }
        case '*':
        case '~':
        case '%':
        case '>':
        case '|': {
            const std::int64_t length = integer(line);
            if (length == -1 && type == '*') return scalar(Reply::Kind::Null, header);
            if (length < 0) fail(fmt::format("a negative count: `{}`", excerpt({p, header})));
            const bool pairs = type == '%' || type == '|';
            const std::uint64_t elements = static_cast<std::uint64_t>(length) * (pairs ? 2 : 1);
            if (elements > limits_.max_elements)
                fail(fmt::format("an aggregate of {} elements, over the limit of {}", elements, limits_.max_elements));
            out.kind = type == '*' ? Reply::Kind::Array
                     : type == '~' ? Reply::Kind::Set
                     : type == '>' ? Reply::Kind::Push
                                   : Reply::Kind::Map;
            count = static_cast<std::size_t>(elements);
            begin_ += header;
            return type == '|' ? Parsed::Attribute : Parsed::Aggregate;
        }
        default:
            fail(fmt::format("unknown type byte 0x{:02x} at the start of `{}`", static_cast<unsigned char>(type),
                             excerpt({p, header})));
    }
}

}  // namespace agentio::db::redis
