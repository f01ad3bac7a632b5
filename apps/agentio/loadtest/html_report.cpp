#include "loadtest/html_report.hpp"

#include <string_view>

namespace agentio::cli::loadtest {
// report.html, embedded by CMake (apps/agentio/CMakeLists.txt).
extern const char kReportPage[];

std::string html_report(const nlohmann::json& result) {
    // No '<' at all inside the <script> element: "</script>" would end it
    // early and "<!--" would change how it is parsed. In JSON text a '<'
    // can only stand inside a string, where \u003c means the same.
    const std::string json = result.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::string data;
    data.reserve(json.size());
    for (const char c : json) {
        if (c == '<') data += "\\u003c";
        else data += c;
    }
    const std::string_view page = kReportPage;
    constexpr std::string_view kSlot = "/*RESULT*/null";
    const std::size_t slot = page.find(kSlot);
    std::string out;
    out.reserve(page.size() + data.size());
    out.append(page.substr(0, slot)).append(data).append(page.substr(slot + kSlot.size()));
    return out;
}

}  // namespace agentio::cli::loadtest
