// stream.hpp: Redis Streams' entries as the client's X* helpers return them.
//
// compile-context: extern Client redis; extern std::vector<std::pair<std::string, std::string>> fields; void handle(const StreamEntry& entry);
//     std::string id = co_await redis.xadd("jobs", fields);
//     co_await redis.xgroup_create("jobs", "workers");
//     std::vector<StreamBatch> batches = co_await redis.xreadgroup("workers", "w1", "jobs", {.count = 10});
//     for (const StreamBatch& batch : batches) {
//         std::vector<std::string> done;
//         for (const StreamEntry& entry : batch.entries) {
//             handle(entry);
//             done.push_back(entry.id);
//         }
//         co_await redis.xack("jobs", "workers", done);
//     }
//
// The same shapes whichever protocol the connection speaks (RESP3 sends
// XREADGROUP's streams as a map, RESP2 as an array of pairs).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agentio/core/clock.hpp"

namespace agentio::db::redis {

struct StreamEntry {
    std::string id;  // "1700000000000-0"
    // In the order they were added; empty for an entry deleted while pending.
    std::vector<std::pair<std::string, std::string>> fields;

    // The first field of that name, if any.
    std::optional<std::string> field(std::string_view name) const;
};

// One stream's entries from XREAD/XREADGROUP.
struct StreamBatch {
    std::string stream;
    std::vector<StreamEntry> entries;
};

// Options structs stay trivially copyable (a view, not a string): g++ 12
// mis-destroys a defaulted argument with a std::string inside a co_await.
// xadd() copies the id before it returns.
struct XAddOptions {
    std::string_view id = "*";                    // "*": the server picks
    std::optional<std::int64_t> max_length = {};  // MAXLEN ~ n: trims, approximately
};

struct XReadGroupOptions {
    std::int64_t count = 0;               // COUNT; 0: the server's default
    std::optional<Duration> block = {};   // BLOCK ms: wait for entries (on a pooled connection)
    bool no_ack = false;                  // NOACK
};

// XAUTOCLAIM's answer: where the next call starts, what was claimed, and
// the ids of pending entries that no longer exist.
struct AutoClaimed {
    std::string next_id;
    std::vector<StreamEntry> entries;
    std::vector<std::string> deleted;
};

// XPENDING key group: the summary form.
struct PendingSummary {
    std::int64_t count = 0;
    std::string smallest_id;  // empty when nothing is pending
    std::string largest_id;
    std::vector<std::pair<std::string, std::int64_t>> consumers;  // name, pending count
};

}  // namespace agentio::db::redis
