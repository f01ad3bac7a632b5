// journal.cpp: reading a run journal back and appending to it (journal.hpp).
#include "journal.hpp"

#include "agentio/core/errors.hpp"
#include "agentio/core/to_thread.hpp"

namespace agentio::agent::detail {

Journal::Journal(std::filesystem::path path) : file_(std::move(path), "journal") {}

Task<std::shared_ptr<Journal>> Journal::open(std::filesystem::path path) {
    auto journal = std::make_shared<Journal>(std::move(path));
    auto read = [file = journal->file_] { return file.read(); };
    const std::vector<std::string> lines = co_await to_thread(std::move(read));
    for (std::size_t i = 0; i < lines.size(); ++i) {
        llm::Json entry = llm::Json::parse(lines[i], nullptr, false);
        if (!entry.is_object() || !entry.contains("key") || !entry["key"].is_string())
            throw Error("journal " + journal->path().string() + ", line " + std::to_string(i + 1) +
                        ": not a journal entry (a JSON object with a \"key\")");
        std::string key = entry["key"].get<std::string>();
        journal->entries_.emplace(std::move(key), std::move(entry));  // the first of a key wins
    }
    co_return journal;
}

const llm::Json* Journal::find(const std::string& key) const {
    const auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : &it->second;
}

Task<> Journal::record(llm::Json entry) {
    Lock::Guard guard = co_await appending_.acquire();
    auto append = [file = file_, line = entry.dump() + "\n"] { file.append(line); };
    co_await to_thread(std::move(append));
    std::string key = entry["key"].get<std::string>();
    entries_.emplace(std::move(key), std::move(entry));
}

}  // namespace agentio::agent::detail
