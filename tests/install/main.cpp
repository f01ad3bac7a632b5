// A user's first program against the installed package.
#include <agentio/agentio.hpp>

#include <cstdio>

using namespace agentio;
using namespace std::chrono_literals;

Task<int> answer() {
    co_await sleep(10ms);
    co_return 42;
}

int main() {
    auto [a, b] = run(gather(answer(), answer()));
    std::printf("installed agentio works: %d\n", a + b);
}
