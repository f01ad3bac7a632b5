// tls_openssl.hpp: OpenSSL helpers shared by tls_context.cpp and tls_stream.cpp.
#pragma once

#include <string>

namespace agentio::net::detail {

// The reasons OpenSSL queued on this thread since the last clear, oldest
// first, in words ("No such file or directory", "wrong version number"), or
// `fallback` if none were. Empties the queue, so that the next failure on this
// thread, maybe another connection's, does not report this one's reasons.
std::string take_openssl_errors(const char* fallback);

}  // namespace agentio::net::detail
