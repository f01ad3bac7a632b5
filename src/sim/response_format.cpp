// response_format.cpp: reading response_format as the API validates it, and
// writing the JSON content it asks for.
#include "agentio/sim/response_format.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "agentio/sim/text_generator.hpp"

namespace agentio::sim {

namespace {

constexpr std::size_t kMaxNameLength = 64;
constexpr int kAnswerTokens = 12;

bool valid_name(const std::string& name) {
    return !name.empty() && name.size() <= kMaxNameLength && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

std::string dump(const Json& value) {
    // Every string in it came from parsed JSON or from ASCII words, so is
    // valid UTF-8; `replace` keeps dump() from throwing if that ever changed.
    return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

ResponseFormat ResponseFormat::read(const Json& value) {
    ResponseFormat format;
    if (value.is_null()) return format;
    if (!value.is_object())
        throw ResponseFormatError(fmt::format("Invalid type for 'response_format': expected an object, but got {} instead.",
                                              value.type_name()),
                                  "response_format", "invalid_type");
    const auto type = value.find("type");
    if (type == value.end())
        throw ResponseFormatError("Missing required parameter: 'response_format.type'.", "response_format.type",
                                  "missing_required_parameter");
    if (*type == "text") return format;
    if (*type == "json_object") {
        format.kind = Kind::json_object;
        return format;
    }
    if (*type != "json_schema")
        throw ResponseFormatError(fmt::format("Invalid value: {}. Supported values are: 'text', 'json_object', and "
                                              "'json_schema'.",
                                              type->is_string() ? "'" + type->get<std::string>() + "'" : dump(*type)),
                                  "response_format.type", "invalid_value");
    format.kind = Kind::json_schema;
    const auto spec = value.find("json_schema");
    if (spec == value.end() || spec->is_null())
        throw ResponseFormatError("Missing required parameter: 'response_format.json_schema'.", "response_format.json_schema",
                                  "missing_required_parameter");
    if (!spec->is_object())
        throw ResponseFormatError(fmt::format("Invalid type for 'response_format.json_schema': expected an object, but got "
                                              "{} instead.",
                                              spec->type_name()),
                                  "response_format.json_schema", "invalid_type");
    const auto name = spec->find("name");
    if (name == spec->end() || name->is_null())
        throw ResponseFormatError("Missing required parameter: 'response_format.json_schema.name'.",
                                  "response_format.json_schema.name", "missing_required_parameter");
    if (!name->is_string() || !valid_name(name->get<std::string>()))
        throw ResponseFormatError("Invalid 'response_format.json_schema.name': a string of 1 to 64 letters, digits, "
                                  "underscores and dashes is expected.",
                                  "response_format.json_schema.name", "invalid_value");
    format.name = name->get<std::string>();
    if (const auto schema = spec->find("schema"); schema != spec->end() && !schema->is_null()) {
        if (!schema->is_object() && !schema->is_boolean())
            throw ResponseFormatError(fmt::format("Invalid type for 'response_format.json_schema.schema': expected an "
                                                  "object, but got {} instead.",
                                                  schema->type_name()),
                                      "response_format.json_schema.schema", "invalid_type");
        format.schema = *schema;
    }
    return format;
}

std::string ResponseFormat::content(std::uint64_t seed) const {
    if (kind == Kind::json_schema && !schema.is_null()) {
        try {
            return dump(schema_instance(schema, seed));
        } catch (const SchemaError& e) {
            throw ResponseFormatError(fmt::format("Invalid schema for response_format '{}': {}", name, e.what()),
                                      "response_format");
        }
    }
    Json object = Json::object();
    object["answer"] = TextGenerator::text(seed, kAnswerTokens, true);
    return dump(object);
}

}  // namespace agentio::sim
