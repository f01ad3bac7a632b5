#include "agentio/db/pg/listener.hpp"

#include <algorithm>

#include "connection_state.hpp"
#include "notification_queue.hpp"

namespace agentio::db::pg {

Listener::Listener(std::shared_ptr<detail::ListenerQueue> queue) noexcept : queue_(std::move(queue)) {}
Listener::Listener(Listener&&) noexcept = default;
Listener& Listener::operator=(Listener&& other) noexcept {
    if (this != &other) {
        stop();
        queue_ = std::move(other.queue_);
    }
    return *this;
}
Listener::~Listener() { stop(); }

Task<Notification> Listener::next() {
    const std::shared_ptr<detail::ListenerQueue> queue = queue_;  // this Listener may move while we wait
    for (;;) {
        if (!queue->received.empty()) {
            Notification notification = std::move(queue->received.front());
            queue->received.pop_front();
            co_return notification;
        }
        if (queue->end) std::rethrow_exception(queue->end);
        queue->ready.clear();
        co_await queue->ready.wait();
    }
}

std::size_t Listener::pending() const noexcept { return queue_ ? queue_->received.size() : 0; }
const std::string& Listener::channel() const noexcept { return queue_->channel; }

void Listener::stop() noexcept {
    if (!queue_) return;
    const std::shared_ptr<detail::ListenerQueue> queue = std::move(queue_);
    const std::shared_ptr<detail::ConnectionState> state = queue->connection.lock();
    if (!state || !state->open) return;
    std::erase_if(state->listeners, [&](const std::weak_ptr<detail::ListenerQueue>& other) {
        const auto alive = other.lock();
        return !alive || alive == queue;
    });
    const bool still_wanted = std::any_of(state->listeners.begin(), state->listeners.end(), [&](const auto& other) {
        const auto alive = other.lock();
        return alive && alive->channel == queue->channel;
    });
    if (!still_wanted) state->send_unawaited("UNLISTEN " + quote_identifier(queue->channel));
}

}  // namespace agentio::db::pg
