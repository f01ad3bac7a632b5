// listener.hpp: pg::Listener, the notifications of one LISTEN channel as an
// async stream.
//
// compile-context: extern Connection db; void start_job(std::string_view payload);
//     pg::Listener jobs = co_await db.listen("jobs");
//     for (;;) {
//         pg::Notification note = co_await jobs.next();   // NOTIFY jobs, 'payload'
//         start_job(note.payload);
//     }
//
// Promises:
// - Notifications come in the order the server sent them, each once to every
//   Listener of its channel on that connection; none is lost while the
//   Listener lives, however long its task takes between next() calls.
// - A connection that breaks or closes ends the stream: next() gives the
//   notifications already received, then throws net::ConnectionError.
// - Destroying the last Listener of a channel sends UNLISTEN.
// A notification is delivered on the connection that listens: LISTEN on a
// pooled connection lasts as long as the lease, so listen on a Connection of
// its own.
#pragma once

#include <memory>
#include <string>

#include "agentio/core/task.hpp"

namespace agentio::db::pg {

struct Notification {
    std::string channel;
    std::string payload;
    int sender_pid = 0;  // the backend that sent NOTIFY
};

namespace detail {
struct ListenerQueue;
}

class Listener {
public:
    explicit Listener(std::shared_ptr<detail::ListenerQueue> queue) noexcept;
    Listener(Listener&&) noexcept;
    Listener& operator=(Listener&&) noexcept;
    ~Listener();

    // The next notification; waits for one.
    Task<Notification> next();
    // Notifications received and not yet taken by next().
    std::size_t pending() const noexcept;
    const std::string& channel() const noexcept;

private:
    void stop() noexcept;
    std::shared_ptr<detail::ListenerQueue> queue_;
};

}  // namespace agentio::db::pg
