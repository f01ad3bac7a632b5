#include "agentio/http/auth_challenge.hpp"

#include <gtest/gtest.h>

using namespace agentio::http;

TEST(AuthChallengeTest, ABearerChallengeKeepsItsParametersWithQuotesUndone) {
    const auto challenges = parse_auth_challenges(
        R"(Bearer error="insufficient_scope", scope="files:read files:write", resource_metadata="https://x/.well-known/oauth-protected-resource/mcp", error_description="say \"please\"")");
    ASSERT_EQ(challenges.size(), 1u);
    EXPECT_EQ(challenges[0].scheme, "Bearer");
    EXPECT_EQ(challenges[0].param("error"), "insufficient_scope");
    EXPECT_EQ(challenges[0].param("SCOPE"), "files:read files:write");
    EXPECT_EQ(challenges[0].param("resource_metadata"), "https://x/.well-known/oauth-protected-resource/mcp");
    EXPECT_EQ(challenges[0].param("error_description"), "say \"please\"");
}

TEST(AuthChallengeTest, SeveralChallengesShareOneHeader) {
    const auto challenges = parse_auth_challenges(R"(Basic realm="files", Bearer realm=api, error=invalid_token, Negotiate abc==)");
    ASSERT_EQ(challenges.size(), 3u);
    EXPECT_EQ(challenges[0].scheme, "Basic");
    EXPECT_EQ(challenges[0].param("realm"), "files");
    EXPECT_EQ(challenges[1].scheme, "Bearer");
    EXPECT_EQ(challenges[1].param("realm"), "api");
    EXPECT_EQ(challenges[1].param("error"), "invalid_token");
    EXPECT_EQ(challenges[2].scheme, "Negotiate");
    EXPECT_EQ(challenges[2].token68, "abc==");
}

TEST(AuthChallengeTest, ABareSchemeHasNoParameters) {
    const auto challenges = parse_auth_challenges("Bearer");
    ASSERT_EQ(challenges.size(), 1u);
    EXPECT_TRUE(challenges[0].params.empty());
    EXPECT_TRUE(parse_auth_challenges("").empty());
}

TEST(AuthChallengeTest, MalformedTextLosesItsTailAndNeverThrows) {
    const auto unterminated = parse_auth_challenges(R"(Bearer scope="read, error=x)");
    ASSERT_EQ(unterminated.size(), 1u);
    EXPECT_EQ(unterminated[0].param("scope"), std::nullopt);
    const auto garbage = parse_auth_challenges(R"(Bearer scope="read" junk here)");
    ASSERT_EQ(garbage.size(), 1u);
    EXPECT_EQ(garbage[0].param("scope"), "read");
    EXPECT_TRUE(parse_auth_challenges("=== ,,, \"").empty());
}
