// json.cpp: parse_json's limits, and JSON strings written by hand.
#include "agentio/llm/json.hpp"

#include <vector>

#include "utf8.hpp"

namespace agentio::llm {

Json parse_json(std::string_view text, const JsonLimits& limits) {
    // nlohmann reports an object's start at its own depth and its keys one
    // deeper: keys[d] counts the keys of the object open at depth d.
    std::vector<std::size_t> keys;
    const Json::parser_callback_t check = [&](int depth, Json::parse_event_t event, Json&) {
        if (depth > limits.max_depth)
            throw JsonError("nested deeper than " + std::to_string(limits.max_depth) + " levels");
        const auto at = static_cast<std::size_t>(depth);
        if (event == Json::parse_event_t::object_start) {
            if (keys.size() <= at + 1) keys.resize(at + 2);
            keys[at + 1] = 0;
        } else if (event == Json::parse_event_t::key && ++keys[at] > limits.max_object_keys) {
            throw JsonError("an object with more than " + std::to_string(limits.max_object_keys) + " keys");
        }
        return true;
    };
    try {
        return Json::parse(text.begin(), text.end(), check);
    } catch (const Json::exception& e) {
        // "[json.exception.parse_error.101] parse error at line 1, column 5: ..."
        std::string_view what = e.what();
        if (const auto end = what.find("] "); what.starts_with("[json.exception.") && end != std::string_view::npos)
            what.remove_prefix(end + 2);
        throw JsonError(std::string(what));
    }
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
