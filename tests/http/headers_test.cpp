// Tests of Headers (include/agentio/http/headers.hpp): order, spelling,
// case-insensitive lookups, edits and comma-separated tokens.
#include <gtest/gtest.h>

#include "agentio/http/headers.hpp"

namespace agentio::http {
namespace {

TEST(Headers, KeepOrderAndSpellingAndLookUpWithoutCase) {
    Headers headers;
    headers.add("X-B", "2");
    headers.add("x-a", "1");
    headers.add("X-b", "3");
    ASSERT_EQ(headers.size(), 3u);
    EXPECT_EQ(headers[0].first, "X-B");
    EXPECT_EQ(headers[1].first, "x-a");
    EXPECT_EQ(headers.get("x-B"), "2");  // the first of repeated fields
    EXPECT_TRUE(headers.contains("X-A"));
    EXPECT_FALSE(headers.contains("X-C"));
    EXPECT_EQ(headers.get("X-C"), std::nullopt);
}

TEST(Headers, SetReplacesEveryFieldAtTheFirstOnesPlace) {
    Headers headers{{"A", "1"}, {"X", "old"}, {"B", "2"}, {"x", "older"}};
    headers.set("X", "new");
    ASSERT_EQ(headers.size(), 3u);
    EXPECT_EQ(headers[1], (Headers::Field{"X", "new"}));
    EXPECT_EQ(headers[2].first, "B");
    headers.set("C", "3");
    EXPECT_EQ(headers[3], (Headers::Field{"C", "3"}));
}

TEST(Headers, RemoveDropsEveryMatchAndCountsThem) {
    Headers headers{{"A", "1"}, {"set-cookie", "a"}, {"Set-Cookie", "b"}};
    EXPECT_EQ(headers.remove("SET-COOKIE"), 2u);
    EXPECT_EQ(headers.remove("Set-Cookie"), 0u);
    EXPECT_EQ(headers.size(), 1u);
}

TEST(Headers, EditsByANameThatPointsIntoTheHeadersThemselves) {
    Headers headers{{"A", "1"}, {"Long-Header-Name-X", "2"}, {"long-header-name-x", "3"}, {"B", "4"}};
    headers.set(headers[2].first, "5");  // the view's field is erased by the edit
    EXPECT_EQ(headers[1], (Headers::Field{"long-header-name-x", "5"}));
    EXPECT_EQ(headers.size(), 3u);
    EXPECT_EQ(headers.remove(headers[1].first), 1u);
    EXPECT_EQ(headers, (Headers{{"A", "1"}, {"B", "4"}}));
}

TEST(Headers, HasTokenSplitsCommaListsAcrossFieldsIgnoringCaseSpacesAndParameters) {
    Headers headers{{"Connection", "keep-alive , Upgrade"}, {"Transfer-Encoding", "gzip;q=1"},
                    {"transfer-encoding", " ,CHUNKED"}};
    EXPECT_TRUE(headers.has_token("connection", "upgrade"));
    EXPECT_TRUE(headers.has_token("Connection", "Keep-Alive"));
    EXPECT_FALSE(headers.has_token("Connection", "close"));
    EXPECT_FALSE(headers.has_token("Connection", "keep"));
    EXPECT_TRUE(headers.has_token("Transfer-Encoding", "gzip"));
    EXPECT_TRUE(headers.has_token("Transfer-Encoding", "chunked"));
}

TEST(Headers, OfTakesNamesAndValuesInTurnAsTheBracedListDoes) {
    const std::string id = "42";
    const Headers made = Headers::of("Content-Type", "application/json", "X-Id", id);
    const Headers braced{{"Content-Type", "application/json"}, {"X-Id", "42"}};
    EXPECT_TRUE(std::equal(made.begin(), made.end(), braced.begin(), braced.end()));
}

}  // namespace
}  // namespace agentio::http
