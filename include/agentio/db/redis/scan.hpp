// scan.hpp: Scan, SCAN's cursor as an async iterator.
//
// compile-context: extern Client redis; void expire_session(const std::string& key);
//     Scan keys = redis.scan("session:*");
//     while (std::optional<std::string> key = co_await keys.next()) expire_session(*key);
//
// Each next() returns a key from the current batch, fetching the next batch
// (SCAN cursor MATCH pattern [COUNT n]) when it runs out, until the server's
// cursor comes back to 0. As SCAN itself promises: every key present for the
// whole scan is returned at least once; a key may be returned twice.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "agentio/core/task.hpp"
#include "agentio/db/redis/command.hpp"
#include "agentio/db/redis/reply.hpp"

namespace agentio::db::redis {

class Scan {
public:
    // How a batch is fetched: the client's command().
    using Fetch = std::function<Task<Reply>(Command)>;
    Scan(Fetch fetch, std::string match, std::int64_t count);

    // The next key, or nullopt when the scan is complete.
    Task<std::optional<std::string>> next();

private:
    Fetch fetch_;
    std::string match_;
    std::int64_t count_ = 0;
    std::string cursor_ = "0";
    bool finished_ = false;
    std::vector<std::string> batch_;
    std::size_t index_ = 0;
};

}  // namespace agentio::db::redis
