// client.cpp: http::Client: one exchange on a pooled connection, the
// transparent retry, proxy tunnels, and response bodies.
#include "agentio/http/client.hpp"

#include <limits>

#include "agentio/core/event_loop.hpp"
#include "agentio/core/timeout.hpp"
#include "agentio/net/connect.hpp"
#include "agentio/net/errors.hpp"
#include "agentio/net/tls_stream.hpp"

namespace agentio::http {

namespace {

bool idempotent(std::string_view method) {
    return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" || method == "OPTIONS" ||
           method == "TRACE";
}

bool method_has_body(std::string_view method) { return method == "POST" || method == "PUT" || method == "PATCH"; }

// Opens an HTTP CONNECT tunnel through `proxy` to `target`.
Task<> open_tunnel(net::Stream& stream, const Url& proxy, const Url& target, const Limits& limits) {
    std::string authority = target.host.find(':') != std::string::npos ? "[" + target.host + "]" : target.host;
    authority.append(":").append(std::to_string(target.port));
    std::string request = "CONNECT ";
    request.append(authority).append(" HTTP/1.1\r\nHost: ").append(authority).append("\r\n\r\n");
    co_await stream.write(request);
    net::BufferedReader reader(stream, 4096);
    ResponseHead head;
    for (;;) {
        if (auto consumed = parse_response_head(reader.buffered(), head, limits)) break;
        if (!co_await reader.fill(limits.max_head_bytes + 1))
            throw net::ConnectionError("proxy " + proxy.origin() + " closed the connection instead of answering CONNECT " + authority);
    }
    if (head.status != 200)
        throw net::ConnectionError("proxy " + proxy.origin() + " refused CONNECT " + authority + ": " +
                                   std::to_string(head.status) + " " + head.reason);
}

}  // namespace

struct Client::State {
    // A URL as requests use it, parsed once: an agent sends most of its
    // requests to one or two URLs, so the last one parsed is kept.
    struct Target {
        std::string text;
        Url url;
        std::optional<Url> proxy;
        std::string canonical;    // url.to_string()
        std::string host_header;  // url.host_header()
        std::string pool_key;     // the origin, and the proxy it goes through
    };
    std::shared_ptr<const Target> last_target;

    std::shared_ptr<const Target> target_for(const std::string& text) {
        if (last_target && last_target->text == text) return last_target;
        auto target = std::make_shared<Target>();
        target->text = text;
        target->url = Url::parse(text);
        if (const Url* proxy_url = proxy.proxy_for(target->url)) target->proxy = *proxy_url;
        target->canonical = target->url.to_string();
        target->host_header = target->url.host_header();
        target->pool_key = target->url.origin();
        if (target->proxy) target->pool_key.append(" via ").append(target->proxy->origin());
        last_target = target;
        return target;
    }

    // What a new connection for one request needs (see send()).
    struct ConnectTarget {
        State* state;
        const Url* url;
        const std::optional<Url>* proxy;
        const ReadDeadlines* deadlines;
    };

    explicit State(ClientOptions o)
        : options(std::move(o)),
          proxy(options.proxy ? *options.proxy : ProxyConfig::from_environment()),
          pool(std::make_shared<ConnectionPool>(options.max_connections_per_origin, options.idle_timeout)) {}

    ClientOptions options;
    ProxyConfig proxy;
    std::optional<net::TlsContext> tls;  // made on the first https request: loading the CA store takes ~50 ms
    std::shared_ptr<ConnectionPool> pool;

    const net::TlsContext& tls_context() {
        if (!tls) tls = net::TlsContext::client(options.tls);
        return *tls;
    }

    Task<std::unique_ptr<net::Stream>> open(Url url, std::optional<Url> proxy_url) {
        const Url& first_hop = proxy_url ? *proxy_url : url;
        std::unique_ptr<net::Stream> stream = std::make_unique<net::TcpStream>(co_await net::connect(first_hop.host, first_hop.port));
        if (proxy_url && url.is_https()) co_await open_tunnel(*stream, *proxy_url, url, options.limits);
        if (url.is_https()) stream = co_await net::TlsStream::connect(std::move(stream), tls_context(), url.host);
        co_return stream;
    }

    Task<std::unique_ptr<net::Stream>> open_within_timeout(Url url, std::optional<Url> proxy_url, std::string what) {
        return wait_for(open(std::move(url), std::move(proxy_url)), options.connect_timeout,
                        what + ": no connection within the connect timeout");
    }

    // Reads the final response head (skipping 1xx interim responses).
    Task<> read_head(Connection& connection, ResponseHead& head, const ReadDeadlines& deadlines) {
        for (;;) {
            if (!connection.reader.buffered().empty()) {
                if (auto consumed = parse_response_head(connection.reader.buffered(), head, options.limits)) {
                    connection.reader.consume(*consumed);
                    if (head.status >= 200 || head.status == 101) co_return;
                    head = ResponseHead{};
                    continue;
                }
            }
            if (!co_await deadlines.bound(connection.reader.fill(options.limits.max_head_bytes + 1)))
                throw net::UnexpectedEof(deadlines.what() + ": the server closed the connection without a complete response");
        }
    }
};

Client::Client(ClientOptions options) : state_(std::make_unique<State>(std::move(options))) {
    if (!state_->options.default_headers.contains("User-Agent")) state_->options.default_headers.add("User-Agent", "agentio/0.1");
}
Client::~Client() {
    if (state_) state_->pool->clear();
}
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

const ClientOptions& Client::options() const noexcept { return state_->options; }
std::size_t Client::idle_connections() const noexcept { return state_->pool->idle_count(); }
void Client::close() noexcept { state_->pool->clear(); }

Task<ClientResponse> Client::get(std::string url, Headers headers) {
    return send(ClientRequest{"GET", std::move(url), std::move(headers), {}});
}

Task<ClientResponse> Client::post(std::string url, std::string body, Headers headers) {
    return send(ClientRequest{"POST", std::move(url), std::move(headers), std::move(body)});
}

Task<ClientResponse> Client::send(ClientRequest request) {
    State& state = *state_;
    const ClientOptions& options = state.options;
    const std::shared_ptr<const State::Target> target = state.target_for(request.url);
    const Url& url = target->url;
    const std::optional<Url>& proxy_url = target->proxy;

    ClientResponse response;
    ResponseBody& body = *response.body_;  // on the heap: the deadlines can point into it
    body.method_ = request.method;
    body.url_ = target->canonical;
    ReadDeadlines deadlines;
    deadlines.method = &body.method_;
    deadlines.url = &body.url_;
    deadlines.read_timeout = options.read_timeout;
    if (options.total_timeout) deadlines.deadline = EventLoop::current()->now() + *options.total_timeout;

    RequestHead head;
    head.method = request.method;
    // Through a plain-HTTP proxy the target is the absolute URL.
    head.target = proxy_url && !url.is_https() ? target->canonical : url.target;
    head.headers = std::move(request.headers);
    if (!head.headers.contains("Host")) head.headers.add("Host", target->host_header);
    for (const auto& [name, value] : options.default_headers)
        if (!head.headers.contains(name)) head.headers.add(name, value);
    const bool decode = options.decompress && !head.headers.contains("Accept-Encoding");
    if (decode) head.headers.add("Accept-Encoding", "gzip, deflate");
    if ((!request.body.empty() || method_has_body(request.method)) && !head.headers.contains("Content-Length") &&
        !head.headers.contains("Transfer-Encoding"))
        head.headers.add("Content-Length", std::to_string(request.body.size()));
    std::string wire;
    wire.reserve(request.body.size() + 1024);  // one allocation for the head and the body, usually
    write_request_head(head, wire);
    wire.append(request.body);

    for (int attempt = 0;; ++attempt) {
        // Called only inside acquire(), while this frame is alive: it refers to
        // the request's parts instead of copying them for every request (one
        // pointer fits std::function's inline storage: no allocation either).
        // Named, not a temporary inside the co_await: g++ 12 destroys such a
        // lambda temporary twice.
        const State::ConnectTarget hop{&state, &url, &proxy_url, &deadlines};
        ConnectionPool::Connector connect = [&hop]() {
            return hop.state->open_within_timeout(*hop.url, *hop.proxy, hop.deadlines->what());
        };
        Task<Lease> acquiring = state.pool->acquire(target->pool_key, std::move(connect), !request.long_lived);
        const TimePoint acquire_started = EventLoop::current()->now();
        Lease lease = co_await deadlines.bound(std::move(acquiring));
        response.connect_time_ = EventLoop::current()->now() - acquire_started;
        response.reused_connection_ = lease.reused();
        Connection& connection = lease.connection();
        bool stale = false;
        try {
            // The read timeout bounds the upload's stalls, not its length:
            // a large body to a slow but steady server is not cut.
            ReadDeadlines whole = deadlines;
            whole.read_timeout.reset();
            Task<> sending = deadlines.read_timeout
                                 ? net::write_with_stall_limit(*connection.stream, wire, *deadlines.read_timeout)
                                 : connection.stream->write(wire);
            co_await whole.bound(std::move(sending));
            co_await state.read_head(connection, response.head_, deadlines);
        } catch (const net::ConnectionError&) {
            // The server closed a keep-alive connection while it lay idle:
            // nothing of the request was processed, so send it again.
            stale = lease.reused() && attempt == 0 && idempotent(request.method) && connection.reader.buffered().empty();
            if (!stale) throw;
        }
        if (stale) {
            lease.discard();
            response.head_ = ResponseHead{};
            continue;
        }

        // The body limit is text()'s to enforce: read piece by piece, a body
        // (an event stream) may be longer than anything held in memory.
        Limits streaming = options.limits;
        streaming.max_body = std::numeric_limits<std::uint64_t>::max();
        const BodyFraming framing = response_framing(request.method, response.head_, streaming);
        body.reader_ = BodyReader(connection.reader, framing, streaming);
        body.max_whole_body_ = options.limits.max_body;
        body.reusable_ = keep_alive(response.head_) && framing.kind != BodyFraming::Kind::UntilClose;
        body.deadlines_ = std::move(deadlines);
        if (decode) {
            const auto encoding = response.head_.headers.get("Content-Encoding");
            if (encoding && (*encoding == "gzip" || *encoding == "x-gzip" || *encoding == "deflate"))
                body.decoder_.emplace(static_cast<std::size_t>(options.limits.max_body));
        }
        body.lease_ = std::move(lease);
        if (body.reader_.done()) body.finished();  // no body: the connection is free now
        co_return response;
    }
}

Task<std::optional<std::string_view>> ResponseBody::next() {
    for (;;) {
        if (finished_) co_return std::nullopt;
        const std::optional<std::string_view> piece = co_await deadlines_.bound(reader_.next());
        if (!piece) {
            if (decoder_) decoder_->finish();  // a truncated gzip stream is an error, not a short body
            finished();
            co_return std::nullopt;
        }
        if (!decoder_) co_return piece;
        decoded_.clear();
        decoder_->feed(*piece, decoded_);
        if (!decoded_.empty()) co_return std::string_view(decoded_);
    }
}

void ResponseBody::finished() {
    finished_ = true;
    // Released only now, not after the last piece: that piece is a view into
    // the connection's buffer, which the next user of the connection refills.
    if (reusable_) lease_.release();
    else lease_.discard();
}

Task<std::string> ClientResponse::text() {
    std::string all;
    while (auto piece = co_await body_->next()) {
        if (all.size() + piece->size() > body_->max_whole_body_)
            throw ParseError(413, body_->method_ + " " + body_->url_ + ": response body is larger than the limit of " +
                                      std::to_string(body_->max_whole_body_) + " bytes");
        all.append(*piece);
    }
    co_return all;
}

void ClientResponse::raise_for_status() const {
    if (status() < 400) return;
    std::string message = body_->method_;
    message.append(" ").append(body_->url_).append(": ").append(std::to_string(status())).append(" ").append(reason());
    throw HttpStatusError(status(), message);
}

}  // namespace agentio::http
