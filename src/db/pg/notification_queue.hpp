// notification_queue.hpp: what a Listener shares with its connection's
// reader (internal).
#pragma once

#include <deque>
#include <exception>
#include <memory>
#include <string>

#include "agentio/core/event.hpp"
#include "agentio/db/pg/listener.hpp"

namespace agentio::db::pg::detail {

struct ConnectionState;

struct ListenerQueue {
    std::string channel;
    std::deque<Notification> received;
    Event ready;               // set while `received` is not empty or the stream ended
    std::exception_ptr end;    // why the stream ended
    std::weak_ptr<ConnectionState> connection;  // to UNLISTEN through

    void push(Notification notification) {
        received.push_back(std::move(notification));
        ready.set();
    }
    void finish(std::exception_ptr error) noexcept {
        if (!end) end = std::move(error);
        ready.set();
    }
};

}  // namespace agentio::db::pg::detail
