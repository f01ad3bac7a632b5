// scan.cpp: SCAN batches, one at a time.
#include "agentio/db/redis/scan.hpp"

#include "agentio/db/redis/errors.hpp"

namespace agentio::db::redis {

Scan::Scan(Fetch fetch, std::string match, std::int64_t count)
    : fetch_(std::move(fetch)), match_(std::move(match)), count_(count) {}

Task<std::optional<std::string>> Scan::next() {
    while (index_ == batch_.size()) {
        if (finished_) co_return std::nullopt;
        Command scan{"SCAN", cursor_, "MATCH", match_};
        if (count_ > 0) scan.arg("COUNT").arg(count_);
        Task<Reply> fetching = fetch_(std::move(scan));
        const Reply reply = co_await std::move(fetching);
        if (reply.kind != Reply::Kind::Array || reply.elements.size() != 2 || !reply.elements[1].is_aggregate())
            throw ReplyTypeError("redis SCAN: expected [cursor, keys], got " + reply.describe());
        cursor_ = reply.elements[0].as_string();
        finished_ = cursor_ == "0";
        batch_.clear();
        index_ = 0;
        for (const Reply& key : reply.elements[1].elements) batch_.push_back(key.as_string());
    }
    co_return std::move(batch_[index_++]);
}

}  // namespace agentio::db::redis
