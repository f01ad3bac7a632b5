// router.hpp: Router, which handler answers a request.
//
// Routes match the method exactly and the path either exactly ("/v1/models")
// or by prefix when the route ends in "/*" ("/static/*"). The first added
// matching route wins. HEAD goes to the GET route when the path has no HEAD
// route of its own. A path that matches with another method is answered
// 405 with an Allow header; no match at all is 404.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "agentio/core/task.hpp"
#include "agentio/http/request.hpp"
#include "agentio/http/response.hpp"

namespace agentio::http {

using Handler = std::function<Task<Response>(Request&)>;

class Router {
public:
    void add(std::string method, std::string path, Handler handler);
    // The handler for the request, or null: then `allow` lists the methods
    // the path has ("GET, POST"; empty if the path is unknown).
    const Handler* find(std::string_view method, std::string_view path, std::string& allow) const;

private:
    struct Route {
        std::string method;
        std::string path;  // without the trailing '*' of a prefix route
        bool prefix;
        Handler handler;
    };
    std::vector<Route> routes_;
};

}  // namespace agentio::http
