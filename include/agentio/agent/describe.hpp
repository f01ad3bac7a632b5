// describe.hpp: a JSON Schema and a validating parser for plain C++ structs.
//
// A tool's parameters and an agent's typed output are ordinary structs that
// say, once, what their fields are called and mean:
//
// compile-context: extern std::string text; extern llm::Json j;
//     struct GetWeather {
//         std::string city;
//         std::optional<std::string> unit;
//         static auto describe() {
//             return agent::fields(agent::field("city", &GetWeather::city, "The city, e.g. Paris"),
//                                  agent::field("unit", &GetWeather::unit, "Temperature unit")
//                                      .one_of({"celsius", "fahrenheit"}));
//         }
//     };
//
//     llm::Json schema = agent::schema_of<GetWeather>();  // the JSON Schema, strict by default
//     GetWeather weather = agent::parse<GetWeather>(text);  // or SchemaError naming the field
//     GetWeather same = agent::from_json<GetWeather>(j);    // the same from a JSON value
//     llm::Json back = agent::to_json(weather);              // back to JSON
//
// A type that cannot get a member function (a library's struct) is described
// by specialising agent::Description<T> with a static `fields()`.
//
// Field types: bool, integers, floating point, std::string, llm::Json (any
// value; not allowed in a strict schema), std::optional<T>, std::vector<T>
// and described structs, nested to any depth.
//
// Strict schemas are what the API's structured outputs require (and what the
// OpenAI Agents SDK sends by default): every property listed in `required`,
// an optional field typed as [T, "null"], `additionalProperties: false` on
// every object. A non-strict schema requires only the non-optional fields.
//
// parse<T> and from_json<T> validate as they read, against the same rules the schema states: a
// wrong type, a missing required field, a value outside one_of or a property
// the schema does not have is a SchemaError whose message names the path
// ("unit: expected one of \"celsius\", \"fahrenheit\", got \"kelvin\""), so a
// model told the message can correct its call.
#pragma once

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "agentio/agent/errors.hpp"
#include "agentio/llm/message.hpp"

namespace agentio::agent {

using Json = llm::Json;

namespace detail {
template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class T>
struct is_vector : std::false_type {};
template <class T>
struct is_vector<std::vector<T>> : std::true_type {};

template <class T>
constexpr bool is_string_like() {
    if constexpr (std::is_same_v<T, std::string>) return true;
    else if constexpr (is_optional<T>::value || is_vector<T>::value) return is_string_like<typename T::value_type>();
    else return false;
}

}  // namespace detail

// One described member of `Owner`.
template <class Owner, class T>
struct Field {
    std::string_view name;
    T Owner::*member;
    std::string_view description;
    std::vector<std::string> choices;  // one_of: the only values allowed
    std::optional<std::size_t> min_count{}, max_count{};  // items(): an array's bounds

    // Restricts a string field (or a vector or optional of strings) to these
    // values: the schema's `enum`.
    // Bounds an array field's length: the schema's minItems / maxItems.
    Field items(std::size_t min, std::optional<std::size_t> max = std::nullopt) && {
        static_assert(detail::is_vector<T>::value, "items() applies to std::vector fields");
        min_count = min;
        max_count = max;
        return std::move(*this);
    }

    Field one_of(std::initializer_list<std::string_view> values) && {
        static_assert(detail::is_string_like<T>(), "one_of() applies to string fields");
        for (std::string_view value : values) choices.emplace_back(value);
        return std::move(*this);
    }
};

template <class Owner, class T>
Field<Owner, T> field(std::string_view name, T Owner::*member, std::string_view description = {}) {
    return Field<Owner, T>{name, member, description, {}, {}, {}};
}

template <class... Fields>
std::tuple<Fields...> fields(Fields... described) {
    return std::tuple<Fields...>(std::move(described)...);
}

// Specialise for a type that cannot have a static describe() member.
template <class T>
struct Description {};
template <class T>
    requires requires { T::describe(); }
struct Description<T> {
    static auto fields() { return T::describe(); }
};

template <class T>
concept Described = std::is_class_v<T> && requires { Description<T>::fields(); };

namespace detail {

std::string quoted_list(const std::vector<std::string>& values);
std::string json_kind(const Json& value);  // "a string", "null", "an object", ...
[[noreturn]] void fail(std::string_view path, std::string_view message);
std::string member_path(std::string_view path, std::string_view name);
std::string element_path(std::string_view path, std::size_t index);

// The schema of one value of type T (without description or enum).
template <class T>
Json schema_of_value(bool strict);

template <class Owner, class T>
Json schema_of_field(const Field<Owner, T>& described, bool strict) {
    Json schema = schema_of_value<T>(strict);
    if constexpr (is_string_like<T>()) {
        Json* target = &schema;
        if constexpr (is_vector<T>::value) target = &schema["items"];
        if (!described.choices.empty()) {
            (*target)["enum"] = described.choices;
            if (strict && is_optional<T>::value) (*target)["enum"].push_back(nullptr);
        }
    }
    if (described.min_count) schema["minItems"] = *described.min_count;
    if (described.max_count) schema["maxItems"] = *described.max_count;
    if (!described.description.empty()) schema["description"] = described.description;
    return schema;
}

template <class Owner, class T>
void add_property(Json& properties, Json& required, const Field<Owner, T>& described, bool strict) {
    const std::string name(described.name);
    properties[name] = schema_of_field(described, strict);
    if (strict || !is_optional<T>::value) required.push_back(name);
}

template <Described T>
Json schema_of_object(bool strict) {
    Json properties = Json::object();
    Json required = Json::array();
    std::apply([&](const auto&... described) { (add_property(properties, required, described, strict), ...); },
               Description<T>::fields());
    Json schema = {{"type", "object"}, {"properties", std::move(properties)}, {"required", std::move(required)}};
    schema["additionalProperties"] = false;
    return schema;
}

template <class T>
Json schema_of_value(bool strict) {
    if constexpr (std::is_same_v<T, bool>) return {{"type", "boolean"}};
    else if constexpr (std::is_integral_v<T>) return {{"type", "integer"}};
    else if constexpr (std::is_floating_point_v<T>) return {{"type", "number"}};
    else if constexpr (std::is_same_v<T, std::string>) return {{"type", "string"}};
    else if constexpr (std::is_same_v<T, Json>) {
        if (strict) throw SchemaError("a strict schema cannot hold an arbitrary JSON value (llm::Json field)");
        return Json::object();
    } else if constexpr (is_optional<T>::value) {
        Json inner = schema_of_value<typename T::value_type>(strict);
        if (!strict) return inner;
        if (inner.contains("type") && inner["type"].is_string()) {
            inner["type"] = Json::array({inner["type"], "null"});
            return inner;
        }
        return {{"anyOf", Json::array({std::move(inner), {{"type", "null"}}})}};
    } else if constexpr (is_vector<T>::value) {
        return {{"type", "array"}, {"items", schema_of_value<typename T::value_type>(strict)}};
    } else if constexpr (Described<T>) {
        return schema_of_object<T>(strict);
    } else {
        static_assert(Described<T>, "a field's type must be bool, a number, std::string, llm::Json, "
                                    "std::optional, std::vector or a described struct");
    }
}

template <class T>
void read_value(const Json& value, T& out, std::string_view path);

template <class Owner, class T>
void read_field(const Json& object, Owner& owner, const Field<Owner, T>& described, std::string_view path) {
    const std::string here = member_path(path, described.name);
    const auto found = object.find(std::string(described.name));
    T& target = owner.*(described.member);
    if (found == object.end()) {
        if constexpr (is_optional<T>::value) {
            target.reset();
            return;
        } else {
            fail(here, "is required and missing");
        }
    }
    read_value(*found, target, here);
    if constexpr (is_vector<T>::value) {
        if (described.min_count && target.size() < *described.min_count)
            fail(here, "expected at least " + std::to_string(*described.min_count) + " items, got " + std::to_string(target.size()));
        if (described.max_count && target.size() > *described.max_count)
            fail(here, "expected at most " + std::to_string(*described.max_count) + " items, got " + std::to_string(target.size()));
    }
    if (described.choices.empty()) return;
    auto check = [&](const std::string& value, std::string_view at) {
        for (const std::string& choice : described.choices)
            if (value == choice) return;
        fail(at, "expected one of " + quoted_list(described.choices) + ", got " + Json(value).dump());
    };
    if constexpr (std::is_same_v<T, std::string>) check(target, here);
    else if constexpr (is_optional<T>::value) {
        if (target) check(*target, here);
    } else if constexpr (is_vector<T>::value) {
        for (std::size_t i = 0; i < target.size(); ++i) check(target[i], element_path(here, i));
    }
}

template <Described T>
void read_object(const Json& value, T& out, std::string_view path) {
    if (!value.is_object()) fail(path, "expected an object, got " + json_kind(value));
    auto described = Description<T>::fields();
    for (const auto& item : value.items()) {
        const std::string& key = item.key();
        const bool known = std::apply([&](const auto&... f) { return ((f.name == key) || ...); }, described);
        if (!known) fail(member_path(path, key), "is not a property of this object");
    }
    std::apply([&](const auto&... f) { (read_field(value, out, f, path), ...); }, described);
}

template <class T>
void read_value(const Json& value, T& out, std::string_view path) {
    if constexpr (std::is_same_v<T, bool>) {
        if (!value.is_boolean()) fail(path, "expected a boolean, got " + json_kind(value));
        out = value.get<bool>();
    } else if constexpr (std::is_integral_v<T>) {
        // 3.0 is an integer in JSON Schema; 3.5 is not.
        bool in_range = false;
        if (value.is_number_unsigned()) {
            in_range = std::in_range<T>(value.get<std::uint64_t>());
            if (in_range) out = static_cast<T>(value.get<std::uint64_t>());
        } else if (value.is_number_integer()) {
            in_range = std::in_range<T>(value.get<std::int64_t>());
            if (in_range) out = static_cast<T>(value.get<std::int64_t>());
        } else if (value.is_number_float()) {
            const double number = value.get<double>();
            if (std::trunc(number) != number) fail(path, "expected an integer, got " + value.dump());
            in_range = number >= -9.2e18 && number <= 9.2e18 && std::in_range<T>(static_cast<std::int64_t>(number));
            if (in_range) out = static_cast<T>(number);
        } else {
            fail(path, "expected an integer, got " + json_kind(value));
        }
        if (!in_range) fail(path, "is out of range: " + value.dump());
    } else if constexpr (std::is_floating_point_v<T>) {
        if (!value.is_number()) fail(path, "expected a number, got " + json_kind(value));
        out = value.get<T>();
    } else if constexpr (std::is_same_v<T, std::string>) {
        if (!value.is_string()) fail(path, "expected a string, got " + json_kind(value));
        out = value.get<std::string>();
    } else if constexpr (std::is_same_v<T, Json>) {
        out = value;
    } else if constexpr (is_optional<T>::value) {
        if (value.is_null()) {
            out.reset();
            return;
        }
        read_value(value, out.emplace(), path);
    } else if constexpr (is_vector<T>::value) {
        if (!value.is_array()) fail(path, "expected an array, got " + json_kind(value));
        out.clear();
        out.resize(value.size());
        for (std::size_t i = 0; i < value.size(); ++i) read_value(value[i], out[i], element_path(path, i));
    } else {
        read_object(value, out, path);
    }
}

template <class T>
Json write_value(const T& value) {
    if constexpr (is_optional<T>::value) {
        return value ? write_value(*value) : Json(nullptr);
    } else if constexpr (is_vector<T>::value) {
        Json array = Json::array();
        for (const auto& element : value) array.push_back(write_value(element));
        return array;
    } else if constexpr (Described<T>) {
        Json object = Json::object();
        std::apply([&](const auto&... f) { ((object[std::string(f.name)] = write_value(value.*(f.member))), ...); },
                   Description<T>::fields());
        return object;
    } else {
        return Json(value);
    }
}

}  // namespace detail

// The JSON Schema of T's fields (an object schema for a described struct).
template <class T>
Json schema_of(bool strict = true) {
    return detail::schema_of_value<T>(strict);
}

// T read from a JSON value, validated; SchemaError names what was wrong.
template <class T>
T from_json(const Json& value) {
    T out{};
    detail::read_value(value, out, "");
    return out;
}

// T read from JSON text; text that is not JSON is a SchemaError too.
template <class T>
T parse(std::string_view text) {
    Json value;
    try {
        value = llm::parse_json(text);
    } catch (const llm::JsonError& e) {
        throw SchemaError("not valid JSON: " + std::string(text.substr(0, 200)) + " (" + e.what() + ")");
    }
    return from_json<T>(value);
}

template <class T>
Json to_json(const T& value) {
    return detail::write_value(value);
}

}  // namespace agentio::agent
