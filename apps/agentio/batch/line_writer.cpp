#include "batch/line_writer.hpp"

namespace agentio::cli::batch {

LineWriter::LineWriter(OutputFile& output, bool ordered, std::size_t window)
    : output_(output), window_(ordered ? std::make_unique<Semaphore>(window) : nullptr) {}

Task<Semaphore::Permit> LineWriter::reserve() {
    if (!window_) co_return Semaphore::Permit();
    co_return co_await window_->acquire();
}

void LineWriter::append(const std::string& line) {
    if (error_) return;
    try {
        output_.append(line);
    } catch (...) {
        error_ = std::current_exception();
    }
}

void LineWriter::finished(std::size_t index, std::optional<std::string> line, Semaphore::Permit place) {
    if (!window_) {
        if (line) append(*line);
        return;
    }
    held_.emplace(index, Held{std::move(line), std::move(place)});
    for (auto it = held_.begin(); it != held_.end() && it->first == next_to_write_; it = held_.erase(it), ++next_to_write_)
        if (it->second.line) append(*it->second.line);
}

std::size_t LineWriter::write_held_out_of_turn() {
    std::size_t written = 0;
    for (auto& [index, held] : held_) {
        if (!held.line) continue;
        append(*held.line);
        if (!error_) ++written;
    }
    held_.clear();
    return written;
}

}  // namespace agentio::cli::batch
