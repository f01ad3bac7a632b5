// describe.cpp: the messages of a SchemaError, kept out of the templates.
#include "agentio/agent/describe.hpp"

namespace agentio::agent::detail {

std::string quoted_list(const std::vector<std::string>& values) {
    std::string out;
    for (const std::string& value : values) {
        if (!out.empty()) out += ", ";
        out += Json(value).dump();
    }
    return out;
}

std::string json_kind(const Json& value) {
    switch (value.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: return "a boolean";
    case Json::value_t::string: return "a string";
    case Json::value_t::array: return "an array";
    case Json::value_t::object: return "an object";
    case Json::value_t::number_float: return "a number (" + value.dump() + ")";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return "an integer (" + value.dump() + ")";
    default: return "a " + std::string(value.type_name());
    }
}

void fail(std::string_view path, std::string_view message) {
    if (path.empty()) throw SchemaError(std::string(message));
    throw SchemaError(std::string(path) + ": " + std::string(message));
}

std::string member_path(std::string_view path, std::string_view name) {
    if (path.empty()) return std::string(name);
    return std::string(path) + "." + std::string(name);
}

std::string element_path(std::string_view path, std::size_t index) {
    return std::string(path) + "[" + std::to_string(index) + "]";
}

}  // namespace agentio::agent::detail
