// run_journal.hpp: what a durable run writes in its journal and reads back
// (the entries' shapes, the run's input, the session's once-only save).
// The file mechanics are journal.hpp's; the loop that uses these, run.cpp's.
#pragma once

#include <string>
#include <vector>

#include "agentio/agent/agent.hpp"
#include "agentio/agent/errors.hpp"
#include "agentio/agent/session.hpp"
#include "agentio/agent/tool.hpp"
#include "agentio/llm/chat.hpp"
#include "journal.hpp"

namespace agentio::agent::detail {

llm::Json usage_to_json(const llm::Usage& usage);
llm::Usage usage_from_json(const llm::Json& json);
llm::Json tool_entry(const std::string& key, const ToolResult& result);
llm::Json messages_to_json(const std::vector<llm::Message>& messages);

// A recorded step that cannot be read back is the journal's fault, named as such.
template <class Read>
auto read_entry(const Journal& journal, const llm::Json& entry, Read read) -> decltype(read()) {
    try {
        return read();
    } catch (const std::exception& e) {
        throw AgentError("journal " + journal.path().string() + ": the entry \"" + entry.value("key", "") +
                         "\" cannot be read back: " + e.what());
    }
}

// The conversation a resumed durable run starts from: the one its first
// process recorded (the session may have grown since), after checking that
// it is the same run: the same agent, the same new input.
std::vector<llm::Message> recorded_input(const Journal& journal, const llm::Json& entry, const Agent& agent,
                                         const std::vector<llm::Message>& input);

// Adds a run's new messages to its session once. A durable run records that
// it did; a resumed one that finds the session `known + added` long, ending
// with `added`, was killed between the add and that record.
Task<> save_to_session(Session& session, Journal* journal, bool resumed, std::size_t known, std::vector<llm::Message> added);

}  // namespace agentio::agent::detail
