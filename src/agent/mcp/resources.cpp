// resources.cpp: reading and writing the resource shapes; URI template matching.
#include "agentio/agent/mcp/resources.hpp"

#include "fields.hpp"

namespace agentio::agent::mcp {

using detail::field_or_null;
using detail::required_string;
using detail::set_if_present;
using detail::string_field;

namespace {

void require_object(const Json& value, const std::string& peer, const char* what) {
    if (!value.is_object()) throw ProtocolError(peer + ": " + what + " is not an object: " + value.dump());
}

// Resources and templates share every field but the one naming what they
// describe ("uri" or "uriTemplate"), which the callers add.
template <class Described>
void write_described(Json& out, const Described& info) {
    out["name"] = info.name;
    set_if_present(out, "title", info.title);
    set_if_present(out, "description", info.description);
    set_if_present(out, "mimeType", info.mime_type);
    if (!info.annotations.is_null()) out["annotations"] = info.annotations;
}

template <class Described>
Described read_described(const Json& value, const std::string& peer, const char* what) {
    require_object(value, peer, what);
    Described info;
    info.name = required_string(value, "name", peer, what);
    info.title = string_field(value, "title");
    info.description = string_field(value, "description");
    info.mime_type = string_field(value, "mimeType");
    info.annotations = field_or_null(value, "annotations");
    return info;
}

}  // namespace

Json ResourceInfo::to_json() const {
    Json out = {{"uri", uri}};
    write_described(out, *this);
    return out;
}

ResourceInfo ResourceInfo::from_json(const Json& value, const std::string& peer) {
    auto info = read_described<ResourceInfo>(value, peer, "a resources/list entry");
    info.uri = required_string(value, "uri", peer, "a resources/list entry");
    return info;
}

Json ResourceTemplateInfo::to_json() const {
    Json out = {{"uriTemplate", uri_template}};
    write_described(out, *this);
    return out;
}

ResourceTemplateInfo ResourceTemplateInfo::from_json(const Json& value, const std::string& peer) {
    auto info = read_described<ResourceTemplateInfo>(value, peer, "a resources/templates/list entry");
    info.uri_template = required_string(value, "uriTemplate", peer, "a resources/templates/list entry");
    return info;
}

ResourceContents ResourceContents::of_text(std::string uri, std::string text, std::string mime_type) {
    ResourceContents contents;
    contents.uri = std::move(uri);
    contents.mime_type = std::move(mime_type);
    contents.text = std::move(text);
    return contents;
}

ResourceContents ResourceContents::of_blob(std::string uri, std::string base64, std::string mime_type) {
    ResourceContents contents;
    contents.uri = std::move(uri);
    contents.mime_type = std::move(mime_type);
    contents.blob = std::move(base64);
    return contents;
}

Json ResourceContents::to_json() const {
    Json out = {{"uri", uri}};
    set_if_present(out, "mimeType", mime_type);
    if (blob) out["blob"] = *blob;
    else out["text"] = text;
    return out;
}

ResourceContents ResourceContents::from_json(const Json& value, const std::string& peer) {
    require_object(value, peer, "resource contents");
    ResourceContents contents;
    contents.uri = required_string(value, "uri", peer, "resource contents");
    contents.mime_type = string_field(value, "mimeType");
    const auto blob = value.find("blob");
    const auto text = value.find("text");
    if (blob != value.end() && blob->is_string()) contents.blob = blob->get<std::string>();
    else if (text != value.end() && text->is_string()) contents.text = text->get<std::string>();
    else throw ProtocolError(peer + ": resource contents have neither text nor blob: " + value.dump());
    return contents;
}

std::optional<UriVariables> match_uri_template(std::string_view uri_template, std::string_view uri) {
    UriVariables variables;
    while (!uri_template.empty()) {
        const std::size_t open = uri_template.find('{');
        const std::string_view literal = uri_template.substr(0, open);
        if (!uri.starts_with(literal)) return std::nullopt;
        uri.remove_prefix(literal.size());
        if (open == std::string_view::npos) break;
        const std::size_t close = uri_template.find('}', open);
        if (close == std::string_view::npos) return std::nullopt;  // not a template we can read
        const std::string name(uri_template.substr(open + 1, close - open - 1));
        uri_template.remove_prefix(close + 1);
        // The variable runs up to the next literal text (or a '/', or the end).
        const std::string_view next = uri_template.substr(0, uri_template.find('{'));
        std::size_t end = next.empty() ? uri.size() : uri.find(next);
        if (end == std::string_view::npos) return std::nullopt;
        if (!next.empty()) end = std::min(end, uri.find('/') == std::string_view::npos ? end : uri.find('/'));
        if (end == 0) return std::nullopt;
        const auto [entry, fresh] = variables.emplace(name, uri.substr(0, end));
        if (!fresh && entry->second != uri.substr(0, end)) return std::nullopt;  // "{x}/{x}" needs one value
        uri.remove_prefix(end);
    }
    if (!uri.empty()) return std::nullopt;
    return variables;
}

}  // namespace agentio::agent::mcp
