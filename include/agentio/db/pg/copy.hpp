// copy.hpp: COPY's data streams, for pg::Connection's copy_in, copy_out and
// copy_records.
//
// compile-context: extern Connection db; extern std::string csv_text; extern std::ostringstream out;
// compile-context: extern std::vector<std::string> columns; extern std::vector<std::vector<Param>> rows;
//     std::int64_t loaded = co_await db.copy_in("copy items (id, name) from stdin (format csv)", csv_text);
//     co_await db.copy_out("copy (select * from items) to stdout (format csv)",
//                          [&](std::string_view row) -> Task<> { out << row; co_return; });
//     co_await db.copy_records("items", columns, rows);   // asyncpg's copy_records_to_table
//
// Promises:
// - Data streams: copy_in pulls one chunk at a time from its source and
//   sends it before pulling the next (libpq's buffer never holds more than a
//   chunk or so); copy_out hands each row to the sink as it arrives and reads
//   on only when the sink's task returns. Memory stays bounded however large
//   the table.
// - COPY runs outside pipeline mode, so it holds the connection: what was
//   sent before it finishes first, other tasks' queries wait until it ends.
//   Inside a transaction scope it is part of the transaction.
// - A source that throws ends the COPY with a failure the server rolls
//   back (nothing of it is stored) and the exception goes on; the connection
//   stays usable. The server's refusal (a bad row, a missing table) is a
//   PgError naming the line. A COPY abandoned midway (cancelled, a sink that
//   throws) closes the connection rather than leave it in an unknown state.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "agentio/core/task.hpp"

namespace agentio::db::pg {

// The next chunk of COPY data, or nullopt at the end.
using CopySource = std::function<Task<std::optional<std::string>>()>;
// One row of COPY output (its bytes, the line end included).
using CopySink = std::function<Task<>(std::string_view row)>;

}  // namespace agentio::db::pg
