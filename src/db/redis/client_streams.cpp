// client_streams.cpp: the client's Streams helpers (X*) and pub/sub.
//
// Entries read the same from both protocols: an entry is [id, [field,
// value, ...]] (the field list is null for an entry deleted while pending);
// XREAD/XREADGROUP answer with a map of stream to entries in RESP3 and an
// array of [stream, entries] pairs in RESP2, or null when BLOCK timed out.
#include <fmt/format.h>

#include "agentio/db/redis/client.hpp"
#include "agentio/db/redis/errors.hpp"
#include "client_state.hpp"

namespace agentio::db::redis {

std::optional<std::string> StreamEntry::field(std::string_view name) const {
    for (const auto& [key, value] : fields)
        if (key == name) return value;
    return std::nullopt;
}

namespace {

using detail::aggregate;
using detail::integer;
using detail::send_one;
using detail::then;

[[noreturn]] void unexpected(std::string_view what, const Reply& reply) {
    throw ReplyTypeError(fmt::format("redis reply: expected {}, got {}", what, reply.describe()));
}

StreamEntry entry_of(const Reply& reply) {
    if (!reply.is_aggregate() || reply.elements.size() != 2) unexpected("a stream entry [id, fields]", reply);
    StreamEntry entry;
    entry.id = reply.elements[0].as_string();
    const Reply& fields = reply.elements[1];
    if (fields.is_null()) return entry;
    const std::vector<Reply>& flat = aggregate(fields);
    if (flat.size() % 2 != 0) unexpected("field/value pairs", fields);
    for (std::size_t i = 0; i + 1 < flat.size(); i += 2) entry.fields.emplace_back(flat[i].as_string(), flat[i + 1].as_string());
    return entry;
}

std::vector<StreamEntry> entries_of(const Reply& reply) {
    std::vector<StreamEntry> entries;
    for (const Reply& element : aggregate(reply)) entries.push_back(entry_of(element));
    return entries;
}

std::vector<StreamBatch> batches(Reply reply) {
    std::vector<StreamBatch> out;
    if (reply.is_null()) return out;  // BLOCK timed out
    const std::vector<Reply>& items = aggregate(reply);
    if (reply.kind == Reply::Kind::Map) {
        for (std::size_t i = 0; i + 1 < items.size(); i += 2) out.push_back({items[i].as_string(), entries_of(items[i + 1])});
        return out;
    }
    for (const Reply& pair : items) {
        if (!pair.is_aggregate() || pair.elements.size() != 2) unexpected("[stream, entries]", pair);
        out.push_back({pair.elements[0].as_string(), entries_of(pair.elements[1])});
    }
    return out;
}

std::string status_or_bulk(Reply reply) { return reply.as_string(); }

AutoClaimed auto_claimed(Reply reply) {
    const std::vector<Reply>& parts = aggregate(reply);
    if (parts.size() < 2) unexpected("[next id, entries, deleted ids]", reply);
    AutoClaimed out;
    out.next_id = parts[0].as_string();
    out.entries = entries_of(parts[1]);
    if (parts.size() > 2)
        for (const Reply& id : aggregate(parts[2])) out.deleted.push_back(id.as_string());
    return out;
}

PendingSummary pending_summary(Reply reply) {
    const std::vector<Reply>& parts = aggregate(reply);
    if (parts.size() != 4) unexpected("[count, smallest id, largest id, consumers]", reply);
    PendingSummary out;
    out.count = parts[0].as_integer();
    if (!parts[1].is_null()) out.smallest_id = parts[1].as_string();
    if (!parts[2].is_null()) out.largest_id = parts[2].as_string();
    if (!parts[3].is_null())
        for (const Reply& consumer : aggregate(parts[3])) {
            if (consumer.elements.size() != 2) unexpected("[consumer, count]", consumer);
            out.consumers.emplace_back(consumer.elements[0].as_string(), consumer.elements[1].as_integer());
        }
    return out;
}

std::int64_t milliseconds(Duration duration) {
    return static_cast<std::int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(duration).count());
}

// XGROUP CREATE's BUSYGROUP means the group is already there: false, not an error.
Task<bool> create_group(std::shared_ptr<Client::State> self, Command command) {
    bool created = true;
    try {
        Task<Reply> creating = send_one(self, std::move(command));
        co_await std::move(creating);
    } catch (const ServerError& error) {
        if (error.code() != "BUSYGROUP") throw;
        created = false;
    }
    co_return created;
}

}  // namespace

Task<Subscriber> Client::subscriber() { return Subscriber::open(state_->options); }

Task<std::string> Client::xadd(std::string_view key, const std::vector<std::pair<std::string, std::string>>& fields,
                               XAddOptions options) {
    Command xadd("XADD", key);
    if (options.max_length) xadd.arg("MAXLEN").arg("~").arg(*options.max_length);
    xadd.arg(options.id);
    for (const auto& [field, value] : fields) xadd.arg(field).arg(value);
    return then(command(std::move(xadd)), &status_or_bulk);
}

Task<std::int64_t> Client::xlen(std::string_view key) { return then(command(Command("XLEN", key)), &integer); }

Task<bool> Client::xgroup_create(std::string_view key, std::string_view group, std::string_view start_id) {
    return create_group(state_, Command("XGROUP", "CREATE", key, group, start_id, "MKSTREAM"));
}

Task<std::vector<StreamBatch>> Client::xreadgroup(std::string_view group, std::string_view consumer, std::string_view key,
                                                  XReadGroupOptions options) {
    std::vector<std::pair<std::string, std::string>> one;
    one.emplace_back(std::string(key), ">");
    return xreadgroup(group, consumer, one, options);
}

Task<std::vector<StreamBatch>> Client::xreadgroup(std::string_view group, std::string_view consumer,
                                                  const std::vector<std::pair<std::string, std::string>>& streams,
                                                  XReadGroupOptions options) {
    Command read("XREADGROUP", "GROUP", group, consumer);
    if (options.count > 0) read.arg("COUNT").arg(options.count);
    if (options.block) read.arg("BLOCK").arg(milliseconds(*options.block));
    if (options.no_ack) read.arg("NOACK");
    read.arg("STREAMS");
    for (const auto& stream : streams) read.arg(stream.first);
    for (const auto& stream : streams) read.arg(stream.second);
    return then(command(std::move(read)), &batches);
}

Task<std::int64_t> Client::xack(std::string_view key, std::string_view group, const std::vector<std::string>& ids) {
    Command ack("XACK", key, group);
    ack.args(ids);
    return then(command(std::move(ack)), &integer);
}

Task<AutoClaimed> Client::xautoclaim(std::string_view key, std::string_view group, std::string_view consumer,
                                     Duration min_idle, std::string_view start_id, std::int64_t count) {
    return then(command(Command("XAUTOCLAIM", key, group, consumer, milliseconds(min_idle), start_id, "COUNT", count)),
                &auto_claimed);
}

Task<PendingSummary> Client::xpending(std::string_view key, std::string_view group) {
    return then(command(Command("XPENDING", key, group)), &pending_summary);
}

}  // namespace agentio::db::redis
