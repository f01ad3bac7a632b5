// schema_check.hpp: a small JSON Schema validator for the tests, written
// from the specification independently of sim::schema_instance, so that a
// generated value is checked by other code than the code that made it.
//
// Covers what the generator claims: type, enum, const, anyOf, oneOf (exactly
// one branch), allOf, $ref (local pointers), object, array, string (lengths
// in code points, pattern with std::regex, a few formats), number and
// integer keywords. violation() returns "" for a valid value, else where and
// why it is not.
#pragma once

#include <agentio/llm/json.hpp>

#include <cmath>
#include <regex>
#include <string>

namespace agentio::testkit {

using OrderedJson = agentio::llm::Json;

class SchemaCheck {
public:
    explicit SchemaCheck(const OrderedJson& root) : root_(root) {}

    std::string violation(const OrderedJson& value) const { return check(root_, value, "$"); }

private:
    static std::size_t length(const std::string& text) {
        std::size_t n = 0;
        for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
        return n;
    }

    static bool has_type(const OrderedJson& value, const std::string& type) {
        if (type == "null") return value.is_null();
        if (type == "boolean") return value.is_boolean();
        if (type == "object") return value.is_object();
        if (type == "array") return value.is_array();
        if (type == "string") return value.is_string();
        if (type == "number") return value.is_number();
        if (type == "integer")
            return value.is_number_integer() || (value.is_number_float() && std::floor(value.get<double>()) == value.get<double>());
        return false;
    }

    const OrderedJson& resolve(const std::string& ref) const {
        if (ref == "#") return root_;
        return root_.at(OrderedJson::json_pointer(ref.substr(1)));
    }

    static bool matches_format(const std::string& format, const std::string& text) {
        static const std::regex date(R"(\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]))");
        static const std::regex time(R"(([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]\d\d:\d\d))");
        static const std::regex email(R"([^@\s]+@[^@\s]+\.[^@\s]+)");
        static const std::regex uuid(R"([0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})");
        static const std::regex ipv4(R"(((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d))");
        if (format == "date") return std::regex_match(text, date);
        if (format == "time") return std::regex_match(text, time);
        if (format == "date-time") {
            const auto t = text.find('T');
            return t != std::string::npos && std::regex_match(text.substr(0, t), date) && std::regex_match(text.substr(t + 1), time);
        }
        if (format == "email") return std::regex_match(text, email);
        if (format == "uuid") return std::regex_match(text, uuid);
        if (format == "ipv4") return std::regex_match(text, ipv4);
        if (format == "uri") return text.rfind("https://", 0) == 0 || text.rfind("http://", 0) == 0;
        return true;
    }

    std::string check(const OrderedJson& schema, const OrderedJson& value, const std::string& at) const {
        if (schema.is_boolean()) return schema.get<bool>() ? "" : at + ": schema false";
        auto fail = [&at, &value](const std::string& why) { return at + ": " + why + " (value " + value.dump() + ")"; };
        if (schema.contains("$ref")) {
            if (std::string v = check(resolve(schema["$ref"]), value, at); !v.empty()) return v;
        }
        if (schema.contains("allOf"))
            for (const OrderedJson& member : schema["allOf"])
                if (std::string v = check(member, value, at); !v.empty()) return v;
        if (schema.contains("anyOf")) {
            bool any = false;
            for (const OrderedJson& branch : schema["anyOf"]) any = any || check(branch, value, at).empty();
            if (!any) return fail("matches no anyOf branch");
        }
        if (schema.contains("oneOf")) {
            int count = 0;
            for (const OrderedJson& branch : schema["oneOf"]) count += check(branch, value, at).empty() ? 1 : 0;
            if (count != 1) return fail("matches " + std::to_string(count) + " oneOf branches");
        }
        if (schema.contains("const") && schema["const"] != value) return fail("is not the const");
        if (schema.contains("enum")) {
            bool found = false;
            for (const OrderedJson& member : schema["enum"]) found = found || member == value;
            if (!found) return fail("is not in the enum");
        }
        if (schema.contains("type")) {
            const OrderedJson types = schema["type"].is_array() ? schema["type"] : OrderedJson::array({schema["type"]});
            bool any = false;
            for (const OrderedJson& type : types) any = any || has_type(value, type.get<std::string>());
            if (!any) return fail("is not of type " + schema["type"].dump());
        }
        if (value.is_object()) {
            const OrderedJson properties = schema.value("properties", OrderedJson::object());
            for (const OrderedJson& name : schema.value("required", OrderedJson::array()))
                if (!value.contains(name.get<std::string>())) return fail("lacks required " + name.dump());
            for (const auto& [name, item] : value.items()) {
                if (properties.contains(name)) {
                    if (std::string v = check(properties[name], item, at + "." + name); !v.empty()) return v;
                } else if (schema.contains("additionalProperties")) {
                    if (std::string v = check(schema["additionalProperties"], item, at + "." + name); !v.empty()) return v;
                }
            }
            if (schema.contains("minProperties") && value.size() < schema["minProperties"].get<std::size_t>())
                return fail("has too few properties");
            if (schema.contains("maxProperties") && value.size() > schema["maxProperties"].get<std::size_t>())
                return fail("has too many properties");
        }
        if (value.is_array()) {
            const OrderedJson* tuple = schema.contains("prefixItems") ? &schema["prefixItems"]
                                       : schema.contains("items") && schema["items"].is_array() ? &schema["items"]
                                                                                                 : nullptr;
            const OrderedJson* rest = schema.contains("prefixItems") ? (schema.contains("items") ? &schema["items"] : nullptr)
                                      : tuple != nullptr ? (schema.contains("additionalItems") ? &schema["additionalItems"] : nullptr)
                                      : schema.contains("items") ? &schema["items"]
                                                                 : nullptr;
            for (std::size_t i = 0; i < value.size(); ++i) {
                const OrderedJson* item_schema = tuple != nullptr && i < tuple->size() ? &(*tuple)[i] : rest;
                if (item_schema != nullptr)
                    if (std::string v = check(*item_schema, value[i], at + "[" + std::to_string(i) + "]"); !v.empty()) return v;
            }
            if (schema.contains("minItems") && value.size() < schema["minItems"].get<std::size_t>()) return fail("too few items");
            if (schema.contains("maxItems") && value.size() > schema["maxItems"].get<std::size_t>()) return fail("too many items");
            if (schema.value("uniqueItems", false))
                for (std::size_t i = 0; i < value.size(); ++i)
                    for (std::size_t j = i + 1; j < value.size(); ++j)
                        if (value[i] == value[j]) return fail("items are not unique");
        }
        if (value.is_string()) {
            const std::string& text = value.get_ref<const std::string&>();
            if (schema.contains("minLength") && length(text) < schema["minLength"].get<std::size_t>()) return fail("too short");
            if (schema.contains("maxLength") && length(text) > schema["maxLength"].get<std::size_t>()) return fail("too long");
            if (schema.contains("pattern") && !std::regex_search(text, std::regex(schema["pattern"].get<std::string>(), std::regex::ECMAScript)))
                return fail("does not match the pattern");
            if (schema.contains("format") && !schema.contains("pattern") && !matches_format(schema["format"], text))
                return fail("is not a " + schema["format"].get<std::string>());
        }
        if (value.is_number()) {
            const double x = value.get<double>();
            const auto bound = [&schema](const char* key) { return schema[key].get<double>(); };
            const auto is_number = [&schema](const char* key) { return schema.contains(key) && schema[key].is_number(); };
            if (is_number("minimum")) {
                const bool exclusive = schema.value("exclusiveMinimum", OrderedJson()) == true;
                if (exclusive ? x <= bound("minimum") : x < bound("minimum")) return fail("below minimum");
            }
            if (is_number("maximum")) {
                const bool exclusive = schema.value("exclusiveMaximum", OrderedJson()) == true;
                if (exclusive ? x >= bound("maximum") : x > bound("maximum")) return fail("above maximum");
            }
            if (is_number("exclusiveMinimum") && x <= bound("exclusiveMinimum")) return fail("not above exclusiveMinimum");
            if (is_number("exclusiveMaximum") && x >= bound("exclusiveMaximum")) return fail("not below exclusiveMaximum");
            if (is_number("multipleOf")) {
                const double q = x / bound("multipleOf");
                if (std::abs(q - std::round(q)) > 1e-6) return fail("not a multiple of " + schema["multipleOf"].dump());
            }
        }
        return "";
    }

    const OrderedJson& root_;
};

}  // namespace agentio::testkit
