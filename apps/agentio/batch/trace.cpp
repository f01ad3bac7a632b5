// trace.cpp: complete ("X") events, microseconds, tid = slot.
#include "batch/trace.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include "agentio/core/errors.hpp"

namespace agentio::cli::batch {
namespace {

// Tenths of a microsecond, the trace's resolution. Each bound is rounded on
// its own (the end is not start + a rounded length): spans whose times
// nest or follow each other still do after rounding, as viewers need.
std::int64_t tenths(Duration since_origin) {
    return static_cast<std::int64_t>(std::llround(std::chrono::duration<double, std::micro>(since_origin).count() * 10));
}

std::string microseconds(std::int64_t tenths) {
    return fmt::format("{}{}.{}", tenths < 0 ? "-" : "", std::abs(tenths) / 10, std::abs(tenths) % 10);
}

}  // namespace

TraceWriter::TraceWriter(const std::string& path, TimePoint origin, int slots) : path_(path), origin_(origin) {
    file_ = std::fopen(path.c_str(), "w");
    if (!file_) throw Error("cannot create the trace " + path + ": " + std::strerror(errno));
    // Big enough for a call's events, which add() flushes together: a kill
    // leaves whole events only.
    std::setvbuf(file_, nullptr, _IOFBF, 1 << 16);
    put("[\n{\"ph\": \"M\", \"pid\": 1, \"name\": \"process_name\", \"args\": {\"name\": \"agentio batch\"}}");
    for (int slot = 0; slot < slots; ++slot)
        put(fmt::format(",\n{{\"ph\": \"M\", \"pid\": 1, \"tid\": {}, \"name\": \"thread_name\", \"args\": {{\"name\": \"slot {}\"}}}}",
                        slot, slot));
}

TraceWriter::~TraceWriter() { close(); }

void TraceWriter::put(std::string_view text) {
    if (file_ && std::fwrite(text.data(), 1, text.size(), file_) != text.size()) give_up();
}

void TraceWriter::give_up() {
    failure_ = "cannot write the trace " + path_ + ": " + std::strerror(errno) + "; it is cut short here";
    std::fclose(file_);
    file_ = nullptr;
}

void TraceWriter::span(int slot, std::string_view name, TimePoint start, Duration length, const std::string& args) {
    if (length < Duration::zero()) length = Duration::zero();
    const std::string quoted = nlohmann::json(std::string(name)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    const std::int64_t begin = tenths(start - origin_), end = tenths(start + length - origin_);
    put(fmt::format(",\n{{\"ph\": \"X\", \"pid\": 1, \"tid\": {}, \"name\": {}, \"ts\": {}, \"dur\": {}{}}}", slot, quoted,
                    microseconds(begin), microseconds(end - begin), args.empty() ? "" : ", \"args\": " + args));
}

void TraceWriter::add(int slot, std::string_view custom_id, const llm::RequestRecord& record) {
    if (!file_) return;
    const nlohmann::json args = {{"status", record.status},
                                 {"tokens_in", record.usage.prompt_tokens},
                                 {"tokens_out", record.usage.completion_tokens},
                                 {"retries", record.retries},
                                 {"cost", record.cost},
                                 {"error", record.error}};
    span(slot, custom_id, record.started, record.end_to_end, args.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    TimePoint at = record.started;
    span(slot, "queued", at, record.queued);
    at += record.queued;
    if (record.rate_limit_wait > Duration::zero()) {
        span(slot, "rate-limit wait", at, record.rate_limit_wait);
        at += record.rate_limit_wait;
    }
    if (record.connect > Duration::zero()) {
        span(slot, "connect", at, record.connect);
        at += record.connect;
    }
    for (const llm::RetryRecord& retry : record.retry_log) {
        span(slot, fmt::format("retry {} wait ({})", retry.attempt + 1, retry.status ? std::to_string(retry.status) : retry.reason),
             retry.failed_at, retry.wait);
        // The last attempt, whose reply the next spans show, starts after the last wait.
        at = std::max(at, retry.failed_at + retry.wait);
    }
    const TimePoint end = record.started + record.end_to_end;
    if (record.time_to_first_token) {
        const TimePoint first = record.started + *record.time_to_first_token;
        span(slot, "first token", at, first - at);
        span(slot, "streaming", first, end - first);
    } else {
        span(slot, "response", at, end - at);
    }
    if (file_ && std::fflush(file_) != 0) give_up();
}

void TraceWriter::close() {
    put("\n]\n");
    if (!file_) return;
    if (std::fclose(file_) != 0 && failure_.empty())
        failure_ = "cannot write the trace " + path_ + ": " + std::strerror(errno) + "; it is cut short";
    file_ = nullptr;
}

}  // namespace agentio::cli::batch
