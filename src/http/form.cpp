// form.cpp: percent-encoding, form bodies, query strings, base64.
#include "agentio/http/form.hpp"

namespace agentio::http {

namespace {

constexpr char kPercentDigits[] = "0123456789ABCDEF";

bool form_keeps(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '*' || c == '-' ||
           c == '.' || c == '_';
}

int percent_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string base64_in(std::string_view bytes, const char* alphabet, bool pad) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const unsigned value = static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8 |
                               static_cast<unsigned char>(bytes[i + 2]);
        for (int shift = 18; shift >= 0; shift -= 6) out += alphabet[(value >> shift) & 63];
    }
    const std::size_t rest = bytes.size() - i;
    if (rest > 0) {
        unsigned value = static_cast<unsigned char>(bytes[i]) << 16;
        if (rest == 2) value |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        out += alphabet[(value >> 18) & 63];
        out += alphabet[(value >> 12) & 63];
        if (rest == 2) out += alphabet[(value >> 6) & 63];
        if (pad) out.append(rest == 1 ? "==" : "=");
    }
    return out;
}

}  // namespace

std::string form_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (form_keeps(byte)) out += c;
        else if (c == ' ') out += '+';
        else {
            out += '%';
            out += kPercentDigits[byte >> 4];
            out += kPercentDigits[byte & 15];
        }
    }
    return out;
}

std::string form_unescape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '+') {
            out += ' ';
        } else if (text[i] == '%' && i + 2 < text.size() &&
                   percent_digit(text[i + 1]) >= 0 && percent_digit(text[i + 2]) >= 0) {
            out += static_cast<char>(percent_digit(text[i + 1]) * 16 + percent_digit(text[i + 2]));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

std::string form_encode(const FormFields& fields) {
    std::string out;
    for (const auto& [name, value] : fields) {
        if (!out.empty()) out += '&';
        out += form_escape(name);
        out += '=';
        out += form_escape(value);
    }
    return out;
}

FormFields form_decode(std::string_view text) {
    FormFields fields;
    while (!text.empty()) {
        const std::size_t amp = text.find('&');
        const std::string_view pair = text.substr(0, amp);
        if (!pair.empty()) {
            const std::size_t equals = pair.find('=');
            fields.emplace_back(form_unescape(pair.substr(0, equals)),
                                equals == std::string_view::npos ? std::string() : form_unescape(pair.substr(equals + 1)));
        }
        if (amp == std::string_view::npos) break;
        text.remove_prefix(amp + 1);
    }
    return fields;
}

std::optional<std::string> query_parameter(std::string_view url, std::string_view name) {
    const std::size_t question = url.find('?');
    if (question == std::string_view::npos) return std::nullopt;
    std::string_view query = url.substr(question + 1);
    query = query.substr(0, query.find('#'));
    for (auto& [key, value] : form_decode(query))
        if (key == name) return std::move(value);
    return std::nullopt;
}

std::string base64_encode(std::string_view bytes) {
    return base64_in(bytes, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", true);
}

std::string base64url_encode(std::string_view bytes) {
    return base64_in(bytes, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", false);
}

}  // namespace agentio::http
