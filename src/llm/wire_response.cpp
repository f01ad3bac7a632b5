// wire_response.cpp: reading whole (non-streamed) response bodies.
//
// Bodies are parsed with simdjson on-demand like chunks, but each call makes
// its own padded copy: a response is read once. The parser is per thread for
// bodies up to 1 MiB so that a client making many calls reuses its buffers,
// and fresh for larger ones (embeddings of big batches) so that one large
// body does not pin its memory to the thread forever.
//
// A 2xx body that is an error object ({"error": {...}}, which some servers
// send with status 200) throws ApiError with status 0 rather than a
// StreamError about missing fields.
#include <algorithm>
#include <utility>

#include "agentio/llm/wire.hpp"
#include "wire_excerpt.hpp"
#include "wire_reader.hpp"

namespace agentio::llm {

namespace {

namespace od = simdjson::ondemand;
using detail::JsonReader;

constexpr std::size_t kThreadParserLimit = std::size_t{1} << 20;

// Parses `body` and calls read(reader, root object), then checks the end.
template <class Read>
void read_document(const char* what, std::string_view body, Read&& read) {
    thread_local od::parser shared;
    od::parser fresh;
    od::parser& parser = body.size() <= kThreadParserLimit ? shared : fresh;
    const simdjson::padded_string padded(body.data(), body.size());
    JsonReader reader(what, body);
    reader.iterate(parser, padded.data(), body.size() + simdjson::SIMDJSON_PADDING);
    od::object root = reader.root();
    read(reader, root);
    reader.finish();
}

[[noreturn]] void throw_error_object(JsonReader& reader, od::value& value) {
    ApiErrorBody body;
    reader.error_object(value, body);
    throw ApiError(std::move(body));
}

void read_tool_call(JsonReader& reader, od::value& value, ToolCall& call) {
    reader.fields(value, "choices[].message.tool_calls[]", [&](od::raw_json_string key, od::value& field) {
        if (key == "id") {
            reader.string(field, "choices[].message.tool_calls[].id", call.id);
        } else if (key == "type") {
            reader.string(field, "choices[].message.tool_calls[].type", call.type);
        } else if (key == "function") {
            reader.fields(field, "choices[].message.tool_calls[].function", [&](od::raw_json_string k, od::value& f) {
                if (k == "name") {
                    reader.string(f, "choices[].message.tool_calls[].function.name", call.name);
                } else if (k == "arguments") {
                    reader.string(f, "choices[].message.tool_calls[].function.arguments", call.arguments);
                }
            });
        }
    });
}

void read_message(JsonReader& reader, od::value& value, Message& message) {
    reader.fields(value, "choices[].message", [&](od::raw_json_string key, od::value& field) {
        if (key == "content") {
            reader.optional_string(field, "choices[].message.content", message.content);
        } else if (key == "role") {
            reader.string(field, "choices[].message.role", message.role);
        } else if (key == "tool_calls") {
            message.tool_calls.clear();
            reader.items(field, "choices[].message.tool_calls", [&](od::value& item) {
                read_tool_call(reader, item, message.tool_calls.emplace_back());
            });
        } else if (key == "refusal") {
            reader.optional_string(field, "choices[].message.refusal", message.refusal);
        } else if (key == "name") {
            reader.optional_string(field, "choices[].message.name", message.name);
        }
    });
}

void read_choice(JsonReader& reader, od::value& value, Choice& choice) {
    reader.fields(value, "choices[]", [&](od::raw_json_string key, od::value& field) {
        if (key == "message") {
            read_message(reader, field, choice.message);
        } else if (key == "index") {
            choice.index = reader.index(field, "choices[].index");
        } else if (key == "finish_reason") {
            reader.string(field, "choices[].finish_reason", choice.finish_reason);
        }
    });
}

}  // namespace

ChatResponse parse_chat_response(std::string_view body) {
    ChatResponse response;
    bool has_choices = false;
    read_document("chat response", body, [&](JsonReader& reader, od::object& root) {
        reader.fields(root, "", [&](od::raw_json_string key, od::value& field) {
            if (key == "choices") {
                has_choices = true;
                reader.items(field, "choices", [&](od::value& item) {
                    read_choice(reader, item, response.choices.emplace_back());
                });
            } else if (key == "id") {
                reader.string(field, "id", response.id);
            } else if (key == "model") {
                reader.string(field, "model", response.model);
            } else if (key == "created") {
                response.created = reader.integer(field, "created");
            } else if (key == "system_fingerprint") {
                reader.string(field, "system_fingerprint", response.system_fingerprint);
            } else if (key == "usage") {
                if (!JsonReader::is_null(field)) reader.usage(field, response.usage.emplace());
            } else if (key == "error") {
                if (!JsonReader::is_null(field)) throw_error_object(reader, field);
            }
        });
        if (!has_choices) reader.fail("", "no `choices` in the response");
    });
    // The wire does not promise choices in index order; users read choices[0].
    std::stable_sort(response.choices.begin(), response.choices.end(),
                     [](const Choice& a, const Choice& b) { return a.index < b.index; });
    return response;
}

EmbeddingResponse parse_embedding_response(std::string_view body) {
    EmbeddingResponse response;
    struct Item {
        int index = -1;
        std::vector<float> embedding;
    };
    std::vector<Item> items;
    bool has_data = false;
    read_document("embedding response", body, [&](JsonReader& reader, od::object& root) {
        reader.fields(root, "", [&](od::raw_json_string key, od::value& field) {
            if (key == "data") {
                has_data = true;
                reader.items(field, "data", [&](od::value& value) {
                    Item& item = items.emplace_back();
                    reader.fields(value, "data[]", [&](od::raw_json_string k, od::value& f) {
                        if (k == "index") {
                            item.index = reader.index(f, "data[].index");
                        } else if (k == "embedding") {
                            std::string_view text;
                            if (!f.get_string().get(text))
                                reader.fail("data[].embedding",
                                            "a base64 embedding; only float arrays are read (encoding_format \"float\")");
                            reader.items(f, "data[].embedding", [&](od::value& x) {
                                item.embedding.push_back(static_cast<float>(reader.number(x, "data[].embedding[]")));
                            });
                        }
                    });
                });
            } else if (key == "model") {
                reader.string(field, "model", response.model);
            } else if (key == "usage") {
                if (!JsonReader::is_null(field)) reader.usage(field, response.usage);
            } else if (key == "error") {
                if (!JsonReader::is_null(field)) throw_error_object(reader, field);
            }
        });
        if (!has_data) reader.fail("", "no `data` in the response");
        // Every position 0..n-1 exactly once, so that data[i] is input[i].
        response.data.resize(items.size());
        std::vector<bool> seen(items.size());
        for (std::size_t i = 0; i < items.size(); ++i) {
            const int index = items[i].index;
            const std::string item = "data[" + std::to_string(i) + "]";
            if (index < 0) reader.fail("", item + " has no index");
            if (static_cast<std::size_t>(index) >= items.size())
                reader.fail("", item + ": index " + std::to_string(index) + " is out of range for " +
                                    std::to_string(items.size()) + " embeddings");
            if (seen[static_cast<std::size_t>(index)])
                reader.fail("", item + ": index " + std::to_string(index) + " appears twice");
            seen[static_cast<std::size_t>(index)] = true;
            response.data[static_cast<std::size_t>(index)] = std::move(items[i].embedding);
        }
    });
    return response;
}

std::vector<Model> parse_model_list(std::string_view body) {
    std::vector<Model> models;
    bool has_data = false;
    read_document("model list", body, [&](JsonReader& reader, od::object& root) {
        reader.fields(root, "", [&](od::raw_json_string key, od::value& field) {
            if (key == "data") {
                has_data = true;
                reader.items(field, "data", [&](od::value& value) {
                    Model& model = models.emplace_back();
                    reader.fields(value, "data[]", [&](od::raw_json_string k, od::value& f) {
                        if (k == "id") {
                            reader.string(f, "data[].id", model.id);
                        } else if (k == "owned_by") {
                            reader.string(f, "data[].owned_by", model.owned_by);
                        } else if (k == "created") {
                            model.created = reader.integer(f, "data[].created");
                        }
                    });
                });
            } else if (key == "error") {
                if (!JsonReader::is_null(field)) throw_error_object(reader, field);
            }
        });
        if (!has_data) reader.fail("", "no `data` in the response");
    });
    return models;
}

ApiErrorBody parse_error_body(int status, std::string_view body) {
    ApiErrorBody out;
    out.status = status;
    try {
        bool found = false;
        read_document("error body", body, [&](JsonReader& reader, od::object& root) {
            // {"error": {...}} as OpenAI sends it; also {"error": "text"}, and
            // the flat {"object": "error", "message": ...} of some servers.
            ApiErrorBody flat;
            bool flat_message = false;
            reader.fields(root, "", [&](od::raw_json_string key, od::value& field) {
                if (key == "error") {
                    if (JsonReader::is_null(field)) return;
                    reader.error_object(field, out);
                    found = true;
                } else if (key == "message") {
                    reader.scalar_text(field, "message", flat.message);
                    flat_message = true;
                } else if (key == "type") {
                    reader.scalar_text(field, "type", flat.type);
                } else if (key == "code") {
                    reader.scalar_text(field, "code", flat.code);
                } else if (key == "param") {
                    reader.scalar_text(field, "param", flat.param);
                }
            });
            if (!found && flat_message) {
                out.message = std::move(flat.message);
                out.type = std::move(flat.type);
                out.code = std::move(flat.code);
                out.param = std::move(flat.param);
                found = true;
            }
        });
        if (found) return out;
    } catch (...) {
        // Not the error JSON: fall through to quoting the body.
    }
    out.message.clear();
    out.type.clear();
    out.param.clear();
    out.code.clear();
    const std::size_t start = body.find_first_not_of(" \t\r\n");
    if (start == std::string_view::npos) {
        out.message = "HTTP " + std::to_string(status);
    } else {
        out.message = detail::excerpt(body.substr(start));
    }
    return out;
}

}  // namespace agentio::llm
