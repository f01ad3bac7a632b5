// BufferedReader over a scripted in-memory stream: every split of the input.
#include <agentio/agentio.hpp>
#include <agentio/net/buffered_reader.hpp>
#include <agentio/net/errors.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <string>
#include <vector>

using namespace agentio;
using namespace agentio::net;

namespace {

// Hands out scripted pieces, one per read; end of stream after the last.
class ScriptedStream final : public Stream {
public:
    explicit ScriptedStream(std::deque<std::string> pieces) : pieces_(std::move(pieces)) {
        std::erase(pieces_, std::string());  // an empty read would mean end of stream
    }
    Task<std::size_t> read(std::span<char> buffer) override {
        if (pieces_.empty()) co_return 0;
        std::string& piece = pieces_.front();
        const std::size_t n = std::min(buffer.size(), piece.size());
        std::copy_n(piece.data(), n, buffer.data());
        piece.erase(0, n);
        if (piece.empty()) pieces_.pop_front();
        co_return n;
    }
    Task<> write(std::string_view) override { co_return; }
    Task<> shutdown_write() override { co_return; }
    void close() noexcept override {}
    bool is_open() const noexcept override { return true; }
    std::string peer() const override { return "script"; }

private:
    std::deque<std::string> pieces_;
};

TEST(BufferedReaderTest, ReadUntilAndReadExactAgreeForEverySplit) {
    const std::string input = "GET / HTTP/1.1\r\nHost: x\r\n\r\nBODY1234rest";
    for (std::size_t cut = 1; cut < input.size(); ++cut) {
        for (std::size_t cut2 = cut; cut2 < input.size(); ++cut2) {
            ScriptedStream stream({input.substr(0, cut), input.substr(cut, cut2 - cut), input.substr(cut2)});
            BufferedReader reader(stream, 8);  // tiny: forces growth and compaction
            run([&]() -> Task<> {
                EXPECT_EQ(co_await reader.read_until("\r\n\r\n"), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                EXPECT_EQ(co_await reader.read_exact(8), "BODY1234");
                std::string rest;
                while (true) {
                    const std::string_view piece = co_await reader.read_some();
                    if (piece.empty()) break;
                    rest += piece;
                }
                EXPECT_EQ(rest, "rest");
            }());
        }
    }
}

TEST(BufferedReaderTest, ReadUntilPastItsLimitNamesTheLimit) {
    ScriptedStream stream({std::string(100, 'x')});
    BufferedReader reader(stream);
    run([&]() -> Task<> {
        try {
            co_await reader.read_until("\r\n", 50);
            ADD_FAILURE();
        } catch (const UnexpectedEof&) {
            ADD_FAILURE() << "end of stream reported instead of the limit";
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find("50 bytes"), std::string::npos) << e.what();
        }
    }());
}

TEST(BufferedReaderTest, EndOfStreamBeforeTheDataIsUnexpectedEof) {
    ScriptedStream stream({"abc"});
    BufferedReader reader(stream);
    run([&]() -> Task<> {
        bool eof = false;
        try {
            co_await reader.read_exact(10);
        } catch (const UnexpectedEof& e) {
            eof = std::string(e.what()).find("7 bytes short") != std::string::npos;
        }
        EXPECT_TRUE(eof);
        EXPECT_EQ(co_await reader.read_some(), "abc");
        EXPECT_EQ(co_await reader.read_some(), "");
    }());
}

// A peer with more ready than the buffer holds: each read that fills the
// buffer doubles it for the next, up to 256 KiB, and no byte is lost.
TEST(BufferedReaderTest, ReadsThatFillTheBufferGrowItUpTo256KiB) {
    std::string input(2 << 20, '\0');
    for (std::size_t i = 0; i < input.size(); ++i) input[i] = static_cast<char>('a' + i % 26);
    ScriptedStream stream({input});
    BufferedReader reader(stream, 16 * 1024);
    std::vector<std::size_t> reads;
    std::string got;
    run([&]() -> Task<> {
        while (co_await reader.fill()) {
            reads.push_back(reader.buffered().size());
            got += reader.buffered();
            reader.consume(reader.buffered().size());
        }
    }());
    EXPECT_EQ(got, input);
    ASSERT_GE(reads.size(), 6u);
    EXPECT_EQ(reads[0], 16u * 1024);
    EXPECT_EQ(reads[1], 32u * 1024);
    EXPECT_EQ(reads[4], 256u * 1024);
    EXPECT_EQ(reads[5], 256u * 1024);  // and no further
}

// Reads that come back short leave the buffer as it is.
TEST(BufferedReaderTest, ShortReadsDoNotGrowTheBuffer) {
    std::deque<std::string> pieces;
    for (int i = 0; i < 100; ++i) pieces.push_back(std::string(1000, 'x'));
    ScriptedStream stream(pieces);
    BufferedReader reader(stream, 4096);
    run([&]() -> Task<> {
        // Never consumed: the buffer fills by compaction-free appends, so its
        // size after the reads shows whether it grew.
        std::size_t total = 0;
        for (int i = 0; i < 4; ++i) {
            EXPECT_TRUE(co_await reader.fill());
            total += 1000;
        }
        EXPECT_EQ(reader.buffered().size(), total);
        // A fifth read of 1000 bytes fits only in the 96 bytes left: it fills them.
        EXPECT_TRUE(co_await reader.fill());
        EXPECT_EQ(reader.buffered().size(), 4096u);
    }());
}

}  // namespace
