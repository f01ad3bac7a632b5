#include "agentio/http/form.hpp"

#include <gtest/gtest.h>

using namespace agentio::http;

TEST(FormTest, EscapingKeepsUnreservedBytesAndWritesSpacesAsPlus) {
    EXPECT_EQ(form_escape("azAZ09*-._"), "azAZ09*-._");
    EXPECT_EQ(form_escape("a b&c=d/é"), "a+b%26c%3Dd%2F%C3%A9");
    EXPECT_EQ(form_encode({{"grant_type", "authorization_code"}, {"scope", "mcp:read mcp:write"}}),
              "grant_type=authorization_code&scope=mcp%3Aread+mcp%3Awrite");
}

TEST(FormTest, DecodingUndoesEitherSpaceAndKeepsABrokenEscapeAsSent) {
    EXPECT_EQ(form_unescape("a+b%20c%2Fd"), "a b c/d");
    EXPECT_EQ(form_unescape("100%"), "100%");
    EXPECT_EQ(form_unescape("%zz%4"), "%zz%4");
    const FormFields fields = form_decode("a=1&&b=&c&d=x%3Dy");
    EXPECT_EQ(fields, (FormFields{{"a", "1"}, {"b", ""}, {"c", ""}, {"d", "x=y"}}));
}

TEST(FormTest, AQueryParameterIsFoundBeforeTheFragment) {
    const std::string url = "http://localhost:3000/callback?code=abc%2B1&state=xyz#state=forged";
    EXPECT_EQ(query_parameter(url, "code"), "abc+1");
    EXPECT_EQ(query_parameter(url, "state"), "xyz");
    EXPECT_EQ(query_parameter(url, "error"), std::nullopt);
    EXPECT_EQ(query_parameter("http://x/no-query", "code"), std::nullopt);
}

TEST(FormTest, Base64MatchesRfc4648TestVectors) {
    EXPECT_EQ(base64_encode(""), "");
    EXPECT_EQ(base64_encode("f"), "Zg==");
    EXPECT_EQ(base64_encode("fo"), "Zm8=");
    EXPECT_EQ(base64_encode("foo"), "Zm9v");
    EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
    EXPECT_EQ(base64_encode("\xfb\xff"), "+/8=");
    EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
    EXPECT_EQ(base64url_encode("fo"), "Zm8");
}
