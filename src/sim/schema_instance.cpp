// schema_instance.cpp: walks a JSON Schema and builds a value it accepts.
//
// The walk is one recursive function, value(), bounded three ways: the
// depth (kMaxSchemaDepth, counting $ref hops and merges, so a $ref cycle
// ends), the steps taken (every schema visited, failed anyOf branches
// included, so trying branches cannot take exponential time) and the values
// built (kMaxInstanceValues). Schemas combined by allOf, or a $ref or anyOf
// with sibling keywords, are merged into a copy; the nodes copied are
// counted too.
//
// Two kinds of failure: Unsatisfiable (this schema admits nothing we can
// build: the next anyOf branch or allowed type may do) and a plain
// SchemaError (a malformed schema or a bound passed: no alternative helps).
// A $ref to a schema already being built further up the same path is a
// recursion; past kFullRecursions of them only what is required is built
// (minItems items, required properties, the simplest type and branch), so
// recursive definitions end as soon as they can, while a deep but
// non-recursive schema is built in full.
#include "agentio/sim/schema_instance.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "agentio/sim/prng.hpp"
#include "schema_scalars.hpp"

namespace agentio::sim {

namespace {

using detail::count_keyword;
using detail::Unsatisfiable;

constexpr int kFullRecursions = 2;
constexpr std::size_t kMaxSteps = 200'000;
constexpr std::size_t kMaxCopiedNodes = 1'000'000;
constexpr std::int64_t kMaxCount = 1000;  // minItems, minProperties
constexpr int kUniqueTries = 8;

// Keywords that say nothing about which values are valid.
bool is_annotation(std::string_view key) {
    return key == "description" || key == "title" || key == "$comment" || key == "default" || key == "examples" ||
           key == "$defs" || key == "definitions" || key == "$schema" || key == "$id" || key == "$anchor" ||
           key == "deprecated" || key == "readOnly" || key == "writeOnly";
}

bool only_annotations_besides(const Json& schema, std::string_view keyword) {
    for (const auto& [key, value] : schema.items())
        if (key != keyword && !is_annotation(key)) return false;
    return true;
}

std::string pointer_token(std::string_view name) {
    std::string out;
    for (const char c : name) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out.push_back(c);
    }
    return out;
}

// Nodes of `json`, counting up to `limit` (then stops): what a copy costs.
std::size_t node_count(const Json& json, std::size_t limit) {
    std::size_t count = 0;
    std::vector<const Json*> pending{&json};
    while (!pending.empty() && count <= limit) {
        const Json* node = pending.back();
        pending.pop_back();
        ++count;
        if (node->is_structured())
            for (const Json& child : *node) pending.push_back(&child);
    }
    return count;
}

std::vector<std::string> type_names(const Json& type) {
    std::vector<std::string> names;
    if (type.is_string()) names.push_back(type.get<std::string>());
    else
        for (const Json& name : type)
            if (name.is_string()) names.push_back(name.get<std::string>());
    return names;
}

bool is_a(const Json& value, std::string_view type) {
    if (type == "null") return value.is_null();
    if (type == "boolean") return value.is_boolean();
    if (type == "object") return value.is_object();
    if (type == "array") return value.is_array();
    if (type == "string") return value.is_string();
    if (type == "number") return value.is_number();
    if (type == "integer")
        return value.is_number_integer() || (value.is_number_float() && std::trunc(value.get<double>()) == value.get<double>());
    return false;
}

// `extra`'s keywords added to `merged`: both schemas then apply (see the
// file comment; where two values of one keyword cannot be combined, the
// first one stays).
void merge_into(Json& merged, const Json& extra) {
    for (const auto& [key, value] : extra.items()) {
        const auto found = merged.find(key);
        if (found == merged.end()) {
            merged[key] = value;
            continue;
        }
        Json& mine = *found;
        const bool both_numbers = mine.is_number() && value.is_number();
        if (key == "properties" && mine.is_object() && value.is_object()) {
            for (const auto& [name, schema] : value.items()) {
                if (mine.contains(name)) mine[name] = Json{{"allOf", Json::array({mine[name], schema})}};
                else mine[name] = schema;
            }
        } else if (key == "required" && mine.is_array() && value.is_array()) {
            for (const Json& name : value)
                if (std::find(mine.begin(), mine.end(), name) == mine.end()) mine.push_back(name);
        } else if (key == "type") {
            const std::vector<std::string> theirs = type_names(value);
            Json both = Json::array();
            for (const std::string& name : type_names(mine))
                if (std::find(theirs.begin(), theirs.end(), name) != theirs.end()) both.push_back(name);
            mine = std::move(both);
        } else if (both_numbers && (key == "minimum" || key == "exclusiveMinimum" || key == "minLength" ||
                                    key == "minItems" || key == "minProperties")) {
            if (value.get<double>() > mine.get<double>()) mine = value;
        } else if (both_numbers && (key == "maximum" || key == "exclusiveMaximum" || key == "maxLength" ||
                                    key == "maxItems" || key == "maxProperties")) {
            if (value.get<double>() < mine.get<double>()) mine = value;
        } else if ((key == "items" || key == "additionalProperties") && !mine.is_array() && !value.is_array()) {
            mine = Json{{"allOf", Json::array({mine, value})}};
        } else if (key == "allOf" && mine.is_array() && value.is_array()) {
            for (const Json& member : value) mine.push_back(member);
        } else if (key == "anyOf" || key == "oneOf" || key == "$ref") {
            Json& all = merged["allOf"];
            if (!all.is_array()) all = Json::array();
            all.push_back(Json{{key, value}});
        } else if (key == "uniqueItems" && value == true) {
            mine = true;
        }
    }
}

class Generator {
public:
    Generator(const Json& root, std::uint64_t seed, InstanceHints* hints)
        : root_(root), rng_(seed), scalars_(rng_), hints_(hints) {}

    Json generate() {
        building_.push_back(&root_);
        return value(root_, "#", 0, 0);
    }

private:
    [[noreturn]] static void fail(const std::string& path, const std::string& problem) { detail::schema_fail(path, problem); }
    [[noreturn]] static void unsatisfiable(const std::string& path, const std::string& problem) {
        detail::schema_unsatisfiable(path, problem);
    }

    void count_value(const std::string& path) {
        if (++values_ > kMaxInstanceValues)
            fail(path, fmt::format("the value would hold more than {} values", kMaxInstanceValues));
    }

    void charge_copy(const Json& json, const std::string& path) {
        copied_ += node_count(json, kMaxCopiedNodes);
        if (copied_ > kMaxCopiedNodes) fail(path, "the schema combines (allOf, $ref, anyOf) too much to satisfy");
    }

    Json value(const Json& schema, const std::string& path, int depth, int recursions) {
        if (++steps_ > kMaxSteps) fail(path, "the schema takes too many steps to satisfy");
        if (depth > kMaxSchemaDepth)
            unsatisfiable(path, fmt::format("nests deeper than {} levels (a recursive $ref that never ends?)", kMaxSchemaDepth));
        if (schema.is_boolean()) {
            if (!schema.get<bool>()) unsatisfiable(path, "the schema `false` allows no value");
            return any_value(path);
        }
        if (!schema.is_object()) fail(path, "a schema must be an object or a boolean, not " + std::string(schema.type_name()));

        if (const auto all = schema.find("allOf"); all != schema.end()) return all_of(schema, *all, path, depth, recursions);
        if (const auto ref = schema.find("$ref"); ref != schema.end()) return follow(schema, *ref, path, depth, recursions);
        for (const char* keyword : {"anyOf", "oneOf"})
            if (const auto branches = schema.find(keyword); branches != schema.end())
                return any_of(schema, keyword, *branches, path, depth, recursions);
        if (const auto constant = schema.find("const"); constant != schema.end()) {
            count_value(path);
            return *constant;
        }
        if (const auto members = schema.find("enum"); members != schema.end()) return enum_member(schema, *members, path, recursions);
        return typed(schema, path, depth, recursions);
    }

    Json all_of(const Json& schema, const Json& all, const std::string& path, int depth, int recursions) {
        if (!all.is_array()) fail(path, "allOf must be an array of schemas");
        charge_copy(schema, path);
        Json merged = schema;
        merged.erase("allOf");
        for (std::size_t i = 0; i < all.size(); ++i) {
            const Json& member = all[i];
            const std::string where = path + "/allOf/" + std::to_string(i);
            if (member.is_boolean()) {
                if (!member.get<bool>()) unsatisfiable(where, "the schema `false` allows no value");
                continue;
            }
            if (!member.is_object()) fail(where, "a schema must be an object or a boolean");
            charge_copy(member, where);
            merge_into(merged, member);
        }
        return value(merged, path, depth + 1, recursions);
    }

    const Json& resolve(const std::string& ref, const std::string& path) const {
        if (ref.empty() || ref[0] != '#')
            fail(path, fmt::format("$ref \"{}\" is not a reference into this schema (only \"#...\" ones are)", ref));
        const Json* at = &root_;
        if (ref.size() == 1) return *at;
        if (ref[1] != '/') fail(path, fmt::format("$ref \"{}\": only JSON pointers (\"#/...\") are supported", ref));
        std::size_t start = 2;
        while (true) {
            const std::size_t end = std::min(ref.find('/', start), ref.size());
            std::string token;
            for (std::size_t i = start; i < end; ++i) {
                if (ref[i] == '~' && i + 1 < end && (ref[i + 1] == '0' || ref[i + 1] == '1')) {
                    token.push_back(ref[i + 1] == '0' ? '~' : '/');
                    ++i;
                } else {
                    token.push_back(ref[i]);
                }
            }
            const Json* next = nullptr;
            if (at->is_object()) {
                const auto found = at->find(token);
                if (found != at->end()) next = &*found;
            } else if (at->is_array() && !token.empty() && token.size() < 10 &&
                       std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; })) {
                const std::size_t index = std::stoul(token);
                if (index < at->size()) next = &(*at)[index];
            }
            if (next == nullptr) fail(path, fmt::format("$ref \"{}\" points to nothing in the schema", ref));
            at = next;
            if (end == ref.size()) return *at;
            start = end + 1;
        }
    }

    Json follow(const Json& schema, const Json& ref, const std::string& path, int depth, int recursions) {
        if (!ref.is_string()) fail(path, "$ref must be a string");
        const std::string target_path = ref.get<std::string>();
        const Json& target = resolve(target_path, path);
        const bool again = std::find(building_.begin(), building_.end(), &target) != building_.end();
        recursions += again ? 1 : 0;
        building_.push_back(&target);
        const struct Unwind {
            std::vector<const Json*>& building;
            ~Unwind() { building.pop_back(); }
        } unwind{building_};
        if (only_annotations_besides(schema, "$ref")) return value(target, target_path, depth + 1, recursions);
        // Keywords beside the $ref apply too.
        charge_copy(schema, path);
        Json merged = schema;
        merged.erase("$ref");
        if (target.is_boolean()) {
            if (!target.get<bool>()) unsatisfiable(target_path, "the schema `false` allows no value");
        } else if (target.is_object()) {
            charge_copy(target, target_path);
            merge_into(merged, target);
        } else {
            fail(target_path, "a schema must be an object or a boolean");
        }
        return value(merged, target_path, depth + 1, recursions);
    }

    // Tries `candidates` in order; the first that builds wins. If none does,
    // the first one's reason is thrown.
    template <class Candidate, class Build>
    Json first_that_builds(const std::vector<Candidate>& candidates, Build build) {
        std::optional<Unsatisfiable> first;
        const std::size_t values = values_;
        for (const Candidate& candidate : candidates) {
            try {
                return build(candidate);
            } catch (const Unsatisfiable& e) {
                values_ = values;  // what the failed try built is not in the result
                if (!first) first = e;
            }
        }
        throw *first;
    }

    static bool is_null_schema(const Json& schema) {
        if (!schema.is_object()) return false;
        const auto type = schema.find("type");
        return type != schema.end() && type_names(*type) == std::vector<std::string>{"null"};
    }

    Json any_of(const Json& schema, const char* keyword, const Json& branches, const std::string& path,
                       int depth, int recursions) {
        if (!branches.is_array() || branches.empty()) fail(path, fmt::format("{} must be a non-empty array of schemas", keyword));
        const bool minimal = recursions >= kFullRecursions;
        // Which branches to try first: a full value prefers anything to null;
        // a recursion that must end prefers null, then branches that do not
        // go through a $ref.
        auto rank = [minimal](const Json& branch) {
            const bool null = is_null_schema(branch);
            if (!minimal) return null ? 1 : 0;
            if (null) return 0;
            return branch.is_object() && branch.contains("$ref") ? 2 : 1;
        };
        std::vector<std::size_t> order(branches.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return rank(branches[a]) < rank(branches[b]); });
        const bool alone = only_annotations_besides(schema, keyword);
        return first_that_builds(order, [&](std::size_t i) {
            const std::string where = path + "/" + keyword + "/" + std::to_string(i);
            if (alone) return value(branches[i], where, depth + 1, recursions);
            // The keywords beside anyOf apply to every branch.
            charge_copy(schema, path);
            Json merged = schema;
            merged.erase(keyword);
            const Json& branch = branches[i];
            if (branch.is_boolean() && !branch.get<bool>()) unsatisfiable(where, "the schema `false` allows no value");
            if (branch.is_object()) {
                charge_copy(branch, where);
                merge_into(merged, branch);
            } else if (!branch.is_boolean()) {
                fail(where, "a schema must be an object or a boolean");
            }
            return value(merged, where, depth + 1, recursions);
        });
    }

    Json enum_member(const Json& schema, const Json& members, const std::string& path, int recursions) {
        if (!members.is_array()) fail(path, "enum must be an array");
        std::vector<const Json*> allowed;
        const auto type = schema.find("type");
        const std::vector<std::string> types = type == schema.end() ? std::vector<std::string>{} : type_names(*type);
        for (const Json& member : members)
            if (types.empty() || std::any_of(types.begin(), types.end(), [&](const std::string& t) { return is_a(member, t); }))
                allowed.push_back(&member);
        if (allowed.empty())
            unsatisfiable(path, members.empty() ? "enum lists no value" : "no member of enum has an allowed type");
        count_value(path);
        if (recursions >= kFullRecursions) return *allowed.front();
        if (hints_ != nullptr)
            if (const std::optional<std::size_t> pick = hints_->member(allowed); pick && *pick < allowed.size())
                return *allowed[*pick];
        return *allowed[static_cast<std::size_t>(rng_.next() % allowed.size())];
    }

    // The type to build when the schema names none, from its keywords.
    static std::string implied_type(const Json& schema) {
        auto has_any = [&schema](std::initializer_list<const char*> keys) {
            return std::any_of(keys.begin(), keys.end(), [&schema](const char* key) { return schema.contains(key); });
        };
        if (has_any({"properties", "required", "additionalProperties", "minProperties", "maxProperties", "patternProperties"}))
            return "object";
        if (has_any({"items", "prefixItems", "minItems", "maxItems", "uniqueItems"})) return "array";
        if (has_any({"minLength", "maxLength", "pattern", "format"})) return "string";
        if (has_any({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"})) return "number";
        return "any";
    }

    Json typed(const Json& schema, const std::string& path, int depth, int recursions) {
        std::vector<std::string> types;
        if (const auto type = schema.find("type"); type != schema.end()) {
            if (!type->is_string() && !type->is_array()) fail(path, "type must be a string or an array of strings");
            for (const Json& name : type->is_array() ? *type : Json::array({*type})) {
                if (!name.is_string()) fail(path, "type must be a string or an array of strings");
                const std::string& t = name.get_ref<const std::string&>();
                if (t != "null" && t != "boolean" && t != "object" && t != "array" && t != "string" && t != "number" &&
                    t != "integer")
                    fail(path, fmt::format("\"{}\" is not a JSON Schema type", t));
                types.push_back(t);
            }
            if (types.empty()) unsatisfiable(path, "type allows no type");
        } else {
            types.push_back(implied_type(schema));
        }
        // A full value takes the first type named that is not null; a
        // recursion that must end the simplest one.
        auto rank = [minimal = recursions >= kFullRecursions](const std::string& t) {
            static constexpr std::string_view kSimplest[] = {"null",   "boolean", "integer", "number",
                                                             "string", "any",     "object",  "array"};
            if (minimal) return static_cast<int>(std::find(std::begin(kSimplest), std::end(kSimplest), t) - std::begin(kSimplest));
            return t == "null" ? 1 : 0;
        };
        std::stable_sort(types.begin(), types.end(), [&](const std::string& a, const std::string& b) { return rank(a) < rank(b); });
        return first_that_builds(types, [&](const std::string& t) { return of_type(t, schema, path, depth, recursions); });
    }

    Json of_type(const std::string& type, const Json& schema, const std::string& path, int depth, int recursions) {
        if (type == "object") return object(schema, path, depth, recursions);
        if (type == "array") return array(schema, path, depth, recursions);
        count_value(path);
        const bool minimal = recursions >= kFullRecursions;
        if (hints_ != nullptr && !minimal) {
            if (std::optional<Json> offered = offered_leaf(type, schema, path)) return std::move(*offered);
        }
        if (type == "string") return scalars_.string(schema, path, minimal);
        if (type == "integer") return scalars_.integer(schema, path, minimal);
        if (type == "number") return scalars_.number(schema, path, minimal);
        if (type == "boolean") return minimal ? false : (rng_.next() & 1) != 0;
        if (type == "null") return nullptr;
        return scalars_.words(minimal ? 1 : 2);
    }

    // The hints' value for a string, integer or number leaf, if the schema admits it.
    std::optional<Json> offered_leaf(const std::string& type, const Json& schema, const std::string& path) {
        if (type == "integer" || type == "number") {
            if (const std::optional<double> v = hints_->number())
                return detail::admitted_number(schema, *v, type == "integer", path);
        } else if (type == "string" && detail::takes_offered_string(schema)) {
            if (std::optional<std::string> text = hints_->string(property_)) {
                if (std::optional<std::string> fitted = detail::admitted_string(schema, std::move(*text), path))
                    return Json(std::move(*fitted));
            }
        }
        return std::nullopt;
    }

    Json any_value(const std::string& path) {
        count_value(path);
        return scalars_.words(2);
    }

    Json object(const Json& schema, const std::string& path, int depth, int recursions) {
        count_value(path);
        const bool minimal = recursions >= kFullRecursions;
        const Json empty = Json::object();
        const Json* properties = &empty;
        if (const auto found = schema.find("properties"); found != schema.end()) {
            if (!found->is_object()) fail(path, "properties must be an object");
            properties = &*found;
        }
        std::vector<std::string> required;
        if (const auto found = schema.find("required"); found != schema.end()) {
            if (!found->is_array()) fail(path, "required must be an array of strings");
            for (const Json& name : *found) {
                if (!name.is_string()) fail(path, "required must be an array of strings");
                if (std::find(required.begin(), required.end(), name.get<std::string>()) == required.end())
                    required.push_back(name.get<std::string>());
            }
        }
        const Json* additional = nullptr;  // null: any value
        bool closed = false;
        if (const auto found = schema.find("additionalProperties"); found != schema.end()) {
            if (found->is_boolean()) closed = !found->get<bool>();
            else if (found->is_object()) additional = &*found;
            else fail(path, "additionalProperties must be a boolean or a schema");
        }
        const std::optional<std::int64_t> min = count_keyword(schema, "minProperties", path);
        const std::optional<std::int64_t> max = count_keyword(schema, "maxProperties", path);
        if (min && *min > kMaxCount) fail(path, fmt::format("minProperties above {}", kMaxCount));
        if (min && max && *min > *max) unsatisfiable(path, fmt::format("minProperties {} is above maxProperties {}", *min, *max));
        if (max && static_cast<std::int64_t>(required.size()) > *max)
            unsatisfiable(path, fmt::format("{} required properties, but maxProperties is {}", required.size(), *max));

        auto is_required = [&required](const std::string& name) {
            return std::find(required.begin(), required.end(), name) != required.end();
        };
        // Optional ones fill what maxProperties leaves after the required ones.
        std::int64_t optional_room = max ? *max - static_cast<std::int64_t>(required.size()) : kMaxCount;
        Json out = Json::object();
        // Only the leaves below a property are under its name.
        const struct RestoreProperty {
            std::string& property;
            std::string outer;
            ~RestoreProperty() { property = std::move(outer); }
        } restore{property_, property_};
        for (const auto& [name, property] : properties->items()) {
            const bool needed = is_required(name);
            if (!needed && (minimal || optional_room <= 0)) continue;
            const std::string where = path + "/properties/" + pointer_token(name);
            property_ = name;
            if (needed) {
                out[name] = value(property, where, depth + 1, recursions);
                continue;
            }
            // An optional property that cannot be built (`false` forbids it) is left out.
            const std::size_t values = values_;
            try {
                out[name] = value(property, where, depth + 1, recursions);
                --optional_room;
            } catch (const Unsatisfiable&) {
                values_ = values;
            }
        }
        auto extra = [&](const std::string& name) {
            property_ = name;
            if (closed)
                unsatisfiable(path,
                              fmt::format("\"{}\" is required, but not in properties, and additionalProperties is false", name));
            out[name] = additional ? value(*additional, path + "/additionalProperties", depth + 1, recursions) : any_value(path);
        };
        for (const std::string& name : required)
            if (!out.contains(name)) extra(name);
        for (std::int64_t k = 1; min && static_cast<std::int64_t>(out.size()) < *min; ++k) {
            const std::string name = "property_" + std::to_string(k);
            if (!out.contains(name)) {
                if (closed) unsatisfiable(path, fmt::format("minProperties is {}, but additionalProperties is false", *min));
                extra(name);
            }
        }
        return out;
    }

    Json array(const Json& schema, const std::string& path, int depth, int recursions) {
        count_value(path);
        const bool minimal = recursions >= kFullRecursions;
        const Json* tuple = nullptr;
        const Json* rest = nullptr;  // null: any value
        const std::string tuple_path = path + (schema.contains("prefixItems") ? "/prefixItems" : "/items");
        std::string rest_path = path + "/items";
        if (const auto prefix = schema.find("prefixItems"); prefix != schema.end()) {
            if (!prefix->is_array()) fail(path, "prefixItems must be an array of schemas");
            tuple = &*prefix;
            if (const auto items = schema.find("items"); items != schema.end()) rest = &*items;
        } else if (const auto items = schema.find("items"); items != schema.end()) {
            if (items->is_array()) {
                tuple = &*items;
                rest_path = path + "/additionalItems";
                if (const auto more = schema.find("additionalItems"); more != schema.end()) rest = &*more;
            } else {
                rest = &*items;
            }
        }
        if (rest != nullptr && !rest->is_boolean() && !rest->is_object()) fail(rest_path, "must be a schema");
        const std::int64_t tuple_size = tuple ? static_cast<std::int64_t>(tuple->size()) : 0;
        const std::int64_t lo = count_keyword(schema, "minItems", path).value_or(0);
        std::int64_t hi = count_keyword(schema, "maxItems", path).value_or(std::numeric_limits<std::int64_t>::max());
        if (lo > kMaxCount) fail(path, fmt::format("minItems above {}", kMaxCount));
        if (rest != nullptr && rest->is_boolean() && !rest->get<bool>()) hi = std::min(hi, tuple_size);
        if (lo > hi) unsatisfiable(path, fmt::format("minItems {} is above the {} items allowed", lo, hi));

        std::int64_t target = lo;
        if (!minimal) {
            const std::int64_t wanted = std::max<std::int64_t>(rng_.between(1, 3), tuple_size);
            target = std::clamp<std::int64_t>(wanted, lo, std::min(hi, kMaxCount));
        }
        const auto unique_keyword = schema.find("uniqueItems");
        const bool unique = unique_keyword != schema.end() && *unique_keyword == true;

        Json out = Json::array();
        for (std::int64_t i = 0; i < target; ++i) {
            const bool in_tuple = i < tuple_size;
            const Json* item_schema = in_tuple ? &(*tuple)[static_cast<std::size_t>(i)] : rest;
            const std::string where = in_tuple ? tuple_path + "/" + std::to_string(i) : rest_path;
            Json item;
            bool fresh = false;
            for (int attempt = 0; attempt < (unique ? kUniqueTries : 1) && !fresh; ++attempt) {
                // A retry draws from the generator alone: offered values may all be the same.
                InstanceHints* const hints = hints_;
                if (attempt > 0) hints_ = nullptr;
                try {
                    item = item_schema ? value(*item_schema, where, depth + 1, recursions) : any_value(where);
                } catch (...) {
                    hints_ = hints;
                    throw;
                }
                hints_ = hints;
                fresh = !unique || std::find(out.begin(), out.end(), item) == out.end();
            }
            if (!fresh) {
                if (i >= lo) break;
                unsatisfiable(where, fmt::format("cannot make {} distinct items (uniqueItems)", lo));
            }
            out.push_back(std::move(item));
        }
        return out;
    }

    const Json& root_;
    Rng rng_;
    detail::ScalarMaker scalars_;
    InstanceHints* hints_;  // null: every leaf generated
    std::string property_;  // the innermost property being built, for hints_->string()
    std::vector<const Json*> building_;  // the schemas $ref led to on the current path, the root first
    std::size_t steps_ = 0;
    std::size_t values_ = 0;
    std::size_t copied_ = 0;
};

}  // namespace

Json schema_instance(const Json& schema, std::uint64_t seed, InstanceHints* hints) {
    try {
        return Generator(schema, seed, hints).generate();
    } catch (const Unsatisfiable& e) {
        throw SchemaError(e.what());  // the caller sees one kind
    }
}

}  // namespace agentio::sim
