// chunk_parser.cpp: ChunkParser, the hot path of a streamed completion, and
// its simdjson path (the fast path is chunk_fast_path.cpp; chunk_parsing.hpp
// says how the two share the work).
//
// Invariants that keep the steady state free of allocations:
// - the input is copied into one padded buffer that only grows, and parsed by
//   one simdjson on-demand parser whose capacity only grows (or by the fast
//   path, which allocates nothing of its own);
// - strings of the caller's ChatChunk are assigned, never replaced, so they
//   keep their capacity;
// - a ChoiceDelta or ToolCallDelta that a chunk does not need is moved to a
//   spare list instead of being destroyed, and is moved back (buffers and all)
//   when a later chunk needs one: a stream that alternates between one and
//   zero choices (the usage chunk) or between text and tool-call deltas does
//   not free and reallocate them.
// If parse() throws, `out` is valid but its content unspecified (partly this
// chunk, partly the last).
#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include "agentio/llm/wire.hpp"
#include "chunk_parsing.hpp"
#include "wire_reader.hpp"

namespace agentio::llm {

namespace detail {

namespace {

namespace od = simdjson::ondemand;

// One chunk's reading with simdjson; the spares are the parser's.
struct SimdjsonChunk {
    std::vector<ChoiceDelta>& spare_choices;
    std::vector<ToolCallDelta>& spare_calls;

    void tool_call(JsonReader& reader, od::value& value, ToolCallDelta& call) {
        call.id.clear();
        call.name.clear();
        call.arguments.clear();
        reader.fields(value, "choices[].delta.tool_calls[]", [&](od::raw_json_string key, od::value& field) {
            if (key == "index") {
                call.index = reader.index(field, "choices[].delta.tool_calls[].index");
            } else if (key == "function") {
                reader.fields(field, "choices[].delta.tool_calls[].function", [&](od::raw_json_string k, od::value& f) {
                    if (k == "arguments") {
                        reader.string(f, "choices[].delta.tool_calls[].function.arguments", call.arguments);
                    } else if (k == "name") {
                        reader.string(f, "choices[].delta.tool_calls[].function.name", call.name);
                    }
                });
            } else if (key == "id") {
                reader.string(field, "choices[].delta.tool_calls[].id", call.id);
            }
        });
    }

    void delta(JsonReader& reader, od::value& value, ChoiceDelta& choice) {
        std::size_t calls = 0;
        reader.fields(value, "choices[].delta", [&](od::raw_json_string key, od::value& field) {
            if (key == "content") {
                reader.string(field, "choices[].delta.content", choice.content);
            } else if (key == "tool_calls") {
                reader.items(field, "choices[].delta.tool_calls", [&](od::value& item) {
                    // A call without an index (some servers omit it when each
                    // call comes whole) is numbered by its place in the array.
                    const int position = static_cast<int>(calls);
                    ToolCallDelta& call = next_slot(choice.tool_calls, calls, spare_calls);
                    call.index = position;
                    tool_call(reader, item, call);
                });
            } else if (key == "role") {
                reader.string(field, "choices[].delta.role", choice.role);
            } else if (key == "refusal") {
                reader.string(field, "choices[].delta.refusal", choice.refusal);
            }
        });
        trim(choice.tool_calls, calls, spare_calls);
    }

    void choice(JsonReader& reader, od::value& value, ChoiceDelta& choice) {
        choice.index = 0;
        choice.role.clear();
        choice.content.clear();
        choice.refusal.clear();
        choice.finish_reason.clear();
        bool had_delta = false;
        reader.fields(value, "choices[]", [&](od::raw_json_string key, od::value& field) {
            if (key == "delta") {
                delta(reader, field, choice);
                had_delta = true;
            } else if (key == "index") {
                choice.index = reader.index(field, "choices[].index");
            } else if (key == "finish_reason") {
                reader.string(field, "choices[].finish_reason", choice.finish_reason);
            }
        });
        if (!had_delta) trim(choice.tool_calls, 0, spare_calls);
    }
};

}  // namespace

void parse_chunk_simdjson(od::parser& parser, std::string_view data, std::size_t capacity, ChatChunk& out,
                          DeltaSpares& spares) {
    JsonReader reader("chat chunk", data);
    reader.iterate(parser, data.data(), capacity);
    SimdjsonChunk impl{spares.choices, spares.calls};

    out.id.clear();
    out.model.clear();
    out.created = 0;
    out.system_fingerprint.clear();
    out.usage.reset();
    std::size_t choices = 0;
    od::object root = reader.root();
    reader.fields(root, "", [&](od::raw_json_string key, od::value& field) {
        if (key == "choices") {
            reader.items(field, "choices", [&](od::value& item) {
                impl.choice(reader, item, next_slot(out.choices, choices, impl.spare_choices));
            });
        } else if (key == "id") {
            reader.string(field, "id", out.id);
        } else if (key == "model") {
            reader.string(field, "model", out.model);
        } else if (key == "created") {
            out.created = reader.integer(field, "created");
        } else if (key == "system_fingerprint") {
            reader.string(field, "system_fingerprint", out.system_fingerprint);
        } else if (key == "usage") {
            if (JsonReader::is_null(field)) {
                out.usage.reset();
            } else {
                reader.usage(field, out.usage.emplace());
            }
        } else if (key == "error") {
            // An error event inside a 200 stream (the server failed after the
            // headers were sent): it ends the stream as an ApiError.
            if (JsonReader::is_null(field)) return;
            ApiErrorBody body;
            reader.error_object(field, body);
            throw ApiError(std::move(body));
        }
    });
    reader.finish();
    trim(out.choices, choices, spares.choices);
}

}  // namespace detail

struct ChunkParser::Impl {
    simdjson::ondemand::parser parser;
    std::unique_ptr<char[]> buffer;
    std::size_t capacity = 0;  // of buffer, padding included
    detail::DeltaSpares spares;

    // Copies `data` into the buffer, followed by zeroed padding.
    std::string_view load(std::string_view data) {
        const std::size_t needed = data.size() + detail::kChunkPadding;
        if (needed > capacity) {
            const std::size_t grown = std::max({needed, capacity * 2, std::size_t{1024}});
            buffer = std::make_unique<char[]>(grown);
            capacity = grown;
        }
        if (!data.empty()) std::memcpy(buffer.get(), data.data(), data.size());
        std::memset(buffer.get() + data.size(), 0, detail::kChunkPadding);
        return {buffer.get(), data.size()};
    }
};

ChunkParser::ChunkParser() : impl_(std::make_unique<Impl>()) {}
ChunkParser::~ChunkParser() = default;
ChunkParser::ChunkParser(ChunkParser&&) noexcept = default;
ChunkParser& ChunkParser::operator=(ChunkParser&&) noexcept = default;

void ChunkParser::parse(std::string_view data, ChatChunk& out) {
    Impl& impl = *impl_;
    const std::string_view padded = impl.load(data);
    if (detail::parse_chunk_fast(padded, out, impl.spares)) return;
    detail::parse_chunk_simdjson(impl.parser, padded, impl.capacity, out, impl.spares);
}

}  // namespace agentio::llm
