#include "statement_cache.hpp"

#include <fmt/format.h>

namespace agentio::db::pg::detail {

StatementCache::Use StatementCache::use(const std::string& sql) {
    if (capacity_ == 0) return {};
    if (auto found = by_sql_.find(sql); found != by_sql_.end()) {
        entries_.splice(entries_.begin(), entries_, found->second);
        const Entry& entry = *found->second;
        if (!entry.ready) return {};  // its Prepare is still in flight
        return {Use::How::Execute, entry.name, entry.binary};
    }
    entries_.push_front(Entry{sql, fmt::format("agentio_{}", next_id_++)});
    by_sql_.emplace(entries_.front().sql, entries_.begin());
    if (entries_.size() > capacity_) {
        // Deallocating a name whose Prepare is still in flight is safe: the
        // DEALLOCATE runs after it, in pipeline order.
        Entry& oldest = entries_.back();
        evicted_.push_back(std::move(oldest.name));
        by_sql_.erase(oldest.sql);
        entries_.pop_back();
    }
    return {Use::How::Prepare, entries_.front().name};
}

void StatementCache::prepared(const std::string& sql, const std::string& name, bool ok, bool binary) {
    auto found = by_sql_.find(sql);
    if (found == by_sql_.end() || found->second->name != name) return;  // evicted meanwhile
    if (ok) {
        found->second->ready = true;
        found->second->binary = binary;
        return;
    }
    const auto entry = found->second;
    by_sql_.erase(found);  // before the entry its key views
    entries_.erase(entry);
}

void StatementCache::forget(const std::string& sql) {
    auto found = by_sql_.find(sql);
    if (found == by_sql_.end()) return;
    const auto entry = found->second;
    evicted_.push_back(std::move(entry->name));
    by_sql_.erase(found);  // before the entry its key views
    entries_.erase(entry);
}

}  // namespace agentio::db::pg::detail
