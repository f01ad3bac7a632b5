// fake_dns.hpp: a DNS server for tests, on 127.0.0.1 (a plain UDP socket on
// a thread): it answers A/AAAA records with a TTL or NXDOMAIN, stays silent,
// or holds its answers until released, and counts the queries it got.
#pragma once

#include <agentio/net/resolver.hpp>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace agentio::net {

using namespace std::chrono_literals;

class FakeDns {
public:
    enum class Mode { Answer, Silent, Hold };

    FakeDns() {
        fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
            throw std::runtime_error("fake DNS server: cannot bind a UDP socket on 127.0.0.1");
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~FakeDns() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }

    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
    void add(const std::string& name, const char* ip, std::uint32_t ttl) {
        Record record{ttl, 1, std::string(4, '\0')};
        if (::inet_pton(AF_INET, ip, record.data.data()) != 1) {
            record.type = 28;
            record.data.assign(16, '\0');
            ::inet_pton(AF_INET6, ip, record.data.data());
        }
        std::lock_guard lock(mutex_);
        names_[name].push_back(record);
    }
    void set_mode(Mode mode) {
        std::lock_guard lock(mutex_);
        mode_ = mode;
    }
    int queries(const std::string& name) const {
        std::lock_guard lock(mutex_);
        auto it = counts_.find(name);
        return it == counts_.end() ? 0 : it->second;
    }
    // Hold mode: waits (a few seconds at most) until `n` queries are held,
    // then sends their answers. False if they did not come.
    bool release(std::size_t n) {
        std::unique_lock lock(mutex_);
        if (!held_changed_.wait_for(lock, 5s, [&] { return held_.size() >= n; })) return false;
        for (const auto& [reply, peer] : held_)
            ::sendto(fd_, reply.data(), reply.size(), 0, reinterpret_cast<const sockaddr*>(&peer), sizeof peer);
        held_.clear();
        return true;
    }

private:
    struct Record {
        std::uint32_t ttl;
        std::uint16_t type;  // 1 = A, 28 = AAAA
        std::string data;
    };

    void serve() {
        char buffer[1500];
        while (!stop_) {
            pollfd ready{fd_, POLLIN, 0};
            if (::poll(&ready, 1, 20) <= 0) continue;
            sockaddr_in peer{};
            socklen_t length = sizeof peer;
            const ssize_t n = ::recvfrom(fd_, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&peer), &length);
            if (n > 12) handle(std::string_view(buffer, static_cast<std::size_t>(n)), peer);
        }
    }

    void handle(std::string_view query, const sockaddr_in& peer) {
        // The question: labels from offset 12, then type and class.
        std::string name;
        std::size_t at = 12;
        while (at < query.size() && query[at] != 0) {
            const std::size_t label = static_cast<unsigned char>(query[at]);
            if (at + 1 + label > query.size()) return;
            if (!name.empty()) name += '.';
            for (char c : query.substr(at + 1, label)) name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            at += 1 + label;
        }
        if (at + 5 > query.size()) return;
        const std::uint16_t type = static_cast<std::uint16_t>(static_cast<unsigned char>(query[at + 1]) << 8 |
                                                              static_cast<unsigned char>(query[at + 2]));
        const std::string_view question = query.substr(12, at + 5 - 12);

        std::lock_guard lock(mutex_);
        ++counts_[name];
        if (mode_ == Mode::Silent) return;
        auto known = names_.find(name);
        std::vector<const Record*> answers;
        if (known != names_.end())
            for (const auto& record : known->second)
                if (record.type == type) answers.push_back(&record);

        std::string reply;
        auto put16 = [&](unsigned v) { reply += static_cast<char>(v >> 8), reply += static_cast<char>(v & 0xff); };
        reply.append(query.substr(0, 2));  // the id
        const unsigned rd = static_cast<unsigned char>(query[2]) & 0x01;
        put16(0x8000 | rd << 8 | 0x0080 | (known == names_.end() ? 3 : 0));  // QR, RD, RA, NXDOMAIN or NOERROR
        put16(1);
        put16(static_cast<unsigned>(answers.size()));
        put16(0);
        put16(0);
        reply.append(question);
        for (const Record* record : answers) {
            put16(0xc00c);  // the name: a pointer to the question's
            put16(record->type);
            put16(1);
            put16(record->ttl >> 16);
            put16(record->ttl & 0xffff);
            put16(static_cast<unsigned>(record->data.size()));
            reply.append(record->data);
        }
        if (mode_ == Mode::Hold) {
            held_.emplace_back(reply, peer);
            held_changed_.notify_all();
            return;
        }
        ::sendto(fd_, reply.data(), reply.size(), 0, reinterpret_cast<const sockaddr*>(&peer), sizeof peer);
    }

    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    mutable std::mutex mutex_;
    std::condition_variable held_changed_;
    Mode mode_ = Mode::Answer;
    std::map<std::string, std::vector<Record>> names_;
    std::map<std::string, int> counts_;
    std::vector<std::pair<std::string, sockaddr_in>> held_;
};

inline ResolverOptions using_server(const FakeDns& dns, Duration timeout = 1s, int tries = 2) {
    ResolverOptions options;
    options.servers = {dns.address()};
    options.timeout = timeout;
    options.tries = tries;
    return options;
}

}  // namespace agentio::net
