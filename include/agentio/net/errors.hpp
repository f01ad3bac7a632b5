// errors.hpp: the exception types of the net layer.
//
// Every message names the peer (host:port or address) and the operation, so a
// log line alone says what failed. Timeouts are agentio::TimeoutError, thrown
// by the enclosing timeout scope or by an operation's own timeout option.
#pragma once

#include <string>

#include "agentio/core/errors.hpp"

namespace agentio::net {

// A connection could not be made or broke: refused, reset by the peer,
// unreachable, a write to a closed socket. `code()` is the errno (0 if none).
class ConnectionError : public Error {
public:
    ConnectionError(const std::string& message, int code = 0) : Error(message), code_(code) {}
    int code() const noexcept { return code_; }

private:
    int code_;
};

// The peer closed the connection before the data the caller needed arrived
// (an HTTP response cut short, a read_exact past the end of the stream).
class UnexpectedEof : public ConnectionError {
public:
    using ConnectionError::ConnectionError;
};

// A host name could not be resolved.
class DnsError : public Error {
public:
    using Error::Error;
};

// The TLS handshake or a TLS record failed; the message says why (expired
// certificate, hostname mismatch, unknown CA, protocol error).
class TlsError : public ConnectionError {
public:
    using ConnectionError::ConnectionError;
};

// "connect to 127.0.0.1:80: Connection refused" from an operation, a peer and errno.
std::string errno_message(const std::string& operation, int code);

}  // namespace agentio::net
