// Tests of message.hpp: keep-alive from the version and Connection, and the
// standard reason phrases.
#include <gtest/gtest.h>

#include "agentio/http/message.hpp"

namespace agentio::http {
namespace {

TEST(Message, KeepAliveFollowsVersionAndConnectionHeader) {
    RequestHead head;
    EXPECT_TRUE(keep_alive(head));
    head.headers.add("Connection", "Upgrade, close");
    EXPECT_FALSE(keep_alive(head));
    ResponseHead old;
    old.version_minor = 0;
    EXPECT_FALSE(keep_alive(old));
    old.headers.add("connection", "Keep-Alive");
    EXPECT_TRUE(keep_alive(old));
    EXPECT_EQ(reason_phrase(404), "Not Found");
    EXPECT_EQ(reason_phrase(431), "Request Header Fields Too Large");
    EXPECT_EQ(reason_phrase(299), "");
}

}  // namespace
}  // namespace agentio::http
