#include "agentio/http/router.hpp"

#include "agentio/core/errors.hpp"

namespace agentio::http {

void Router::add(std::string method, std::string path, Handler handler) {
    if (path.empty() || path.front() != '/') throw Error("route path \"" + path + "\" must start with '/'");
    const bool prefix = path.size() >= 2 && path.ends_with("/*");
    if (prefix) path.pop_back();
    routes_.push_back(Route{std::move(method), std::move(path), prefix, std::move(handler)});
}

const Handler* Router::find(std::string_view method, std::string_view path, std::string& allow) const {
    // HEAD is GET without the body (RFC 9110 9.3.2); the server drops the body.
    if (method == "HEAD") {
        for (const Route& route : routes_)
            if (route.method == "HEAD" && (route.prefix ? path.starts_with(route.path) : path == route.path)) return &route.handler;
        method = "GET";
    }
    allow.clear();
    for (const Route& route : routes_) {
        const bool path_matches = route.prefix ? path.starts_with(route.path) : path == route.path;
        if (!path_matches) continue;
        if (route.method == method) return &route.handler;
        if (allow.find(route.method) == std::string::npos) {
            if (!allow.empty()) allow.append(", ");
            allow.append(route.method);
        }
    }
    return nullptr;
}

}  // namespace agentio::http
