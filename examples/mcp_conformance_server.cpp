// mcp_conformance_server.cpp: the MCP conformance suite's server fixture,
// written with agentio's public MCP server API: every tool, resource and
// prompt the suite's server scenarios call, each one a short example of a
// feature (rich content, logging, progress, sampling, elicitation, resource
// templates, completions, SSE polling).
//
//     mcp_conformance_server --port 0     Streamable HTTP on http://127.0.0.1:P/mcp
//     mcp_conformance_server --stdio      one client on stdin/stdout
//
// In HTTP mode the first line on stdout is the endpoint's URL; it serves
// until the process is stopped. Then, from tests/mcp-conformance:
//     conformance server --url http://127.0.0.1:P/mcp --suite active
#include <agentio/agent/mcp/content.hpp>
#include <agentio/agent/mcp/server.hpp>
#include <agentio/agent/mcp/streamable_http_server.hpp>
#include <agentio/agentio.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

using namespace agentio;
using namespace std::chrono_literals;
namespace mcp = agentio::agent::mcp;
using agent::Json;

namespace {

// A 1x1 red PNG and 8 samples of 8 kHz silence as WAV.
constexpr const char* kRedPixelPng =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";
constexpr const char* kSilenceWav = "UklGRiwAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQgAAACAgICAgICAgA==";

Json no_arguments() { return {{"type", "object"}, {"properties", Json::object()}}; }

Json string_arguments(std::initializer_list<std::pair<const char*, const char*>> names) {
    Json properties = Json::object();
    Json required = Json::array();
    for (const auto& [name, description] : names) {
        properties[name] = {{"type", "string"}, {"description", description}};
        required.push_back(name);
    }
    return {{"type", "object"}, {"properties", std::move(properties)}, {"required", std::move(required)}};
}

mcp::ToolInfo tool(std::string name, std::string description, Json input_schema = no_arguments()) {
    mcp::ToolInfo info;
    info.name = std::move(name);
    info.description = std::move(description);
    info.input_schema = std::move(input_schema);
    return info;
}

mcp::CallToolResult text_result(std::string text) {
    mcp::CallToolResult result;
    result.content.push_back(mcp::content::text(std::move(text)));
    return result;
}

Task<mcp::CallToolResult> simple_text(Json, mcp::ServerContext&) {
    co_return text_result("This is a simple text response for testing.");
}

Task<mcp::CallToolResult> image_content(Json, mcp::ServerContext&) {
    mcp::CallToolResult result;
    result.content.push_back(mcp::content::image(kRedPixelPng, "image/png"));
    co_return result;
}

Task<mcp::CallToolResult> audio_content(Json, mcp::ServerContext&) {
    mcp::CallToolResult result;
    result.content.push_back(mcp::content::audio(kSilenceWav, "audio/wav"));
    co_return result;
}

Task<mcp::CallToolResult> embedded_resource(Json, mcp::ServerContext&) {
    mcp::CallToolResult result;
    result.content.push_back(mcp::content::resource(
        mcp::ResourceContents::of_text("test://embedded-resource", "This is an embedded resource content.")));
    co_return result;
}

Task<mcp::CallToolResult> multiple_content_types(Json, mcp::ServerContext&) {
    mcp::CallToolResult result = text_result("Multiple content types test:");
    result.content.push_back(mcp::content::image(kRedPixelPng, "image/png"));
    result.content.push_back(mcp::content::resource(mcp::ResourceContents::of_text(
        "test://mixed-content-resource", R"({"test":"data","value":123})", "application/json")));
    co_return result;
}

Task<mcp::CallToolResult> tool_with_logging(Json, mcp::ServerContext& context) {
    co_await context.log(mcp::LogLevel::info, "Tool execution started");
    co_await sleep(50ms);
    co_await context.log(mcp::LogLevel::info, "Tool processing data");
    co_await sleep(50ms);
    co_await context.log(mcp::LogLevel::info, "Tool execution completed");
    co_return text_result("Tool with logging executed successfully");
}

Task<mcp::CallToolResult> tool_with_progress(Json, mcp::ServerContext& context) {
    static constexpr double kSteps[] = {0, 50, 100};
    for (double done : kSteps) {
        if (done > 0) co_await sleep(50ms);
        co_await context.report_progress(done, 100.0, "step " + std::to_string(static_cast<int>(done)));
    }
    co_return text_result("Tool with progress executed successfully");
}

Task<mcp::CallToolResult> error_handling(Json, mcp::ServerContext&) {
    // Any exception but RpcError comes back as a result with isError set.
    throw std::runtime_error("This tool intentionally returns an error for testing");
    co_return mcp::CallToolResult{};
}

Task<mcp::CallToolResult> sampling(Json arguments, mcp::ServerContext& context) {
    Json message = {{"role", "user"}, {"content", mcp::content::text(arguments.value("prompt", ""))}};
    Json params = {{"messages", Json::array({std::move(message)})}, {"maxTokens", 100}};
    Json reply = co_await context.create_message(std::move(params));
    co_return text_result("LLM response: " + reply["content"].value("text", reply["content"].dump()));
}

Task<mcp::CallToolResult> elicitation(Json arguments, mcp::ServerContext& context) {
    Json schema = string_arguments({{"username", "User's response"}, {"email", "User's email address"}});
    mcp::ElicitResult answer = co_await context.elicit(arguments.value("message", ""), std::move(schema));
    co_return text_result("User response: action=" + answer.action + ", content=" + answer.content.dump());
}

// SEP-1034: every primitive type with a default the client may fill in.
Task<mcp::CallToolResult> elicitation_defaults(Json, mcp::ServerContext& context) {
    Json properties = {
        {"name", {{"type", "string"}, {"description", "User name"}, {"default", "John Doe"}}},
        {"age", {{"type", "integer"}, {"description", "User age"}, {"default", 30}}},
        {"score", {{"type", "number"}, {"description", "User score"}, {"default", 95.5}}},
        {"status",
         {{"type", "string"}, {"description", "User status"}, {"enum", {"active", "inactive", "pending"}}, {"default", "active"}}},
        {"verified", {{"type", "boolean"}, {"description", "Verification status"}, {"default", true}}},
    };
    Json schema = {{"type", "object"}, {"properties", std::move(properties)}};
    mcp::ElicitResult answer = co_await context.elicit("Please review and update the form fields with defaults", std::move(schema));
    co_return text_result("Elicitation completed: action=" + answer.action + ", content=" + answer.content.dump());
}

// SEP-1330: the five ways to offer choices.
Task<mcp::CallToolResult> elicitation_enums(Json, mcp::ServerContext& context) {
    const auto titled = [](const char* value, const char* title) { return Json{{"const", value}, {"title", title}}; };
    Json properties = {
        {"untitledSingle", {{"type", "string"}, {"enum", {"option1", "option2", "option3"}}}},
        {"titledSingle",
         {{"type", "string"},
          {"oneOf", {titled("value1", "First Option"), titled("value2", "Second Option"), titled("value3", "Third Option")}}}},
        {"legacyEnum",
         {{"type", "string"}, {"enum", {"opt1", "opt2", "opt3"}}, {"enumNames", {"Option One", "Option Two", "Option Three"}}}},
        {"untitledMulti", {{"type", "array"}, {"items", {{"type", "string"}, {"enum", {"option1", "option2", "option3"}}}}}},
        {"titledMulti",
         {{"type", "array"},
          {"items",
           {{"anyOf", {titled("value1", "First Choice"), titled("value2", "Second Choice"), titled("value3", "Third Choice")}}}}}},
    };
    Json schema = {{"type", "object"}, {"properties", std::move(properties)}};
    mcp::ElicitResult answer = co_await context.elicit("Please pick from each kind of choice", std::move(schema));
    co_return text_result("Elicitation completed: action=" + answer.action + ", content=" + answer.content.dump());
}

// SEP-1613: a schema's 2020-12 keywords reach the client as written.
Json json_schema_2020_12() {
    Json address = {{"type", "object"},
                    {"properties", {{"street", {{"type", "string"}}}, {"city", {{"type", "string"}}}}}};
    Json schema = {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
                   {"type", "object"},
                   {"$defs", {{"address", std::move(address)}}},
                   {"properties", {{"name", {{"type", "string"}}}, {"address", {{"$ref", "#/$defs/address"}}}}}};
    schema["additionalProperties"] = false;
    return schema;
}

Task<mcp::CallToolResult> echo_schema_arguments(Json arguments, mcp::ServerContext&) {
    co_return text_result("Received: " + arguments.dump());
}

// SEP-1699: ends the response stream mid-call; the client resumes it with
// Last-Event-ID and gets the answer there.
Task<mcp::CallToolResult> reconnection(Json, mcp::ServerContext& context) {
    co_await sleep(100ms);
    context.close_stream();
    co_await sleep(100ms);
    co_return text_result("Reconnection test completed successfully");
}

void add_tools(mcp::Server& server) {
    server.add_tool(tool("test_simple_text", "Returns simple text content"), simple_text);
    server.add_tool(tool("test_image_content", "Returns a PNG image"), image_content);
    server.add_tool(tool("test_audio_content", "Returns WAV audio"), audio_content);
    server.add_tool(tool("test_embedded_resource", "Returns an embedded text resource"), embedded_resource);
    server.add_tool(tool("test_multiple_content_types", "Returns text, an image and a resource"), multiple_content_types);
    server.add_tool(tool("test_tool_with_logging", "Sends three log messages while it runs"), tool_with_logging);
    server.add_tool(tool("test_tool_with_progress", "Reports progress 0, 50 and 100 of 100"), tool_with_progress);
    server.add_tool(tool("test_error_handling", "Always fails"), error_handling);
    server.add_tool(tool("test_sampling", "Asks the client's model to answer the prompt",
                         string_arguments({{"prompt", "The prompt to send to the LLM"}})),
                    sampling);
    server.add_tool(tool("test_elicitation", "Asks the user for their name and email",
                         string_arguments({{"message", "The message to show the user"}})),
                    elicitation);
    server.add_tool(tool("test_elicitation_sep1034_defaults", "Asks the user to confirm defaulted fields"),
                    elicitation_defaults);
    server.add_tool(tool("test_elicitation_sep1330_enums", "Asks the user to pick from five kinds of choice"),
                    elicitation_enums);
    server.add_tool(tool("json_schema_2020_12_tool", "Tool with JSON Schema 2020-12 features", json_schema_2020_12()),
                    echo_schema_arguments);
    server.add_tool(tool("test_reconnection", "Closes its response stream mid-call; the answer follows on resumption"),
                    reconnection);
}

void add_resources(mcp::Server& server) {
    server.add_resource({.uri = "test://static-text", .name = "static-text", .description = "A static text resource",
                         .mime_type = "text/plain"},
                        [](std::string uri, mcp::ServerContext&) -> Task<std::vector<mcp::ResourceContents>> {
                            co_return std::vector{mcp::ResourceContents::of_text(
                                std::move(uri), "This is the content of the static text resource.")};
                        });
    server.add_resource({.uri = "test://static-binary", .name = "static-binary", .description = "A PNG image",
                         .mime_type = "image/png"},
                        [](std::string uri, mcp::ServerContext&) -> Task<std::vector<mcp::ResourceContents>> {
                            co_return std::vector{mcp::ResourceContents::of_blob(std::move(uri), kRedPixelPng, "image/png")};
                        });
    server.add_resource({.uri = "test://watched-resource", .name = "watched-resource",
                         .description = "A resource clients may subscribe to", .mime_type = "text/plain"},
                        [](std::string uri, mcp::ServerContext&) -> Task<std::vector<mcp::ResourceContents>> {
                            co_return std::vector{mcp::ResourceContents::of_text(std::move(uri), "Watched resource content")};
                        });
    server.add_resource_template(
        {.uri_template = "test://template/{id}/data", .name = "template-data",
         .description = "Data for one id", .mime_type = "application/json"},
        [](std::string uri, mcp::UriVariables variables, mcp::ServerContext&) -> Task<std::vector<mcp::ResourceContents>> {
            const std::string& id = variables["id"];
            Json data = {{"id", id}, {"templateTest", true}, {"data", "Data for ID: " + id}};
            co_return std::vector{mcp::ResourceContents::of_text(std::move(uri), data.dump(), "application/json")};
        });
}

Task<std::vector<std::string>> complete_city(std::string partial, std::map<std::string, std::string>) {
    std::vector<std::string> matches;
    for (const char* city : {"paris", "park", "party", "prague", "porto"})
        if (std::string_view(city).starts_with(partial)) matches.emplace_back(city);
    co_return matches;
}

mcp::PromptResult user_says(std::vector<Json> contents) {
    mcp::PromptResult result;
    for (Json& content : contents) result.messages.push_back({"user", std::move(content)});
    return result;
}

void add_prompts(mcp::Server& server) {
    using Arguments = std::map<std::string, std::string>;
    server.add_prompt({.name = "test_simple_prompt", .description = "A prompt without arguments"},
                      [](Arguments, mcp::ServerContext&) -> Task<mcp::PromptResult> {
                          co_return user_says({mcp::content::text("This is a simple prompt for testing.")});
                      });
    server.add_prompt(
        {.name = "test_prompt_with_arguments",
         .description = "A prompt with two arguments",
         .arguments = {{"arg1", "First test argument", true}, {"arg2", "Second test argument", true}}},
        [](Arguments arguments, mcp::ServerContext&) -> Task<mcp::PromptResult> {
            co_return user_says({mcp::content::text("Prompt with arguments: arg1='" + arguments["arg1"] + "', arg2='" +
                                                    arguments["arg2"] + "'")});
        },
        {{"arg1", complete_city}});
    server.add_prompt({.name = "test_prompt_with_embedded_resource",
                       .description = "A prompt that embeds a resource",
                       .arguments = {{"resourceUri", "URI of the resource to embed", true}}},
                      [](Arguments arguments, mcp::ServerContext&) -> Task<mcp::PromptResult> {
                          co_return user_says({mcp::content::resource(mcp::ResourceContents::of_text(
                                                   arguments["resourceUri"], "Embedded resource content for testing.")),
                                               mcp::content::text("Please process the embedded resource above.")});
                      });
    server.add_prompt({.name = "test_prompt_with_image", .description = "A prompt with an image"},
                      [](Arguments, mcp::ServerContext&) -> Task<mcp::PromptResult> {
                          co_return user_says({mcp::content::image(kRedPixelPng, "image/png"),
                                               mcp::content::text("Please analyze the image above.")});
                      });
}

Task<> serve_http(const mcp::Server& server, std::uint16_t port) {
    // Every answer a stream: the suite checks streams where it gets them
    // (server-sse-multiple-streams logs quick JSON answers as INFO, not as a
    // check). JSON answers are checked by our own tests and the SDK's client.
    mcp::StreamableHttpOptions options;
    options.json_answer_window = std::chrono::milliseconds::zero();
    mcp::StreamableHttpServer endpoint(server, options);
    http::Server http;
    endpoint.mount(http);
    http.start("127.0.0.1", port);
    std::cout << "http://127.0.0.1:" << http.port() << "/mcp" << std::endl;
    Event stopped;  // never set: the process is stopped from outside
    co_await stopped.wait();
}

}  // namespace

int main(int argc, char** argv) {
    mcp::Server server({.name = "agentio-conformance", .version = "1.0.0"});
    add_tools(server);
    add_resources(server);
    add_prompts(server);
    const std::string mode = argc >= 2 ? argv[1] : "";
    if (argc == 3 && mode == "--port") {
        agentio::run(serve_http(server, static_cast<std::uint16_t>(std::atoi(argv[2]))));
        return 0;
    }
    if (argc == 2 && mode == "--stdio") {
        agentio::run(server.serve_stdio());
        return 0;
    }
    std::cerr << "usage: mcp_conformance_server --port PORT | --stdio\n";
    return 2;
}
