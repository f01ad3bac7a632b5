// json_rpc.hpp: every message kind decodes and re-encodes; every malformed
// input is rejected with the JSON-RPC code the peer must be answered with.
#include <agentio/agent/mcp/json_rpc.hpp>
#include <gtest/gtest.h>

using namespace agentio::agent::mcp;

namespace {

int rejection_code(std::string_view text) {
    try {
        decode_message(text);
    } catch (const RpcError& error) {
        return error.code();
    }
    return 0;
}

std::string rejection_message(std::string_view text) {
    try {
        decode_message(text);
    } catch (const RpcError& error) {
        return error.what();
    }
    return {};
}

}  // namespace

TEST(McpJsonRpcTest, ARequestKeepsItsIdMethodAndParams) {
    const Message m = decode_message(R"({"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"echo"}})");
    EXPECT_TRUE(m.is_request());
    EXPECT_EQ(m.id, 7);
    EXPECT_EQ(m.method, "tools/call");
    EXPECT_EQ(m.params["name"], "echo");
}

TEST(McpJsonRpcTest, AStringIdStaysAStringAndDiffersFromTheSameNumber) {
    const Message text_id = decode_message(R"({"jsonrpc":"2.0","id":"7","method":"ping"})");
    const Message number_id = decode_message(R"({"jsonrpc":"2.0","id":7,"method":"ping"})");
    EXPECT_TRUE(text_id.id.is_string());
    EXPECT_NE(id_key(text_id.id), id_key(number_id.id));
}

TEST(McpJsonRpcTest, NotificationsResultsAndErrorsAreToldApart) {
    EXPECT_TRUE(decode_message(R"({"jsonrpc":"2.0","method":"notifications/initialized"})").is_notification());
    const Message result = decode_message(R"({"jsonrpc":"2.0","id":1,"result":{}})");
    EXPECT_EQ(result.kind, Message::Kind::Result);
    const Message error =
        decode_message(R"({"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"no","data":{"x":1}}})");
    EXPECT_EQ(error.kind, Message::Kind::Error);
    EXPECT_EQ(error.error_code, -32601);
    EXPECT_EQ(error.error_message, "no");
    EXPECT_EQ(error.error_data["x"], 1);
}

TEST(McpJsonRpcTest, TextThatIsNotJsonIsAParseError) {
    EXPECT_EQ(rejection_code("{\"jsonrpc\":\"2.0\","), error_code::parse_error);
    EXPECT_EQ(rejection_code("hello"), error_code::parse_error);
    EXPECT_NE(rejection_message("hello").find("not JSON: hello"), std::string::npos);
}

TEST(McpJsonRpcTest, MalformedMessagesAreInvalidRequestsSayingWhy) {
    EXPECT_EQ(rejection_code(R"([{"jsonrpc":"2.0","method":"ping","id":1}])"), error_code::invalid_request);
    EXPECT_NE(rejection_message(R"([])").find("batch"), std::string::npos);
    EXPECT_EQ(rejection_code("42"), error_code::invalid_request);
    EXPECT_EQ(rejection_code(R"({"id":1,"method":"ping"})"), error_code::invalid_request);
    EXPECT_EQ(rejection_code(R"({"jsonrpc":"1.0","id":1,"method":"ping"})"), error_code::invalid_request);
    EXPECT_EQ(rejection_code(R"({"jsonrpc":"2.0","id":null,"method":"ping"})"), error_code::invalid_request);
    EXPECT_EQ(rejection_code(R"({"jsonrpc":"2.0","id":1.5,"method":"ping"})"), error_code::invalid_request);
    EXPECT_EQ(rejection_code(R"({"jsonrpc":"2.0","id":1,"method":3})"), error_code::invalid_request);
    EXPECT_EQ(rejection_code(R"({"jsonrpc":"2.0","id":1,"method":"x","params":"text"})"), error_code::invalid_request);
    EXPECT_EQ(rejection_code(R"({"jsonrpc":"2.0","id":1,"result":{},"error":{"code":1,"message":""}})"),
              error_code::invalid_request);
    EXPECT_EQ(rejection_code(R"({"jsonrpc":"2.0","id":1})"), error_code::invalid_request);
    EXPECT_EQ(rejection_code(R"({"jsonrpc":"2.0","id":1,"error":{"code":"x","message":""}})"),
              error_code::invalid_request);
}

TEST(McpJsonRpcTest, AnInvalidMessageWithAUsableIdCarriesItForTheReply) {
    try {
        decode_message(R"({"jsonrpc":"2.0","id":"abc","method":"x","params":5})");
        FAIL() << "accepted";
    } catch (const RpcError& error) {
        EXPECT_EQ(error.data()["id"], "abc");
    }
}

TEST(McpJsonRpcTest, EncodedMessagesDecodeToTheSameMessage) {
    const std::string request = encode_request(3, "tools/list", {{"cursor", "c"}});
    EXPECT_EQ(decode_message(request).params["cursor"], "c");
    const std::string error = encode_error("q", -32602, "bad", {{"field", "a"}});
    const Message back = decode_message(error);
    EXPECT_EQ(back.id, "q");
    EXPECT_EQ(back.error_code, -32602);
    EXPECT_EQ(back.error_data["field"], "a");
    EXPECT_EQ(encode(back), error);
    // The text is what the message's JSON value dumps to, key order included.
    EXPECT_EQ(error, to_json(back).dump());
    EXPECT_EQ(request, to_json(decode_message(request)).dump());
    const std::string result = encode_result(4, {{"content", Json::array()}, {"isError", false}});
    EXPECT_EQ(result, R"({"jsonrpc":"2.0","id":4,"result":{"content":[],"isError":false}})");
    EXPECT_EQ(encode(decode_message(result)), result);
    EXPECT_EQ(encode_notification("notifications/initialized", nullptr),
              R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
}

TEST(McpJsonRpcTest, InvalidUtf8InAResultIsReplacedNotThrown) {
    const std::string encoded = encode_result(1, {{"text", std::string("a\xff" "b")}});
    EXPECT_NE(encoded.find("a\xef\xbf\xbd" "b"), std::string::npos);
}
