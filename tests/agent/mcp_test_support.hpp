// mcp_test_support.hpp: an in-memory transport pair and a scripted peer for
// the MCP session tests, on the virtual clock.
//
// MemoryTransport moves message texts through Queues: what one end sends the
// other receives, in order. A test drives one end as a raw peer (reading the
// exact JSON sent and writing what it likes), so every wire detail is visible.
#pragma once

#include <agentio/agent/mcp/json_rpc.hpp>
#include <agentio/agent/mcp/transport.hpp>
#include <agentio/agentio.hpp>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace agentio::testkit {

struct MemoryLink {
    Queue<std::string> a_to_b;
    Queue<std::string> b_to_a;
};

class MemoryTransport final : public agent::mcp::Transport {
public:
    MemoryTransport(std::shared_ptr<MemoryLink> link, bool side_a, std::string peer)
        : link_(std::move(link)), side_a_(side_a), peer_(std::move(peer)) {}

    Task<std::optional<agent::mcp::Incoming>> receive() override {
        auto& inbox = side_a_ ? link_->b_to_a : link_->a_to_b;
        try {
            co_return co_await inbox.get();
        } catch (const QueueClosed&) {
            if (closed_) co_return std::nullopt;
            throw agent::mcp::TransportError(peer_ + " closed the connection");
        }
    }
    Task<> send(agent::mcp::Outgoing message) override {
        sent.push_back(message);
        auto& outbox = side_a_ ? link_->a_to_b : link_->b_to_a;
        if (outbox.closed()) throw agent::mcp::TransportError(peer_ + ": the connection is closed");
        co_await outbox.put(std::move(message.text));
    }
    Task<> close() override {
        closed_ = true;
        link_->a_to_b.close();
        link_->b_to_a.close();
        co_return;
    }
    const std::string& peer() const noexcept override { return peer_; }
    void request_abandoned(const agent::mcp::Json& id) override { abandoned.push_back(id); }

    std::vector<agent::mcp::Outgoing> sent;
    std::vector<agent::mcp::Json> abandoned;

private:
    std::shared_ptr<MemoryLink> link_;
    bool side_a_;
    std::string peer_;
    bool closed_ = false;
};

// The far end of a link, driven by hand.
class RawPeer {
public:
    explicit RawPeer(std::shared_ptr<MemoryLink> link) : link_(std::move(link)) {}
    Task<agent::mcp::Json> read() { co_return agent::mcp::Json::parse(co_await link_->a_to_b.get()); }
    Task<> write(std::string text) { co_await link_->b_to_a.put(std::move(text)); }
    Task<> write(const agent::mcp::Json& value) { co_await link_->b_to_a.put(value.dump()); }
    // The peer goes away.
    void hang_up() { link_->b_to_a.close(); }

private:
    std::shared_ptr<MemoryLink> link_;
};

// A transport for the side under test and the raw peer at the other end.
inline std::pair<std::unique_ptr<MemoryTransport>, RawPeer> memory_peer(std::string peer_name = "mcp server 'scripted'") {
    auto link = std::make_shared<MemoryLink>();
    return {std::make_unique<MemoryTransport>(link, true, std::move(peer_name)), RawPeer(link)};
}

// Two connected transports, for a client and a server in one process.
inline std::pair<std::unique_ptr<MemoryTransport>, std::unique_ptr<MemoryTransport>> memory_pair() {
    auto link = std::make_shared<MemoryLink>();
    return {std::make_unique<MemoryTransport>(link, true, "mcp server 'memory'"),
            std::make_unique<MemoryTransport>(link, false, "mcp client 'memory'")};
}

}  // namespace agentio::testkit
