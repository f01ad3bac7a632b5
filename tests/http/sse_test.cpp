#include "agentio/http/sse.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "agentio/core/errors.hpp"

using namespace agentio;
using namespace agentio::http;
using namespace std::chrono_literals;
using namespace std::string_literals;

namespace {

std::vector<SseEvent> drain(SseDecoder& decoder) {
    std::vector<SseEvent> events;
    while (auto event = decoder.next()) events.push_back(std::move(*event));
    return events;
}

// Feeds the pieces in order, then ends the stream.
std::vector<SseEvent> decode_pieces(const std::vector<std::string>& pieces, SseLimits limits = {}) {
    SseDecoder decoder(limits);
    std::vector<SseEvent> events;
    for (const auto& piece : pieces) {
        decoder.feed(piece);
        for (auto& event : drain(decoder)) events.push_back(std::move(event));
    }
    decoder.finish();
    for (auto& event : drain(decoder)) events.push_back(std::move(event));
    return events;
}

std::vector<SseEvent> decode(const std::string& stream) { return decode_pieces({stream}); }

std::vector<std::string> datas(const std::vector<SseEvent>& events) {
    std::vector<std::string> out;
    for (const auto& event : events) out.push_back(event.data);
    return out;
}

using Strings = std::vector<std::string>;

// What an OpenAI-compatible server sends for a streamed chat completion.
std::string recorded_openai_stream(const std::string& eol) {
    const Strings words = {"Hel", "lo", ",", " wor", "ld", "!", " \\\"quoted\\\"", " caf\xc3\xa9"};
    std::string stream;
    stream += ": OPENROUTER PROCESSING" + eol + eol;
    for (std::size_t i = 0; i < words.size(); ++i) {
        stream += R"(data: {"id":"chatcmpl-9x","object":"chat.completion.chunk","created":1718000000,)"
                  R"("model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":")" +
                  words[i] + R"("},"finish_reason":null}]})" + eol + eol;
    }
    stream += "data: [DONE]" + eol + eol;
    return stream;
}

}  // namespace

TEST(SseDecoder, OneDataLineIsOneMessageEvent) {
    const auto events = decode("data: hello\n\n");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].type, "message");
    EXPECT_EQ(events[0].data, "hello");
    EXPECT_EQ(events[0].id, "");
    EXPECT_FALSE(events[0].retry);
}

TEST(SseDecoder, DataLinesAreJoinedWithLineFeeds) {
    EXPECT_EQ(datas(decode("data: a\ndata: b\ndata: c\n\n")), (Strings{"a\nb\nc"}));
    // An empty data line adds an empty line; the last '\n' only is removed.
    EXPECT_EQ(datas(decode("data: a\ndata:\n\n")), (Strings{"a\n"}));
    EXPECT_EQ(datas(decode("data:\ndata:\n\n")), (Strings{"\n"}));
}

TEST(SseDecoder, CommentLinesAreIgnored) {
    EXPECT_EQ(datas(decode(": ping\ndata: a\n:\n: data: b\ndata: c\n\n")), (Strings{"a\nc"}));
    EXPECT_TRUE(decode(": only a comment\n\n").empty());
}

class SseLineEnding : public testing::TestWithParam<std::string> {};

TEST_P(SseLineEnding, EndsLinesAndEvents) {
    const std::string& eol = GetParam();
    const auto events = decode("event: e" + eol + "data: a" + eol + "data: b" + eol + eol + "data: c" + eol + eol);
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].type, "e");
    EXPECT_EQ(events[0].data, "a\nb");
    EXPECT_EQ(events[1].data, "c");
}

INSTANTIATE_TEST_SUITE_P(EachLineEnding, SseLineEnding, testing::Values("\n", "\r", "\r\n"),
                         [](const auto& info) { return info.param == "\n" ? "LF" : info.param == "\r" ? "CR" : "CRLF"; });

TEST(SseDecoder, MixedLineEndingsInOneStream) {
    EXPECT_EQ(datas(decode("data: a\rdata: b\r\ndata: c\n\r\n")), (Strings{"a\nb\nc"}));
}

TEST(SseDecoder, CrAtTheEndOfAFeedAndLfAtTheStartOfTheNextAreOneLineEnd) {
    // Were they two line ends, the empty line between would dispatch "a" alone.
    EXPECT_EQ(datas(decode_pieces({"data: a\r", "\ndata: b\r", "\n\r", "\n"})), (Strings{"a\nb"}));
}

TEST(SseDecoder, CrAtTheEndOfAFeedFollowedByAnotherLine) {
    EXPECT_EQ(datas(decode_pieces({"data: a\r", "data: b\r", "\r"})), (Strings{"a\nb"}));
    // A CR then an empty feed then LF: still one line end.
    EXPECT_EQ(datas(decode_pieces({"data: a\r", "", "\ndata: b\n\n"})), (Strings{"a\nb"}));
}

TEST(SseDecoder, CrCrIsAnEmptyLine) {
    EXPECT_EQ(datas(decode_pieces({"data: a\r", "\r", "data: b\r\r"})), (Strings{"a", "b"}));
}

TEST(SseDecoder, LeadingBomIsSkipped) {
    EXPECT_EQ(datas(decode("\xEF\xBB\xBF" "data: a\n\n")), (Strings{"a"}));
    EXPECT_EQ(datas(decode_pieces({"\xEF", "\xBB", "\xBF", "data: a\n\n"})), (Strings{"a"}));
    EXPECT_EQ(datas(decode_pieces({"\xEF\xBB", "\xBF" "da", "ta: a\n\n"})), (Strings{"a"}));
}

TEST(SseDecoder, OnlyOneBomAtTheStartIsSkipped) {
    // The second BOM is part of the first field name, which is then unknown.
    EXPECT_TRUE(decode("\xEF\xBB\xBF\xEF\xBB\xBF" "data: a\n\n").empty());
    EXPECT_TRUE(decode("data: a\n\n\xEF\xBB\xBF" "data: b\n\n").size() == 1);
}

TEST(SseDecoder, PartOfABomIsContent) {
    EXPECT_TRUE(decode_pieces({"\xEF", "data: a\n\n"}).empty());
    EXPECT_TRUE(decode_pieces({"\xEF\xBB", "data: a\n\n"}).empty());
    // ...and a cut line that starts with it still counts against the line limit.
    SseDecoder decoder(SseLimits{.max_line_bytes = 3});
    decoder.feed("\xEF\xBB");
    EXPECT_THROW(decoder.feed("xy"), Error);
}

TEST(SseDecoder, OneSpaceAfterTheColonIsRemoved) {
    EXPECT_EQ(datas(decode("data:a\n\n")), (Strings{"a"}));
    EXPECT_EQ(datas(decode("data: a\n\n")), (Strings{"a"}));
    EXPECT_EQ(datas(decode("data:  a \n\n")), (Strings{" a "}));
    EXPECT_EQ(datas(decode("data:\ta\n\n")), (Strings{"\ta"}));
}

TEST(SseDecoder, ValueSplitsAtTheFirstColonOnly) {
    EXPECT_EQ(datas(decode("data: {\"a\":1}\n\n")), (Strings{"{\"a\":1}"}));
    EXPECT_EQ(datas(decode("data::x\n\n")), (Strings{":x"}));
}

TEST(SseDecoder, FieldWithoutColonHasAnEmptyValue) {
    // "data" alone is a data line with an empty value: the event is dispatched.
    const auto events = decode("data\n\n");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].data, "");
    EXPECT_EQ(datas(decode("data\ndata\n\n")), (Strings{"\n"}));
    // "event" alone resets the type to the default.
    EXPECT_EQ(decode("event: x\nevent\ndata: a\n\n").at(0).type, "message");
}

TEST(SseDecoder, FieldNamesAreCaseSensitiveAndUnknownOnesIgnored) {
    EXPECT_EQ(datas(decode("Data: no\nDATA: no\nfoo: bar\ndata : no\ndata: yes\n\n")), (Strings{"yes"}));
    EXPECT_TRUE(decode("foo: bar\n\n").empty());
}

TEST(SseDecoder, RetryCountsOnlyWhenAllAsciiDigits) {
    SseDecoder decoder;
    decoder.feed("retry: 3000\ndata: a\n\n");
    auto event = decoder.next();
    ASSERT_TRUE(event);
    EXPECT_EQ(event->retry, std::optional(3000ms));
    EXPECT_EQ(decoder.retry(), std::optional(3000ms));

    for (const char* invalid : {"retry: 30a0\n", "retry: -1\n", "retry:  1\n", "retry:\n", "retry: 1.5\n",
                                "retry: 1 \n", "retry: +1\n", "retry: 99999999999999999999999\n"}) {
        decoder.feed(std::string(invalid) + "data: b\n\n");
        event = decoder.next();
        ASSERT_TRUE(event) << invalid;
        EXPECT_FALSE(event->retry) << invalid;
        EXPECT_EQ(decoder.retry(), std::optional(3000ms)) << invalid;
    }
    decoder.feed("retry: 0\n\n");  // applies with no event dispatched
    EXPECT_EQ(decoder.retry(), std::optional(0ms));
    EXPECT_FALSE(decoder.next());
    // A retry of one event does not stick to the next.
    decoder.feed("retry: 5\ndata: c\n\ndata: d\n\n");
    EXPECT_EQ(decoder.next()->retry, std::optional(5ms));
    EXPECT_FALSE(decoder.next()->retry);
}

TEST(SseDecoder, IdContainingNulIsIgnored) {
    const auto events = decode("id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n"s);
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].id, "1");
    EXPECT_EQ(events[1].id, "1");
}

TEST(SseDecoder, IdCarriesOverToLaterEventsUntilChanged) {
    SseDecoder decoder;
    decoder.feed("id: 7\ndata: a\n\ndata: b\n\nid\ndata: c\n\nid: 8\n");
    const auto events = drain(decoder);
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(events[0].id, "7");
    EXPECT_EQ(events[1].id, "7");
    EXPECT_EQ(events[2].id, "");
    // "id: 8" has no blank line after it yet: not the last event id.
    EXPECT_EQ(decoder.last_event_id(), "");
    decoder.feed("\n");
    EXPECT_EQ(decoder.last_event_id(), "8");
}

TEST(SseDecoder, EventWithEmptyDataBufferIsNotDispatchedButSetsTheId) {
    SseDecoder decoder;
    decoder.feed("id: 5\nevent: ignored\n\n");
    EXPECT_FALSE(decoder.next());
    EXPECT_EQ(decoder.last_event_id(), "5");
    // The type of the undispatched event was reset with it.
    decoder.feed("data: x\n\n");
    const auto event = decoder.next();
    ASSERT_TRUE(event);
    EXPECT_EQ(event->type, "message");
    EXPECT_EQ(event->id, "5");
}

TEST(SseDecoder, EventTypeIsResetAfterEachDispatch) {
    const auto events = decode("event: delta\ndata: 1\n\ndata: 2\n\nevent: done\nevent: final\ndata: 3\n\n");
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(events[0].type, "delta");
    EXPECT_EQ(events[1].type, "message");
    EXPECT_EQ(events[2].type, "final");
    EXPECT_EQ(decode("event:\ndata: x\n\n").at(0).type, "message");
}

TEST(SseDecoder, IncompleteEventAtEndOfStreamIsDiscarded) {
    EXPECT_EQ(datas(decode("data: a\n\ndata: b\n")), (Strings{"a"}));
    EXPECT_EQ(datas(decode("data: a\n\ndata: b")), (Strings{"a"}));
    EXPECT_EQ(datas(decode("data: a\n\ndata: b\r")), (Strings{"a"}));
    // A CR that ends the stream ends the line, and the blank line before it counts.
    EXPECT_EQ(datas(decode("data: a\n\r")), (Strings{"a"}));

    SseDecoder decoder;
    decoder.feed("id: 1\ndata: a\n\nid: 2\ndata: b\n");
    decoder.finish();
    EXPECT_EQ(decoder.last_event_id(), "1");
    EXPECT_EQ(drain(decoder).size(), 1u);
    // The discarded event's id does not reach the next stream either.
    decoder.feed("data: c\n\n");
    EXPECT_EQ(decoder.next()->id, "1");
}

TEST(SseDecoder, FinishStartsAFreshStreamKeepingIdAndRetry) {
    SseDecoder decoder;
    decoder.feed("id: 4\nretry: 100\ndata: a\n\nevent: t\ndata: partial");
    decoder.finish();
    EXPECT_EQ(drain(decoder).size(), 1u);
    // The reconnected stream may start with a BOM again; the partial line and
    // its event type are gone.
    decoder.feed("\xEF\xBB\xBF" "data: b\n\n");
    const auto events = drain(decoder);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].data, "b");
    EXPECT_EQ(events[0].type, "message");
    EXPECT_EQ(events[0].id, "4");
    EXPECT_EQ(decoder.retry(), std::optional(100ms));
}

TEST(SseDecoder, ManyEventsFromOneFeedComeOutInOrder) {
    std::string stream;
    for (int i = 0; i < 1000; ++i) stream += "data: " + std::to_string(i) + "\n\n";
    SseDecoder decoder;
    decoder.feed(stream);
    EXPECT_EQ(decoder.pending(), 1000u);
    for (int i = 0; i < 1000; ++i) {
        const auto event = decoder.next();
        ASSERT_TRUE(event);
        EXPECT_EQ(event->data, std::to_string(i));
    }
    EXPECT_FALSE(decoder.next());
    EXPECT_EQ(decoder.pending(), 0u);
}

TEST(SseDecoder, RecordedOpenAiStreamGivesTheSameEventsForEverySplit) {
    for (const std::string eol : {"\n", "\r\n", "\r"}) {
        const std::string stream = recorded_openai_stream(eol);
        const auto whole = decode(stream);
        ASSERT_EQ(whole.size(), 9u);
        EXPECT_EQ(whole.back().data, "[DONE]");
        EXPECT_NE(whole[6].data.find(R"("content":" \"quoted\"")"), std::string::npos) << whole[6].data;
        for (std::size_t cut = 0; cut <= stream.size(); ++cut)
            ASSERT_EQ(decode_pieces({stream.substr(0, cut), stream.substr(cut)}), whole) << "cut at " << cut;
        for (std::size_t cut = 0; cut + 7 <= stream.size(); cut += 7)
            ASSERT_EQ(decode_pieces({stream.substr(0, cut), stream.substr(cut, 7), stream.substr(cut + 7)}), whole)
                << "three pieces at " << cut;
        Strings bytes;
        for (const char c : stream) bytes.emplace_back(1, c);
        ASSERT_EQ(decode_pieces(bytes), whole);
    }
}

TEST(SseDecoder, LineLongerThanTheLimitThrowsNamingIt) {
    const SseLimits limits{.max_line_bytes = 16, .max_event_bytes = 1024};
    // Exactly at the limit is fine ("data: " + 10 bytes = 16).
    EXPECT_EQ(decode_pieces({"data: 0123456789\n\n"}, limits).size(), 1u);
    try {
        decode_pieces({"data: 01234567890\n\n"}, limits);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("max_line_bytes"), std::string::npos) << e.what();
    }
    // Comments are lines too.
    EXPECT_THROW(decode_pieces({": a comment that is far too long\n"}, limits), Error);
}

TEST(SseDecoder, UnterminatedLineIsRefusedBeforeItsEndArrives) {
    SseDecoder decoder(SseLimits{.max_line_bytes = 1000});
    const std::string piece(100, 'x');
    int fed = 0;
    try {
        for (; fed < 1000; ++fed) decoder.feed(piece);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("max_line_bytes"), std::string::npos);
    }
    EXPECT_EQ(fed, 10);
}

TEST(SseDecoder, EventDataLargerThanTheLimitThrowsNamingIt) {
    SseDecoder decoder(SseLimits{.max_line_bytes = 100, .max_event_bytes = 50});
    // 10 lines of 4 bytes + 9 separators = 49: accepted.
    std::string ok;
    for (int i = 0; i < 10; ++i) ok += "data: abcd\n";
    decoder.feed(ok + "\n");
    EXPECT_EQ(decoder.next()->data.size(), 49u);
    try {
        for (int i = 0; i < 100; ++i) decoder.feed("data: abcd\n");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("max_event_bytes"), std::string::npos) << e.what();
    }
}

TEST(SseDecoder, AfterAnErrorEarlierEventsRemainAndFeedThrowsUntilFinish) {
    SseDecoder decoder(SseLimits{.max_line_bytes = 10});
    EXPECT_THROW(decoder.feed("data: a\n\ndata: bbbbbbbbbbbbbb\n\n"), Error);
    EXPECT_EQ(decoder.next()->data, "a");
    EXPECT_FALSE(decoder.next());
    EXPECT_THROW(decoder.feed("data: c\n\n"), Error);
    decoder.finish();
    decoder.feed("data: c\n\n");
    EXPECT_EQ(decoder.next()->data, "c");
}

TEST(SseEncoder, WritesTheFieldsAndOneDataLinePerLine) {
    std::string out;
    write_sse_event({.type = "delta", .data = "a\nb", .id = "1", .retry = 250ms}, out);
    EXPECT_EQ(out, "event: delta\nid: 1\nretry: 250\ndata: a\ndata: b\n\n");
    out.clear();
    write_sse_event({.data = "{\"x\":1}"}, out);
    EXPECT_EQ(out, "data: {\"x\":1}\n\n");
    out.clear();
    write_sse_event({.data = ""}, out);
    EXPECT_EQ(out, "data:\n\n");
    // It appends.
    write_sse_event({.data = "z"}, out);
    EXPECT_EQ(out, "data:\n\ndata: z\n\n");
}

TEST(SseEncoder, RoundTripsThroughTheDecoder) {
    const std::vector<SseEvent> events = {
        {.type = "message", .data = "plain", .id = "", .retry = {}},
        {.type = "delta", .data = "two\nlines", .id = "id-1", .retry = {}},
        {.type = "message", .data = "", .id = "id-1", .retry = {}},
        {.type = " spaced type ", .data = "  leading and trailing  ", .id = " 2 ", .retry = 1500ms},
        {.type = "message", .data = "\n\nblank lines\n\n", .id = "3", .retry = 0ms},
        {.type = "message", .data = ": not a comment\ndata: not a field", .id = "3", .retry = {}},
        {.type = "message", .data = "nul \0 inside"s, .id = "3", .retry = {}},
        {.type = "x:y", .data = "\xEF\xBB\xBF" "bom inside", .id = "a:b", .retry = {}},
    };
    std::string stream;
    for (const auto& event : events) write_sse_event(event, stream);
    EXPECT_EQ(decode(stream), events);
    // CR and CRLF in data are line breaks, and come back as LF.
    std::string out;
    write_sse_event({.data = "a\r\nb\rc\n"}, out);
    EXPECT_EQ(decode(out).at(0).data, "a\nb\nc\n");
}

TEST(SseEncoder, RefusesFieldsThatWouldBreakTheFraming) {
    std::string out;
    EXPECT_THROW(write_sse_event({.type = "a\nb", .data = "x"}, out), Error);
    EXPECT_THROW(write_sse_event({.type = "a\rb", .data = "x"}, out), Error);
    EXPECT_THROW(write_sse_event({.data = "x", .id = "1\n"}, out), Error);
    EXPECT_THROW(write_sse_event({.data = "x", .id = "1\r"}, out), Error);
    EXPECT_THROW(write_sse_event({.data = "x", .id = "1\0"s}, out), Error);
    EXPECT_THROW(write_sse_event({.data = "x", .retry = -1ms}, out), Error);
    EXPECT_EQ(out, "");
}

TEST(SseEncoder, CommentsAreIgnoredByTheDecoder) {
    std::string out;
    write_sse_comment("keep-alive", out);
    EXPECT_EQ(out, ": keep-alive\n");
    write_sse_comment("", out);
    EXPECT_EQ(out, ": keep-alive\n:\n");
    out.clear();
    write_sse_comment("two\nlines", out);
    EXPECT_EQ(out, ": two\n: lines\n");
    write_sse_event({.data = "a"}, out);
    write_sse_comment("between\r\ndata: fake", out);
    write_sse_event({.data = "b"}, out);
    EXPECT_EQ(datas(decode(out)), (Strings{"a", "b"}));
}

TEST(SseDecoder, NextIntoAnEventGivesTheSameEventsAsNextByValue) {
    const std::string stream =
        "event: delta\nid: 7\ndata: {\"a\": 1}\n\ndata: a long enough payload to need the heap, twice over\n\n"
        ": comment\nretry: 250\ndata: x\ndata: y\n\ndata: [DONE]\n\n";
    http::SseDecoder by_value;
    http::SseDecoder into;
    std::vector<http::SseEvent> expected;
    std::vector<http::SseEvent> got;
    http::SseEvent reused;
    // Fed a few bytes at a time, taking events as they complete, three times
    // over: the recycled buffers must never leak one event's text into the next.
    for (int round = 0; round < 3; ++round) {
        for (std::size_t at = 0; at < stream.size(); at += 5) {
            by_value.feed(std::string_view(stream).substr(at, 5));
            into.feed(std::string_view(stream).substr(at, 5));
            while (auto event = by_value.next()) expected.push_back(*event);
            while (into.next(reused)) got.push_back(reused);
        }
    }
    ASSERT_EQ(expected.size(), 12u);
    EXPECT_EQ(got, expected);
    EXPECT_EQ(got[0].type, "delta");
    EXPECT_EQ(got[1].type, "message");
    EXPECT_EQ(got[2].data, "x\ny");
}
