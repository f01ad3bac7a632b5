// resources.hpp: the shapes of MCP resources (resources/list, resources/read,
// resources/templates/list), read from and written to JSON.
//
// A resource is data a server offers by URI (a file, a table row, a page);
// a resource template names a family of them with an RFC 6570 URI template
// ("test://template/{id}/data"). What a read returns is a list of contents,
// each text or base64 bytes (a blob).
//
// Parsing keeps what the spec makes optional optional and refuses, with
// ProtocolError naming the peer and the field, what would make an entry
// meaningless (a resource without a uri or name, contents without a uri).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agentio/agent/mcp/json_rpc.hpp"

namespace agentio::agent::mcp {

// One entry of resources/list.
struct ResourceInfo {
    std::string uri = {};
    std::string name = {};
    std::string title = {};        // empty when none
    std::string description = {};  // empty when none
    std::string mime_type = {};    // empty when unknown
    Json annotations = {};         // null when none

    Json to_json() const;
    static ResourceInfo from_json(const Json& value, const std::string& peer);
};

// One entry of resources/templates/list.
struct ResourceTemplateInfo {
    std::string uri_template = {};  // "file:///{path}"
    std::string name = {};
    std::string title = {};
    std::string description = {};
    std::string mime_type = {};
    Json annotations = {};

    Json to_json() const;
    static ResourceTemplateInfo from_json(const Json& value, const std::string& peer);
};

// One item of a resources/read result (and of an embedded resource block).
struct ResourceContents {
    std::string uri = {};
    std::string mime_type = {};            // empty when unknown
    std::string text = {};                 // the contents, when text
    std::optional<std::string> blob = {};  // base64 of the bytes, when binary

    static ResourceContents of_text(std::string uri, std::string text, std::string mime_type = "text/plain");
    static ResourceContents of_blob(std::string uri, std::string base64, std::string mime_type);

    Json to_json() const;
    static ResourceContents from_json(const Json& value, const std::string& peer);
};

// The values of a URI template's variables in one URI: {"id": "123"}.
using UriVariables = std::map<std::string, std::string>;

// Matches `uri` against a URI template of simple `{name}` expressions
// (RFC 6570 level 1): each variable takes one or more characters up to the
// text that follows it in the template, and never a '/' unless the template's
// text after it is empty. Returns the variables, or nullopt when it does not match.
std::optional<UriVariables> match_uri_template(std::string_view uri_template, std::string_view uri);

}  // namespace agentio::agent::mcp
