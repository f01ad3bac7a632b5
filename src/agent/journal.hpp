// journal.hpp: a durable run's record of its completed steps (RunOptions::journal).
//
// One JSON object per line, each with a "key" naming the step it completed:
// "input" (the conversation the run started from), "turn<N>" (the model's
// reply to call N, with its usage and cost), "turn<N>/<i>" (the result of the
// i-th tool call of that reply), "session" (the run's messages were added to
// its session). A nested run (an agent called as a tool) keys its steps under
// the tool call that runs it: "turn2/0/turn1". Keys are stable across a
// restart because every model reply is replayed from the journal: the same
// replies lead to the same calls in the same order.
//
// record() returns once the line is on disk (detail::LineFile), so a step the
// run went past is never done again after a crash. Appends are serialized:
// the parallel tool calls of one turn record as each one finishes.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <unordered_map>

#include "agentio/core/lock.hpp"
#include "agentio/core/task.hpp"
#include "agentio/llm/message.hpp"
#include "line_file.hpp"

namespace agentio::agent::detail {

class Journal {
public:
    // Reads what an earlier process recorded (none for a new file), on a
    // worker thread. A line that is not a JSON object with a string "key" is
    // an error naming the file and line.
    static Task<std::shared_ptr<Journal>> open(std::filesystem::path path);

    explicit Journal(std::filesystem::path path);

    // The entry recorded under `key`, or null.
    const llm::Json* find(const std::string& key) const;
    // Appends `entry` (an object with a "key") and returns once it is on disk.
    Task<> record(llm::Json entry);

    const std::filesystem::path& path() const noexcept { return file_.path(); }

private:
    LineFile file_;
    std::unordered_map<std::string, llm::Json> entries_;
    Lock appending_;
};

}  // namespace agentio::agent::detail
