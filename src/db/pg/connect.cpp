// connect.cpp: a connection made on the loop. A host name is resolved here
// (libpq would resolve it with a blocking call) and handed to libpq as a
// list of addresses; libpq's non-blocking connect is driven by the socket's
// readiness.
#include <cstdlib>

#include <fmt/format.h>

#include "agentio/core/create_task.hpp"
#include "agentio/core/errors.hpp"
#include "agentio/net/errors.hpp"
#include "agentio/net/resolver.hpp"
#include "connection_state.hpp"

namespace agentio::db::pg::detail {

namespace {

// The conninfo's keywords and values, with `hostaddr` added for a host name
// resolved here (libpq would resolve it with a blocking call).
struct ConnInfo {
    std::vector<std::string> keywords;
    std::vector<std::string> values;

    std::optional<std::string> get(std::string_view keyword) const {
        for (std::size_t i = 0; i < keywords.size(); ++i)
            if (keywords[i] == keyword) return values[i];
        return std::nullopt;
    }
};

ConnInfo parse_conninfo(const std::string& conninfo) {
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
    if (options == nullptr) {
        const std::string why = error != nullptr ? detail::trimmed(error) : "out of memory";
        if (error != nullptr) PQfreemem(error);
        throw Error("postgres connection string: " + why);
    }
    ConnInfo info;
    for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
        if (option->val == nullptr) continue;
        info.keywords.emplace_back(option->keyword);
        info.values.emplace_back(option->val);
    }
    PQconninfoFree(options);
    return info;
}

bool is_ip_literal(const std::string& host) {
    return host.find(':') != std::string::npos || host.find_first_not_of("0123456789.") == std::string::npos;
}

Task<ConnInfo> resolved(ConnInfo info) {
    std::optional<std::string> host = info.get("host");
    if (!host) {
        if (const char* env = std::getenv("PGHOST")) host = env;
    }
    if (!host || host->empty() || info.get("hostaddr") || host->front() == '/' || host->find(',') != std::string::npos ||
        is_ip_literal(*host))
        co_return info;
    std::optional<std::string> port = info.get("port");
    if (!port) {
        if (const char* env = std::getenv("PGPORT")) port = env;
    }
    const std::uint16_t number = port ? static_cast<std::uint16_t>(std::atoi(port->c_str())) : 5432;
    Task<std::vector<net::SocketAddress>> resolving = net::resolve(*host, number);
    const std::vector<net::SocketAddress> addresses = co_await std::move(resolving);
    // Every address, so that libpq tries the next when one refuses (as it
    // would after its own lookup): host repeated, hostaddr the list.
    std::string hosts, addrs;
    for (const net::SocketAddress& address : addresses) {
        hosts += (hosts.empty() ? "" : ",") + *host;
        addrs += (addrs.empty() ? "" : ",") + address.ip();
    }
    if (!addresses.empty()) {
        bool had_host = false;
        for (std::size_t i = 0; i < info.keywords.size(); ++i)
            if (info.keywords[i] == "host") {
                info.values[i] = hosts;
                had_host = true;
            }
        if (!had_host) {
            info.keywords.emplace_back("host");
            info.values.push_back(hosts);
        }
        info.keywords.emplace_back("hostaddr");
        info.values.push_back(addrs);
    }
    co_return info;
}

}  // namespace

std::string peer_named_by(const std::string& conninfo) {
    const ConnInfo info = parse_conninfo(conninfo);
    const auto setting = [&](std::string_view keyword, const char* variable, const char* fallback) {
        if (std::optional<std::string> value = info.get(keyword); value && !value->empty()) return *value;
        const char* env = std::getenv(variable);
        return std::string(env != nullptr && *env ? env : fallback);
    };
    return fmt::format("postgres {}:{}", setting("host", "PGHOST", "localhost"), setting("port", "PGPORT", "5432"));
}

Task<> establish(std::shared_ptr<ConnectionState> self, std::string conninfo) {
    Task<ConnInfo> resolving = resolved(parse_conninfo(conninfo));
    const ConnInfo info = co_await std::move(resolving);
    std::vector<const char*> keywords, values;
    for (std::size_t i = 0; i < info.keywords.size(); ++i) {
        keywords.push_back(info.keywords[i].c_str());
        values.push_back(info.values[i].c_str());
    }
    keywords.push_back(nullptr);
    values.push_back(nullptr);
    self->conn = PQconnectStartParams(keywords.data(), values.data(), 0);
    if (self->conn == nullptr) throw Error("postgres: out of memory starting a connection");
    const auto where = [&] {
        const char* host = PQhost(self->conn);
        const char* port = PQport(self->conn);
        return fmt::format("postgres {}:{}", host != nullptr && *host ? host : "localhost", port != nullptr && *port ? port : "5432");
    };
    self->peer = where();
    if (PQstatus(self->conn) == CONNECTION_BAD) throw net::ConnectionError(self->peer + ": " + detail::trimmed(PQerrorMessage(self->conn)));
    PostgresPollingStatusType polling = PGRES_POLLING_WRITING;  // as libpq says to start
    for (;;) {
        self->track_socket();
        co_await self->ready(polling == PGRES_POLLING_WRITING);
        polling = PQconnectPoll(self->conn);
        self->peer = where();
        if (polling == PGRES_POLLING_OK) break;
        if (polling == PGRES_POLLING_FAILED)
            throw net::ConnectionError(self->peer + ": " + detail::trimmed(PQerrorMessage(self->conn)));
    }
    self->track_socket();
    if (PQsetnonblocking(self->conn, 1) != 0 || PQenterPipelineMode(self->conn) != 1)
        throw net::ConnectionError(self->peer + ": cannot enter pipeline mode: " + detail::trimmed(PQerrorMessage(self->conn)));
    create_task(ConnectionState::read_loop(self), self->peer + " reader");
    create_task(ConnectionState::flush_loop(self), self->peer + " flusher");
}

}  // namespace agentio::db::pg::detail
