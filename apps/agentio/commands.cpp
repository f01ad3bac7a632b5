// commands.cpp: the registry behind cli::Registration (see commands.hpp).
#include "commands.hpp"

#include <algorithm>

namespace agentio::cli {

namespace {

// A function-local static: constructed on first use, whichever file's
// Registration runs first.
std::vector<Registered>& registry() {
    static std::vector<Registered> entries;
    return entries;
}

}  // namespace

Registration::Registration(int order, AddSubcommand add) {
    registry().push_back({order, add});
}

std::vector<Registered> registered_subcommands() {
    std::vector<Registered> entries = registry();
    std::stable_sort(entries.begin(), entries.end(),
                     [](const Registered& a, const Registered& b) { return a.order < b.order; });
    return entries;
}

}  // namespace agentio::cli
