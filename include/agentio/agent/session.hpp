// session.hpp: a conversation kept across runs.
//
// compile-context: extern llm::Client client; extern agent::Agent assistant;
//     agent::JsonlSession memory("chats/user-42.jsonl");
//     co_await agent::run(client, assistant, "My name is Ada.", {.session = &memory});
//     co_await agent::run(client, assistant, "What is my name?", {.session = &memory});
//
// With RunOptions::session set, a run starts from the session's messages plus
// its input, and when it ends with a final output it adds its input and the
// messages it produced. A run that fails adds nothing: the next run does not
// see half a turn (a tool call without its result would be refused by the API).
//
// Stores: MemorySession (a process's lifetime), JsonlSession (one message per
// line in a file, appended and fsync'd, read back after a restart), and
// RedisSession and PostgresSession (redis_session.hpp, postgres_session.hpp:
// shared by processes).
// A session serves one conversation; concurrent runs on one session see each
// other's messages only once those runs have ended.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <vector>

#include "agentio/core/task.hpp"
#include "agentio/llm/message.hpp"

namespace agentio::agent {

class Session {
public:
    virtual ~Session() = default;

    // The conversation, oldest first; with `limit`, only the last `limit` messages.
    virtual Task<std::vector<llm::Message>> messages(std::optional<std::size_t> limit = std::nullopt) = 0;
    virtual Task<> add(std::vector<llm::Message> messages) = 0;
    // Removes and returns the newest message (nullopt when empty): to undo a turn.
    virtual Task<std::optional<llm::Message>> pop() = 0;
    virtual Task<> clear() = 0;
};

class MemorySession final : public Session {
public:
    Task<std::vector<llm::Message>> messages(std::optional<std::size_t> limit = std::nullopt) override;
    Task<> add(std::vector<llm::Message> messages) override;
    Task<std::optional<llm::Message>> pop() override;
    Task<> clear() override;

private:
    std::vector<llm::Message> messages_;
};

// The file holds one JSON message per line (the API's message shape). Every
// add() appends and fsyncs before it returns; a torn last line (a crash in the
// middle of a write) is ignored on reading and cut off by the next write. A
// line that is not a message is an error naming the file and line. File I/O
// runs on a worker thread (to_thread): the loop never waits on the disk.
class JsonlSession final : public Session {
public:
    explicit JsonlSession(std::filesystem::path path);

    Task<std::vector<llm::Message>> messages(std::optional<std::size_t> limit = std::nullopt) override;
    Task<> add(std::vector<llm::Message> messages) override;
    Task<std::optional<llm::Message>> pop() override;
    Task<> clear() override;

    const std::filesystem::path& path() const noexcept { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace agentio::agent
