// line_writer.hpp: where each finished call's line goes: straight to the
// output, or (--ordered) in input order.
//
// Under --ordered a call is admitted only with a place in a window of lines,
// given back when its line is written: lines that finished ahead of a slow
// one wait in memory in bounded number, and a kill loses few finished calls.
// Every finished call reports here, with a line or without one (a cancelled
// call, or one whose line could not be made), so the order moves past it and
// the window never stalls.
//
// A failed write (a full disk, a file size limit) is kept and every later
// line is dropped: the output stays whole lines, and a re-run redoes the rest.
#pragma once

#include <cstddef>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "agentio/core/semaphore.hpp"
#include "agentio/core/task.hpp"
#include "batch/output.hpp"

namespace agentio::cli::batch {

class LineWriter {
public:
    // `window`: the most lines admitted but not yet written, under --ordered.
    LineWriter(OutputFile& output, bool ordered, std::size_t window);

    // Waits for a place in the window (at once without --ordered).
    Task<Semaphore::Permit> reserve();

    // The call of input item `index` finished; `line` is none when there is
    // nothing to write (a re-run redoes that item).
    void finished(std::size_t index, std::optional<std::string> line, Semaphore::Permit place);

    // --ordered, after calls were cancelled: the lines that finished behind
    // one that never will are written anyway, out of turn (a paid-for reply
    // is worth more than the order, and a re-run redoes only the missing
    // lines). Returns how many.
    std::size_t write_held_out_of_turn();

    // The failed write, if one failed.
    const std::exception_ptr& error() const noexcept { return error_; }

private:
    void append(const std::string& line);

    OutputFile& output_;
    std::unique_ptr<Semaphore> window_;  // null: not --ordered
    struct Held {
        std::optional<std::string> line;
        Semaphore::Permit place;
    };
    std::map<std::size_t, Held> held_;  // by item index
    std::size_t next_to_write_ = 0;
    std::exception_ptr error_;
};

}  // namespace agentio::cli::batch
