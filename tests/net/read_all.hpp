// read_all.hpp: a stream read to its end, for the transport tests.
#pragma once

#include <agentio/net/stream.hpp>

#include <string>

namespace agentio::testkit {

inline Task<std::string> read_all(net::Stream& stream) {
    std::string all;
    char buffer[16384];
    while (std::size_t n = co_await stream.read(buffer)) all.append(buffer, n);
    co_return all;
}

}  // namespace agentio::testkit
