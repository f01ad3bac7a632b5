// headers.cpp: lookups and edits of Headers. (The body framing that the
// Content-Length and Transfer-Encoding fields declare is body_framing.cpp's.)
#include "agentio/http/headers.hpp"

#include <algorithm>

namespace agentio::http {

namespace {

// "gzip ; q=1" -> "gzip": a list element's token without its parameters.
std::string_view without_parameters(std::string_view element) noexcept {
    element = element.substr(0, element.find(';'));
    while (!element.empty() && (element.back() == ' ' || element.back() == '\t')) element.remove_suffix(1);
    return element;
}

}  // namespace

std::optional<std::string_view> Headers::get(std::string_view name) const noexcept {
    for (const auto& field : fields_)
        if (iequals(field.first, name)) return std::string_view(field.second);
    return std::nullopt;
}

// set() and remove() copy the name first: it may point into a field that the
// edit moves or destroys (`headers.remove(headers[2].first)`).
void Headers::set(std::string_view name, std::string value) {
    std::string key(name);
    auto first = std::find_if(fields_.begin(), fields_.end(), [&](const Field& f) { return iequals(f.first, key); });
    if (first == fields_.end()) {
        fields_.emplace_back(std::move(key), std::move(value));
        return;
    }
    // The replacement takes the place of the first field, under the new spelling.
    first->second = std::move(value);
    fields_.erase(std::remove_if(first + 1, fields_.end(), [&](const Field& f) { return iequals(f.first, key); }),
                  fields_.end());
    first->first = std::move(key);
}

std::size_t Headers::remove(std::string_view name) {
    const std::string key(name);
    const auto kept = std::remove_if(fields_.begin(), fields_.end(), [&](const Field& f) { return iequals(f.first, key); });
    const auto removed = static_cast<std::size_t>(fields_.end() - kept);
    fields_.erase(kept, fields_.end());
    return removed;
}

bool Headers::has_token(std::string_view name, std::string_view token) const noexcept {
    bool found = false;
    for (const auto& field : fields_) {
        if (!iequals(field.first, name)) continue;
        for_each_list_element(field.second, [&](std::string_view element) {
            if (iequals(without_parameters(element), token)) found = true;
        });
        if (found) return true;
    }
    return false;
}

}  // namespace agentio::http
