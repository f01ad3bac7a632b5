// tracing.cpp: spans, and their export as Chrome trace events and OTLP JSON.
#include "agentio/agent/tracing.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "agentio/core/capture.hpp"
#include "agentio/core/errors.hpp"
#include "agentio/core/event_loop.hpp"
#include "agentio/core/to_thread.hpp"
#include "agentio/http/client.hpp"

namespace agentio::agent {

using llm::Json;

// ---- Span ----

Span::Span(Span&& other) noexcept : tracer_(std::exchange(other.tracer_, nullptr)), record_(std::move(other.record_)) {}

Span& Span::operator=(Span&& other) noexcept {
    if (this != &other) {
        end();
        tracer_ = std::exchange(other.tracer_, nullptr);
        record_ = std::move(other.record_);
    }
    return *this;
}

Span::~Span() { end(); }

void Span::set(const std::string& key, Json value) {
    if (tracer_ != nullptr) record_.attributes[key] = std::move(value);
}

void Span::fail(const std::string& type, const std::string& message) {
    if (tracer_ == nullptr) return;
    record_.attributes["error.type"] = type;
    record_.error = message.empty() ? type : message;
}

void Span::end() {
    if (tracer_ == nullptr) return;
    record_.end = get_running_loop().now();
    std::exchange(tracer_, nullptr)->finished(std::move(record_));
}

// ---- Tracer ----

// The trace file: the trace-event format's array form, which viewers accept
// without its closing bracket, so a process killed mid-way leaves a file
// that opens. Each flush appends its events.
struct Tracer::FileState {
    std::FILE* file = nullptr;
    bool first = true;
    ~FileState() {
        if (file == nullptr) return;
        std::fputs("\n]\n", file);
        std::fclose(file);
    }
};

Tracer::Tracer(TraceOptions options) : options_(std::move(options)), random_(std::random_device{}()) {}

Tracer::~Tracer() = default;

std::string Tracer::random_hex(int digits) {
    std::string hex;
    while (static_cast<int>(hex.size()) < digits) hex += fmt::format("{:016x}", random_());
    hex.resize(static_cast<std::size_t>(digits));
    return hex;
}

Span Tracer::start(std::string name, const SpanContext& parent, Json attributes) {
    Span span;
    span.tracer_ = this;
    span.record_.name = std::move(name);
    span.record_.context.trace_id = parent.trace_id.empty() ? random_hex(32) : parent.trace_id;
    span.record_.context.span_id = random_hex(16);
    span.record_.parent_span_id = parent.span_id;
    span.record_.attributes = attributes.is_object() ? std::move(attributes) : Json::object();
    span.record_.start = get_running_loop().now();
    if (!clock_origin_) {
        const auto wall = std::chrono::system_clock::now().time_since_epoch();
        clock_origin_.emplace(span.record_.start, std::chrono::duration_cast<std::chrono::nanoseconds>(wall).count());
    }
    return span;
}

void Tracer::finished(SpanRecord record) { pending_.push_back(std::move(record)); }

std::int64_t Tracer::unix_nanos(TimePoint at) const {
    if (!clock_origin_) return 0;
    return clock_origin_->second + std::chrono::duration_cast<std::chrono::nanoseconds>(at - clock_origin_->first).count();
}

namespace {

// Chrome's viewers draw the spans of one thread track as a stack: a span
// drawn inside another reads as its child. So each span goes on the first
// track where nothing is open or its parent is the innermost open span; the
// parallel tool calls of a turn get a track each.
std::vector<int> tracks_for(const std::vector<const SpanRecord*>& by_start) {
    std::vector<std::vector<const SpanRecord*>> open;  // per track, its open spans, innermost last
    std::vector<int> tracks;
    for (const SpanRecord* span : by_start) {
        std::size_t track = 0;
        for (; track < open.size(); ++track) {
            std::vector<const SpanRecord*>& stack = open[track];
            while (!stack.empty() && stack.back()->end <= span->start && stack.back()->context.span_id != span->parent_span_id)
                stack.pop_back();
            if (stack.empty() || (stack.back()->context.span_id == span->parent_span_id && span->end <= stack.back()->end))
                break;
        }
        if (track == open.size()) open.emplace_back();
        open[track].push_back(span);
        tracks.push_back(static_cast<int>(track) + 1);
    }
    return tracks;
}

std::string chrome_events(const std::vector<SpanRecord>& spans, TimePoint origin, bool& first) {
    std::vector<const SpanRecord*> by_start;
    for (const SpanRecord& span : spans) by_start.push_back(&span);
    std::stable_sort(by_start.begin(), by_start.end(), [](const SpanRecord* a, const SpanRecord* b) {
        return a->start != b->start ? a->start < b->start : a->end > b->end;  // parents before their children
    });
    const std::vector<int> tracks = tracks_for(by_start);
    std::string text;
    for (std::size_t i = 0; i < by_start.size(); ++i) {
        const SpanRecord& span = *by_start[i];
        Json args = span.attributes;
        args["trace_id"] = span.context.trace_id;
        args["span_id"] = span.context.span_id;
        if (!span.error.empty()) args["error"] = span.error;
        const auto micros = [](Duration d) { return std::chrono::duration<double, std::micro>(d).count(); };
        Json event = {{"name", span.name},   {"cat", "gen_ai"},
                      {"ph", "X"},           {"ts", micros(span.start - origin)},
                      {"dur", micros(span.end - span.start)}, {"pid", 1},
                      {"tid", tracks[i]},    {"args", std::move(args)}};
        text += first ? "[\n" : ",\n";
        first = false;
        text += event.dump(-1, ' ', false, Json::error_handler_t::replace);
    }
    return text;
}

Json otlp_value(const Json& value) {
    if (value.is_string()) return {{"stringValue", value}};
    if (value.is_boolean()) return {{"boolValue", value}};
    if (value.is_number_integer()) return {{"intValue", std::to_string(value.get<std::int64_t>())}};  // int64 is a string in OTLP JSON
    if (value.is_number()) return {{"doubleValue", value}};
    if (value.is_array()) {
        Json values = Json::array();
        for (const Json& item : value) values.push_back(otlp_value(item));
        return {{"arrayValue", {{"values", values}}}};
    }
    return {{"stringValue", value.dump()}};
}

Json otlp_attributes(const Json& attributes) {
    Json list = Json::array();
    for (const auto& [key, value] : attributes.items()) list.push_back({{"key", key}, {"value", otlp_value(value)}});
    return list;
}

}  // namespace

Task<> Tracer::flush() {
    std::vector<SpanRecord> spans = std::exchange(pending_, {});
    if (spans.empty()) co_return;
    std::string failures;
    if (!options_.perfetto_file.empty()) {
        if (!file_) {
            file_ = std::make_unique<FileState>();
            file_->file = std::fopen(options_.perfetto_file.c_str(), "w");
            if (file_->file == nullptr) {
                file_.reset();
                throw Error("trace file " + options_.perfetto_file + ": cannot create: " + std::strerror(errno));
            }
        }
        std::string text = chrome_events(spans, clock_origin_->first, file_->first);
        auto write = [file = file_->file, text = std::move(text)] {
            return std::fwrite(text.data(), 1, text.size(), file) == text.size() && std::fflush(file) == 0;
        };
        const bool written = co_await to_thread(std::move(write));
        if (!written) failures += "trace file " + options_.perfetto_file + ": cannot write: " + std::strerror(errno);
    }
    if (!options_.otlp_endpoint.empty()) {
        Json out = Json::array();
        for (const SpanRecord& span : spans) {
            const std::string operation = span.attributes.value("gen_ai.operation.name", "");
            Json json = {{"traceId", span.context.trace_id},
                         {"spanId", span.context.span_id},
                         {"name", span.name},
                         {"kind", operation == "chat" ? 3 : 1},  // CLIENT for a call out, else INTERNAL
                         {"startTimeUnixNano", std::to_string(unix_nanos(span.start))},
                         {"endTimeUnixNano", std::to_string(unix_nanos(span.end))},
                         {"attributes", otlp_attributes(span.attributes)},
                         {"status", span.error.empty() ? Json{{"code", 1}} : Json{{"code", 2}, {"message", span.error}}}};
            if (!span.parent_span_id.empty()) json["parentSpanId"] = span.parent_span_id;
            out.push_back(std::move(json));
        }
        const Json resource = {{"service.name", options_.service_name}};
        Json body = {{"resourceSpans",
                      {{{"resource", {{"attributes", otlp_attributes(resource)}}},
                        {"scopeSpans", {{{"scope", {{"name", "agentio.agent"}}}, {"spans", std::move(out)}}}}}}}};
        std::string url = options_.otlp_endpoint;
        while (!url.empty() && url.back() == '/') url.pop_back();
        url += "/v1/traces";
        http::Client client;
        http::Headers headers;
        headers.add("Content-Type", "application/json");
        std::string payload = body.dump(-1, ' ', false, Json::error_handler_t::replace);
        Task<http::ClientResponse> posting = client.post(url, std::move(payload), std::move(headers));
        Outcome<http::ClientResponse> sent = co_await capture(std::move(posting));
        if (!sent) {
            failures += (failures.empty() ? "" : "; ") + std::string("OTLP export to ") + url + ": " + describe(sent.error());
        } else if (!sent.value().ok()) {
            failures += (failures.empty() ? "" : "; ") + fmt::format("OTLP export to {}: HTTP {}", url, sent.value().status());
        }
        client.close();
    }
    if (!failures.empty()) throw Error(failures);
}

}  // namespace agentio::agent
