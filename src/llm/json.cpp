// json.cpp: parse_json (a fast path, nlohmann's parser as the reference, the
// limits), and JSON written by hand.
#include "agentio/llm/json.hpp"

#include <cstring>
#include <optional>
#include <vector>

#include <simdjson.h>

#include "utf8.hpp"

namespace agentio::llm {

namespace {

// nlohmann's own DOM builder (what Json::parse uses), refusing nesting and
// wide objects as it reads: a SAX parser is a plain function call per token,
// where a parse callback costs a std::function call and a value per event
// (it took parse_json to twice Json::parse's time).
class LimitedDomParser : public nlohmann::detail::json_sax_dom_parser<Json> {
    using Base = nlohmann::detail::json_sax_dom_parser<Json>;

public:
    LimitedDomParser(Json& root, const JsonLimits& limits) : Base(root, true), limits_(limits) {}

    bool start_object(std::size_t size) {
        open();
        keys_.push_back(0);
        return Base::start_object(size);
    }
    bool key(Json::string_t& name) {
        // A key is always the innermost open object's.
        if (++keys_.back() > limits_.max_object_keys)
            throw JsonError("an object with more than " + std::to_string(limits_.max_object_keys) + " keys");
        return Base::key(name);
    }
    bool end_object() {
        keys_.pop_back();
        --depth_;
        return Base::end_object();
    }
    bool start_array(std::size_t size) {
        open();
        return Base::start_array(size);
    }
    bool end_array() {
        --depth_;
        return Base::end_array();
    }

private:
    void open() {
        if (++depth_ > limits_.max_depth)
            throw JsonError("nested deeper than " + std::to_string(limits_.max_depth) + " levels");
    }

    const JsonLimits& limits_;
    int depth_ = 0;                 // containers open
    std::vector<std::size_t> keys_; // keys read so far, per open object
};

// nlohmann's parser: the reference for what parse_json accepts, the value it
// builds and the error it gives.
Json parse_with_nlohmann(std::string_view text, const JsonLimits& limits) {
    Json value;
    LimitedDomParser builder(value, limits);
    try {
        Json::sax_parse(text.begin(), text.end(), &builder);
    } catch (const Json::exception& e) {
        // "[json.exception.parse_error.101] parse error at line 1, column 5: ..."
        std::string_view what = e.what();
        if (const auto end = what.find("] "); what.starts_with("[json.exception.") && end != std::string_view::npos)
            what.remove_prefix(end + 2);
        throw JsonError(std::string(what));
    }
    return value;
}

// simdjson's DOM, then copied into a Json: about a third of nlohmann's time
// for the small messages of a protocol, where parsing was a tenth of a tool
// call's CPU on each side. It is a fast path only: a text it refuses, or
// whose value passes a limit, goes to nlohmann's parser, so the value and
// every error stay the reference's. Both accept exactly RFC 8259 JSON (the
// json fuzz target compares them), and numbers keep nlohmann's types: an
// integer without a sign is unsigned.
class FastParser {
public:
    // Texts above this go straight to the reference: the parser's buffers
    // grow to the largest text it read and stay, one set per thread.
    static constexpr std::size_t max_text = 64 * 1024;

    std::optional<Json> parse(std::string_view text, const JsonLimits& limits) {
        if (padded_.size() < text.size() + simdjson::SIMDJSON_PADDING)
            padded_.resize(text.size() + simdjson::SIMDJSON_PADDING);
        std::memcpy(padded_.data(), text.data(), text.size());
        simdjson::dom::element root;
        if (parser_.parse(padded_.data(), text.size(), false).get(root) != simdjson::SUCCESS) return std::nullopt;
        Json value;
        if (!copy(root, value, 0, limits)) return std::nullopt;
        return value;
    }

private:
    // False when the value passes a limit (the reference says which).
    static bool copy(simdjson::dom::element from, Json& to, int depth, const JsonLimits& limits) {
        using Type = simdjson::dom::element_type;
        switch (from.type()) {
            case Type::OBJECT: {
                if (++depth > limits.max_depth) return false;
                const simdjson::dom::object object = from.get_object().value_unsafe();
                if (object.size() > limits.max_object_keys) return false;
                to = Json::object();
                auto& fields = to.get_ref<Json::object_t&>();
                fields.reserve(object.size());
                for (const simdjson::dom::key_value_pair field : object) {
                    // operator[]: a repeated key keeps its first place and its last value, as nlohmann reads it
                    if (!copy(field.value, fields[std::string(field.key)], depth, limits)) return false;
                }
                return true;
            }
            case Type::ARRAY: {
                if (++depth > limits.max_depth) return false;
                const simdjson::dom::array array = from.get_array().value_unsafe();
                to = Json::array();
                auto& items = to.get_ref<Json::array_t&>();
                items.reserve(array.size());
                for (const simdjson::dom::element item : array) {
                    if (!copy(item, items.emplace_back(), depth, limits)) return false;
                }
                return true;
            }
            case Type::STRING: to = std::string(from.get_string().value_unsafe()); return true;
            case Type::INT64: {
                const std::int64_t number = from.get_int64().value_unsafe();
                if (number >= 0) to = static_cast<std::uint64_t>(number);
                else to = number;
                return true;
            }
            case Type::UINT64: to = from.get_uint64().value_unsafe(); return true;
            case Type::DOUBLE: to = from.get_double().value_unsafe(); return true;
            case Type::BOOL: to = from.get_bool().value_unsafe(); return true;
            case Type::NULL_VALUE: to = nullptr; return true;
        }
        return false;
    }

    simdjson::dom::parser parser_;
    std::string padded_;
};

}  // namespace

Json parse_json(std::string_view text, const JsonLimits& limits) {
    if (text.size() <= FastParser::max_text) {
        thread_local FastParser fast;
        if (std::optional<Json> value = fast.parse(text, limits)) return std::move(*value);
    }
    return parse_with_nlohmann(text, limits);
}

void append_json_string(std::string& out, std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    out.push_back('"');
    std::size_t clean = 0;  // start of the run that is copied as it is
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            ++i;
            continue;
        }
        std::size_t length = 1;
        if (c >= 0x80) {
            const detail::Utf8Sequence sequence = detail::utf8_sequence(text.substr(i));
            length = sequence.length;
            if (sequence.valid) {
                i += length;
                continue;
            }
        }
        out.append(text.substr(clean, i - clean));
        switch (c) {
            case '"': out.append("\\\""); break;
            case '\\': out.append("\\\\"); break;
            case '\n': out.append("\\n"); break;
            case '\r': out.append("\\r"); break;
            case '\t': out.append("\\t"); break;
            case '\b': out.append("\\b"); break;
            case '\f': out.append("\\f"); break;
            default:
                if (c >= 0x80) {
                    out.append("\xEF\xBF\xBD");  // U+FFFD
                } else {
                    out.append("\\u00");
                    out.push_back(kHex[c >> 4]);
                    out.push_back(kHex[c & 15]);
                }
        }
        i += length;
        clean = i;
    }
    out.append(text.substr(clean));
    out.push_back('"');
}

void append_json(std::string& out, const Json& value) {
    // What dump() does, writing into `out` rather than into a string to copy.
    nlohmann::detail::serializer<Json> writer(nlohmann::detail::output_adapter<char>(out), ' ',
                                              Json::error_handler_t::replace);
    writer.dump(value, false, false, 0);
}

}  // namespace agentio::llm
