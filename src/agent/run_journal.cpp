// run_journal.cpp: see run_journal.hpp.
#include "run_journal.hpp"

#include <algorithm>

#include "agentio/llm/wire.hpp"

namespace agentio::agent::detail {

llm::Json usage_to_json(const llm::Usage& usage) {
    return {{"prompt_tokens", usage.prompt_tokens},       {"completion_tokens", usage.completion_tokens},
            {"total_tokens", usage.total_tokens},         {"cached_tokens", usage.cached_tokens},
            {"reasoning_tokens", usage.reasoning_tokens}};
}

llm::Usage usage_from_json(const llm::Json& json) {
    llm::Usage usage;
    usage.prompt_tokens = json.value("prompt_tokens", std::int64_t{0});
    usage.completion_tokens = json.value("completion_tokens", std::int64_t{0});
    usage.total_tokens = json.value("total_tokens", std::int64_t{0});
    usage.cached_tokens = json.value("cached_tokens", std::int64_t{0});
    usage.reasoning_tokens = json.value("reasoning_tokens", std::int64_t{0});
    return usage;
}

llm::Json tool_entry(const std::string& key, const ToolResult& result) {
    return {{"key", key}, {"content", result.content}, {"is_error", result.is_error}};
}

llm::Json messages_to_json(const std::vector<llm::Message>& messages) {
    llm::Json array = llm::Json::array();
    for (const llm::Message& message : messages) array.push_back(llm::to_json_value(message));
    return array;
}

std::vector<llm::Message> recorded_input(const Journal& journal, const llm::Json& entry, const Agent& agent,
                                         const std::vector<llm::Message>& input) {
    const std::string file = journal.path().string();
    return read_entry(journal, entry, [&] {
        const std::string& recorded_agent = entry.at("agent").get_ref<const std::string&>();
        if (recorded_agent != agent.name)
            throw AgentError("journal " + file + " belongs to a run of agent '" + recorded_agent + "', not '" + agent.name +
                             "': give this run a new journal file");
        const llm::Json& messages = entry.at("messages");
        const llm::Json given = messages_to_json(input);
        const bool same_input = messages.size() >= given.size() &&
                                std::equal(given.begin(), given.end(), messages.end() - static_cast<std::ptrdiff_t>(given.size()));
        if (!same_input)
            throw AgentError("journal " + file + " belongs to a run with another input: give this run a new journal file");
        std::vector<llm::Message> conversation;
        for (const llm::Json& message : messages) conversation.push_back(llm::message_from_json(message));
        return conversation;
    });
}

Task<> save_to_session(Session& session, Journal* journal, bool resumed, std::size_t known,
                       std::vector<llm::Message> added) {
    if (journal != nullptr && journal->find("session") != nullptr) co_return;
    bool saved = false;
    if (resumed) {
        const std::vector<llm::Message> now = co_await session.messages();
        saved = now.size() == known + added.size() &&
                messages_to_json(std::vector<llm::Message>(now.begin() + static_cast<std::ptrdiff_t>(known), now.end())) ==
                    messages_to_json(added);
    }
    if (!saved) co_await session.add(std::move(added));
    if (journal == nullptr) co_return;
    llm::Json entry = {{"key", "session"}};
    co_await journal->record(std::move(entry));
}


}  // namespace agentio::agent::detail
