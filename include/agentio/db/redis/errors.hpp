// errors.hpp: what the Redis client throws.
//
// - ServerError: the server answered a command with an error reply
//   ("WRONGTYPE Operation against a key holding the wrong kind of value");
//   the connection stays usable. code() is its first word.
// - ProtocolError: the server sent bytes that are not RESP (or exceed a
//   limit); the connection is closed, since the replies after it cannot be
//   matched to their commands any more.
// - ReplyTypeError: a reply of another kind than the caller asked for.
// A connection that fails or closes raises net::ConnectionError (naming the
// server) in every command waiting on it; a command's timeout raises
// agentio::TimeoutError.
#pragma once

#include <string>

#include "agentio/core/errors.hpp"

namespace agentio::db::redis {

class ServerError : public Error {
public:
    // `command` is the command's name ("GET"); `message` the server's text.
    ServerError(std::string command, std::string message);
    const std::string& command() const noexcept { return command_; }
    const std::string& message() const noexcept { return message_; }
    // "WRONGTYPE", "NOSCRIPT", "ERR", ...: the message's first word.
    std::string code() const;

private:
    std::string command_;
    std::string message_;
};

class ProtocolError : public Error {
public:
    using Error::Error;
};

class ReplyTypeError : public Error {
public:
    using Error::Error;
};

}  // namespace agentio::db::redis
