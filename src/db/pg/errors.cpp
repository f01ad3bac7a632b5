// errors.cpp: a server error as one line a log can carry.
#include "agentio/db/pg/errors.hpp"

namespace agentio::db::pg {

namespace {

std::string describe(const PgError::Fields& f) {
    constexpr std::size_t kQueryShown = 200;
    std::string text = "postgres: " + f.message + " (SQLSTATE " + f.sqlstate + ")";
    if (!f.detail.empty()) text += "; detail: " + f.detail;
    if (!f.hint.empty()) text += "; hint: " + f.hint;
    if (!f.query.empty())
        text += "; query: " + (f.query.size() > kQueryShown ? f.query.substr(0, kQueryShown) + "..." : f.query);
    return text;
}

}  // namespace

PgError::PgError(Fields fields) : Error(describe(fields)), fields_(std::move(fields)) {}

}  // namespace agentio::db::pg
