// options.hpp: Options, where a Redis server is and how to talk to it.
//
//     Options options = Options::from_url("redis://:secret@127.0.0.1:6379/2");
//
// URLs as redis-py's from_url reads them: redis:// (TCP) or rediss:// (TLS),
// an optional user and password (percent-encoded), host, port (6379 by
// default) and the database number as the path; `?protocol=2` asks for
// RESP2. A URL that does not parse is an agentio::Error naming the part.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "agentio/core/clock.hpp"
#include "agentio/db/redis/resp_parser.hpp"
#include "agentio/net/tls_context.hpp"

namespace agentio::db::redis {

struct Options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 6379;
    // AUTH: `username` empty means the "default" user; no password, no AUTH.
    std::string username = {};
    std::string password = {};
    int database = 0;
    // 3: RESP3 via HELLO 3 (Redis 6+), falling back to 2 for an older server.
    int protocol = 3;
    // CLIENT SETNAME, shown by CLIENT LIST; empty: none.
    std::string client_name = {};
    // TLS (rediss://); the server's name is checked against `host`.
    bool tls = false;
    net::TlsClientOptions tls_options = {.verify = true, .ca_file = {}, .alpn = {}};
    // The whole connect: DNS, TCP, TLS and the handshake commands.
    std::optional<Duration> connect_timeout = std::chrono::seconds(10);
    // Each command's wait for its reply; none by default (as redis-py). A
    // command that times out is TimeoutError; its reply, when it comes, is
    // dropped, so the commands after it still get theirs.
    std::optional<Duration> command_timeout = {};
    // After a failed connect, the next attempt waits this long, doubling up
    // to `reconnect_backoff_max` while attempts keep failing.
    Duration reconnect_backoff = std::chrono::milliseconds(50);
    Duration reconnect_backoff_max = std::chrono::seconds(2);
    // Blocking commands (BLPOP, XREADGROUP ... BLOCK, WAIT) each run on a
    // connection of their own, from a pool of at most this many; more wait
    // in FIFO order for one to be free.
    std::size_t max_blocking_connections = 16;
    RespLimits limits = {};

    static Options from_url(std::string_view url);
    // "127.0.0.1:6379", for messages.
    std::string address() const;
};

}  // namespace agentio::db::redis
