// headers.hpp: the header fields of an HTTP/1.1 message.
//
// Fields keep the order and the spelling they arrived in (or were added in),
// because proxies and signatures care, and repeated fields stay separate
// entries (Set-Cookie cannot be joined with commas). Lookups compare names
// ASCII-case-insensitively, as RFC 9110 5.1 requires.
//
// Headers stores whatever it is given: it does not validate. The parser only
// ever stores valid names and values; the writers (message_writer.hpp) refuse names
// and values that would inject CR/LF, so a Headers built by hand is checked
// when it is serialized, not when it is filled.
//
// The string_views returned by get() point into the stored strings and are
// invalidated by any later add/set/remove/clear.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace agentio::http {

constexpr char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; }

// ASCII case-insensitive equality: header names, tokens such as "chunked".
constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

// A field value without the optional whitespace (SP, HTAB) around it: RFC 9110 5.6.3.
constexpr std::string_view trim_ows(std::string_view text) noexcept {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

class Headers {
public:
    // (name, value): `for (const auto& [name, value] : headers)`.
    using Field = std::pair<std::string, std::string>;
    using const_iterator = std::vector<Field>::const_iterator;

    Headers() = default;
    Headers(std::initializer_list<Field> fields) : fields_(fields) {}

    // Headers from names and values in turn:
    //     co_await client.post(url, body, http::Headers::of("Content-Type", "application/json"));
    // The same as the braced list {{"Content-Type", "application/json"}}, in
    // a form g++ 12 compiles inside a coroutine, where a braced list of
    // strings can fail with "array used as initializer".
    template <class... Strings>
        requires(sizeof...(Strings) % 2 == 0)
    static Headers of(Strings&&... names_and_values) {
        const std::string flat[] = {std::string(std::forward<Strings>(names_and_values))...};
        Headers headers;
        for (std::size_t i = 0; i < sizeof...(Strings); i += 2) headers.add(flat[i], flat[i + 1]);
        return headers;
    }

    // The value of the first field called `name`, if any. Use has_token() or
    // iterate for fields that may repeat.
    std::optional<std::string_view> get(std::string_view name) const noexcept;
    bool contains(std::string_view name) const noexcept { return get(name).has_value(); }

    // Appends a field, after any others of the same name.
    void add(std::string name, std::string value) { fields_.emplace_back(std::move(name), std::move(value)); }
    // Replaces every field called `name` by one field: at the place of the
    // first one if there was one, at the end otherwise.
    void set(std::string_view name, std::string value);
    // Removes every field called `name`; returns how many there were.
    std::size_t remove(std::string_view name);

    // Whether any field called `name` lists `token` in its comma-separated
    // value (`Connection: keep-alive, Upgrade`, `Transfer-Encoding: gzip,
    // chunked`). Elements are trimmed of spaces and tabs, compared without
    // case, and any parameters after ';' are ignored.
    bool has_token(std::string_view name, std::string_view token) const noexcept;

    const_iterator begin() const noexcept { return fields_.begin(); }
    const_iterator end() const noexcept { return fields_.end(); }
    std::size_t size() const noexcept { return fields_.size(); }
    bool empty() const noexcept { return fields_.empty(); }
    const Field& operator[](std::size_t index) const noexcept { return fields_[index]; }
    void clear() noexcept { fields_.clear(); }
    void reserve(std::size_t count) { fields_.reserve(count); }

    friend bool operator==(const Headers&, const Headers&) = default;

private:
    std::vector<Field> fields_;
};

// Calls `visit(element)` for each element of a comma-separated field value,
// trimmed of spaces and tabs; empty elements (", ,") are skipped, as RFC 9110
// 5.6.1 asks of recipients.
template <class Visit>
void for_each_list_element(std::string_view value, Visit&& visit) {
    while (!value.empty()) {
        const std::size_t comma = value.find(',');
        std::string_view element = value.substr(0, comma);
        value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
        while (!element.empty() && (element.front() == ' ' || element.front() == '\t')) element.remove_prefix(1);
        while (!element.empty() && (element.back() == ' ' || element.back() == '\t')) element.remove_suffix(1);
        if (!element.empty()) visit(element);
    }
}

}  // namespace agentio::http
