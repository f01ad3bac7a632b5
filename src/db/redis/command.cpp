// command.cpp: RESP encoding of a command's arguments.
#include "agentio/db/redis/command.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <fmt/format.h>

namespace agentio::db::redis {

namespace {

void append_decimal(std::string& out, std::size_t value) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    out.append(digits, end);
}

bool blocking_name(std::string_view name) {
    for (std::string_view blocking : {"BLPOP", "BRPOP", "BRPOPLPUSH", "BLMOVE", "BLMPOP", "BZPOPMIN", "BZPOPMAX", "BZMPOP",
                                      "WAIT", "WAITAOF"})
        if (name == blocking) return true;
    return false;
}

bool subscribing_name(std::string_view name) {
    return name == "SUBSCRIBE" || name == "PSUBSCRIBE" || name == "SSUBSCRIBE" || name == "MONITOR";
}

bool is_block_option(std::string_view value) {
    return value.size() == 5 && std::toupper(static_cast<unsigned char>(value[0])) == 'B' &&
           std::toupper(static_cast<unsigned char>(value[1])) == 'L' && std::toupper(static_cast<unsigned char>(value[2])) == 'O' &&
           std::toupper(static_cast<unsigned char>(value[3])) == 'C' && std::toupper(static_cast<unsigned char>(value[4])) == 'K';
}

}  // namespace

Command::Command(std::string_view name) : bytes_(kHeaderRoom, ' ') {
    bytes_.reserve(kHeaderRoom + 64);
    arg(name);
}

Command::Command(std::initializer_list<std::string_view> args) : bytes_(kHeaderRoom, ' ') {
    std::size_t size = kHeaderRoom;
    for (std::string_view value : args) size += value.size() + 16;
    bytes_.reserve(size);
    for (std::string_view value : args) arg(value);
}

Command& Command::arg(std::string_view value) {
    if (count_ == 0) {
        name_.assign(value);
        for (char& c : name_) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        blocks_ = blocking_name(name_);
        subscribes_ = subscribing_name(name_);
    } else if (!blocks_ && (name_ == "XREAD" || name_ == "XREADGROUP") && is_block_option(value)) {
        blocks_ = true;
    }
    bytes_.push_back('$');
    append_decimal(bytes_, value.size());
    bytes_.append("\r\n").append(value).append("\r\n");
    ++count_;
    return *this;
}

Command& Command::arg(std::int64_t value) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    return arg(std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

Command& Command::arg(double value) {
    // Redis reads "inf", "-inf" and shortest round-trip decimals.
    if (std::isinf(value)) return arg(value > 0 ? std::string_view("inf") : std::string_view("-inf"));
    return arg(std::string_view(fmt::format("{}", value)));
}

std::string_view Command::wire() {
    char header[kHeaderRoom];
    header[0] = '*';
    const auto digits_end = std::to_chars(header + 1, header + sizeof header - 2, count_).ptr;
    digits_end[0] = '\r';
    digits_end[1] = '\n';
    const std::size_t length = static_cast<std::size_t>(digits_end + 2 - header);
    const std::size_t start = kHeaderRoom - length;
    bytes_.replace(start, length, header, length);
    return std::string_view(bytes_).substr(start);
}

}  // namespace agentio::db::redis
