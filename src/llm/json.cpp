// json.cpp: parse_json's limits, and JSON strings written by hand.
#include "agentio/llm/json.hpp"

#include <vector>

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

}  // namespace

Json parse_json(std::string_view text, const JsonLimits& limits) {
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
    out.append(value.dump(-1, ' ', false, Json::error_handler_t::replace));
}

}  // namespace agentio::llm
