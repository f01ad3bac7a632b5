// session.cpp: the in-memory and JSONL conversation stores.
//
// The JSONL store keeps its promises (an add() that returned is on disk, a
// crash leaves at worst a torn last line) through detail::LineFile.
#include "agentio/agent/session.hpp"

#include <string>

#include "agentio/core/errors.hpp"
#include "agentio/core/to_thread.hpp"
#include "agentio/llm/wire.hpp"
#include "line_file.hpp"

namespace agentio::agent {

// ---- MemorySession ----

Task<std::vector<llm::Message>> MemorySession::messages(std::optional<std::size_t> limit) {
    if (!limit || *limit >= messages_.size()) co_return messages_;
    co_return std::vector<llm::Message>(messages_.end() - static_cast<std::ptrdiff_t>(*limit), messages_.end());
}

Task<> MemorySession::add(std::vector<llm::Message> messages) {
    messages_.insert(messages_.end(), std::make_move_iterator(messages.begin()), std::make_move_iterator(messages.end()));
    co_return;
}

Task<std::optional<llm::Message>> MemorySession::pop() {
    if (messages_.empty()) co_return std::nullopt;
    llm::Message last = std::move(messages_.back());
    messages_.pop_back();
    co_return last;
}

Task<> MemorySession::clear() {
    messages_.clear();
    co_return;
}

// ---- JsonlSession ----

namespace {

detail::LineFile file_of(const std::filesystem::path& path) { return detail::LineFile(path, "session"); }

std::vector<llm::Message> parse_lines(const std::filesystem::path& path, const std::vector<std::string>& lines, std::size_t first) {
    std::vector<llm::Message> messages;
    for (std::size_t i = first; i < lines.size(); ++i) {
        const llm::Json value = llm::Json::parse(lines[i], nullptr, false);
        try {
            if (value.is_discarded()) throw Error("not JSON");
            messages.push_back(llm::message_from_json(value));
        } catch (const std::exception& e) {
            throw Error("session " + path.string() + ", line " + std::to_string(i + 1) + ": not a message: " + e.what());
        }
    }
    return messages;
}

std::string lines_of(const std::vector<llm::Message>& messages) {
    std::string text;
    for (const llm::Message& message : messages) text += llm::to_json(message) + "\n";
    return text;
}

}  // namespace

JsonlSession::JsonlSession(std::filesystem::path path) : path_(std::move(path)) {}

Task<std::vector<llm::Message>> JsonlSession::messages(std::optional<std::size_t> limit) {
    // Each job is named before it is awaited: g++ 12 destroys a closure
    // temporary in a co_await expression twice.
    auto read = [path = path_, limit] {
        const std::vector<std::string> lines = file_of(path).read();
        const std::size_t first = limit && *limit < lines.size() ? lines.size() - *limit : 0;
        return parse_lines(path, lines, first);
    };
    co_return co_await to_thread(std::move(read));
}

Task<> JsonlSession::add(std::vector<llm::Message> messages) {
    if (messages.empty()) co_return;
    auto append = [path = path_, text = lines_of(messages)] { file_of(path).append(text); };
    co_await to_thread(std::move(append));
}

Task<std::optional<llm::Message>> JsonlSession::pop() {
    auto take_last = [path = path_]() -> std::optional<llm::Message> {
        const detail::LineFile file = file_of(path);
        std::vector<llm::Message> all = parse_lines(path, file.read(), 0);
        if (all.empty()) return std::nullopt;
        llm::Message last = std::move(all.back());
        all.pop_back();
        file.replace(lines_of(all));
        return last;
    };
    co_return co_await to_thread(std::move(take_last));
}

Task<> JsonlSession::clear() {
    auto empty = [path = path_] { file_of(path).replace(""); };
    co_await to_thread(std::move(empty));
}

}  // namespace agentio::agent
