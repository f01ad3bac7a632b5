// command.hpp: Command, one Redis command encoded for the wire.
//
// compile-context: extern std::string key, value;
//     Command set("SET", key, value);
//     set.arg("EX").arg(60);
//
// (The braced form, Command{"SET", key, value}, builds the same command;
// g++ 12 cannot compile a braced list of string literals inside a coroutine,
// so code in coroutines uses the parenthesised one.)
//
// Every argument is binary-safe (a bulk string); integers and doubles are
// written as their shortest decimal text, as redis-py sends them. The bytes
// are built as arguments come in, with room kept in front for the array
// header, so finishing a command copies nothing.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace agentio::db::redis {

class Command {
public:
    explicit Command(std::string_view name);
    // The name, then each argument as arg() takes it (text or a number).
    template <class First, class... Rest>
    Command(std::string_view name, const First& first, const Rest&... rest) : Command(name) {
        arg(first);
        (arg(rest), ...);
    }
    Command(std::initializer_list<std::string_view> args);

    Command& arg(std::string_view value);
    Command& arg(const char* value) { return arg(std::string_view(value)); }
    Command& arg(const std::string& value) { return arg(std::string_view(value)); }
    Command& arg(std::int64_t value);
    Command& arg(int value) { return arg(static_cast<std::int64_t>(value)); }
    Command& arg(double value);
    template <class Range>
    Command& args(const Range& values) {
        for (const auto& value : values) arg(value);
        return *this;
    }

    // The first argument, upper-cased as given: for error messages.
    const std::string& name() const noexcept { return name_; }
    // Whether the server may hold the reply back (BLPOP, XREAD ... BLOCK,
    // WAIT, ...): such a command would stall every command behind it on a
    // shared connection, so the client runs it on one of its own.
    bool blocks() const noexcept { return blocks_; }
    // Whether it turns a connection into a subscriber (SUBSCRIBE and kin,
    // MONITOR): only a Subscriber's connection may carry it.
    bool subscribes() const noexcept { return subscribes_; }
    std::size_t size() const noexcept { return count_; }
    // The RESP bytes: `*N\r\n` then one `$len\r\narg\r\n` per argument.
    std::string_view wire();

private:
    static constexpr std::size_t kHeaderRoom = 24;  // "*" + 20 digits + CRLF fits

    std::string name_;
    std::string bytes_;            // kHeaderRoom bytes of room, then the arguments
    std::size_t count_ = 0;
    bool blocks_ = false;
    bool subscribes_ = false;
};

namespace detail {
// Several keys or values given as arguments, as owned strings (the helpers
// that take `key, more...`).
template <class... Rest>
std::vector<std::string> string_list(std::string_view first, const Rest&... rest) {
    return {std::string(first), std::string(std::string_view(rest))...};
}
}  // namespace detail

}  // namespace agentio::db::redis
