// Seed "asyncio Fundamentals for AI Engineers": Practical pattern, agent initialization.
//
// Python:
//     async def load_vector_store() -> dict:
//         await asyncio.sleep(0.5)  # Simulate loading embeddings
//         return {"type": "vector_store", "docs": 15000}
//     async def connect_database() -> dict:
//         await asyncio.sleep(0.3)  # Simulate DB connection
//         return {"type": "db", "connected": True}
//     async def load_tool_registry() -> dict:
//         await asyncio.sleep(0.2)  # Simulate tool loading
//         return {"type": "tools", "count": 12}
//     async def initialize_agent():
//         """Initialize all agent subsystems concurrently."""
//         vector_store, db, tools = await asyncio.gather(
//             load_vector_store(),
//             connect_database(),
//             load_tool_registry(),
//         )
//         print(f"Agent ready: {vector_store['docs']} docs, "
//               f"{tools['count']} tools, db={db['connected']}")
//         return {"vector_store": vector_store, "db": db, "tools": tools}
//     asyncio.run(initialize_agent())
//     # Total startup: ~0.5s instead of ~1.0s sequential
#include <agentio/agentio.hpp>

#include <cstdio>

using namespace agentio;
using namespace std::chrono_literals;

struct VectorStore {
    int docs;
};
struct Database {
    bool connected;
};
struct ToolRegistry {
    int count;
};
struct Agent {
    VectorStore vector_store;
    Database db;
    ToolRegistry tools;
};

Task<VectorStore> load_vector_store() {
    co_await sleep(0.5s);  // Simulate loading embeddings
    co_return VectorStore{15000};
}

Task<Database> connect_database() {
    co_await sleep(0.3s);  // Simulate DB connection
    co_return Database{true};
}

Task<ToolRegistry> load_tool_registry() {
    co_await sleep(0.2s);  // Simulate tool loading
    co_return ToolRegistry{12};
}

// Initialize all agent subsystems concurrently.
Task<Agent> initialize_agent() {
    double start = monotonic();
    auto [vector_store, db, tools] = co_await gather(load_vector_store(), connect_database(), load_tool_registry());
    std::printf("Agent ready: %d docs, %d tools, db=%s\n", vector_store.docs, tools.count,
                db.connected ? "True" : "False");
    std::printf("Total startup: %.2fs\n", monotonic() - start);
    co_return Agent{vector_store, db, tools};
}

int main() { agentio::run(initialize_agent()); }
