// errors.cpp: the server's error reply as an exception.
#include "agentio/db/redis/errors.hpp"

namespace agentio::db::redis {

ServerError::ServerError(std::string command, std::string message)
    : Error("redis " + command + ": " + message), command_(std::move(command)), message_(std::move(message)) {}

std::string ServerError::code() const { return message_.substr(0, message_.find(' ')); }

}  // namespace agentio::db::redis
