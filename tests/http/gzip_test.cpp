#include "agentio/http/gzip.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>
#include <utility>

#include "agentio/core/errors.hpp"

using namespace agentio;
using namespace agentio::http;

namespace {

// Text that compresses like a JSON body does, but not to nothing.
std::string sample_text(std::size_t size) {
    std::string text;
    std::uint32_t x = 12345;
    while (text.size() < size) {
        x = x * 1103515245 + 12345;
        text += R"({"role":"assistant","content":"token )" + std::to_string(x >> 16) + "\"}\n";
    }
    text.resize(size);
    return text;
}

std::string gunzip(std::string_view compressed, std::size_t max_output = GzipDecoder::kDefaultMaxOutput) {
    GzipDecoder decoder(max_output);
    std::string out;
    decoder.feed(compressed, out);
    decoder.finish();
    return out;
}

// zlib's own encoder, independent of gzip_compress: windowBits 15 is the zlib
// format, -15 raw deflate, 31 gzip.
std::string deflate_with(std::string_view data, int window_bits, const std::string& dictionary = "") {
    z_stream zs{};
    EXPECT_EQ(deflateInit2(&zs, 6, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
    if (!dictionary.empty())
        deflateSetDictionary(&zs, reinterpret_cast<const Bytef*>(dictionary.data()), static_cast<uInt>(dictionary.size()));
    std::string out(deflateBound(&zs, data.size()) + 64, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

// zlib's own decoder, to check gzip_compress against.
std::string inflate_with_zlib(std::string_view gz) {
    z_stream zs{};
    EXPECT_EQ(inflateInit2(&zs, 31), Z_OK);
    std::string out(1 << 20, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
    zs.avail_in = static_cast<uInt>(gz.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
    out.resize(zs.total_out);
    inflateEnd(&zs);
    return out;
}

std::string error_of(std::string_view compressed, std::size_t max_output = GzipDecoder::kDefaultMaxOutput) {
    try {
        gunzip(compressed, max_output);
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST(GzipCompress, IsAGzipStreamThatZlibDecodes) {
    const std::string text = sample_text(100'000);
    const std::string gz = gzip_compress(text);
    ASSERT_GE(gz.size(), 18u);
    EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1f);
    EXPECT_EQ(static_cast<unsigned char>(gz[1]), 0x8b);
    EXPECT_LT(gz.size(), text.size() / 2);
    EXPECT_EQ(inflate_with_zlib(gz), text);
}

TEST(GzipCompress, RefusesALevelOutsideTheRange) {
    EXPECT_THROW(gzip_compress("x", 10), Error);
    EXPECT_THROW(gzip_compress("x", -2), Error);
    EXPECT_EQ(inflate_with_zlib(gzip_compress("x", -1)), "x");
}

TEST(GzipDecoder, RoundTripsEverySizeAndLevel) {
    for (const std::size_t size : {0, 1, 100, 65'536, 1'000'003}) {
        for (const int level : {0, 1, 6, 9}) {
            const std::string text = sample_text(size);
            GzipDecoder decoder;
            std::string out;
            decoder.feed(gzip_compress(text, level), out);
            EXPECT_TRUE(decoder.done());
            decoder.finish();
            EXPECT_EQ(out, text) << "size " << size << " level " << level;
            EXPECT_EQ(decoder.total_out(), text.size());
        }
    }
}

TEST(GzipDecoder, AppendsToWhatIsInOut) {
    GzipDecoder decoder;
    std::string out = "kept:";
    decoder.feed(gzip_compress("added"), out);
    EXPECT_EQ(out, "kept:added");
}

TEST(GzipDecoder, EverySplitGivesTheSameOutput) {
    const std::string text = sample_text(3000);
    const std::string gz = gzip_compress(text);
    for (std::size_t cut = 0; cut <= gz.size(); ++cut) {
        GzipDecoder decoder;
        std::string out;
        decoder.feed(gz.substr(0, cut), out);
        EXPECT_EQ(decoder.done(), cut == gz.size());
        decoder.feed(gz.substr(cut), out);
        EXPECT_TRUE(decoder.done());
        decoder.finish();
        ASSERT_EQ(out, text) << "cut at " << cut;
    }
    GzipDecoder decoder;
    std::string out;
    for (const char byte : gz) decoder.feed(std::string_view(&byte, 1), out);
    decoder.finish();
    EXPECT_EQ(out, text);
}

TEST(GzipDecoder, ConcatenatedMembersAreDecodedBackToBack) {
    const std::string a = sample_text(500), b = "second member", c = "";
    const std::string first = gzip_compress(a);
    const std::string gz = first + gzip_compress(b) + gzip_compress(c);
    EXPECT_EQ(gunzip(gz), a + b + c);
    for (std::size_t cut = 0; cut <= gz.size(); ++cut) {
        GzipDecoder decoder;
        std::string out;
        decoder.feed(gz.substr(0, cut), out);
        // done() exactly at a member boundary: between members, a stream is complete.
        if (cut == first.size()) {
            EXPECT_TRUE(decoder.done());
        } else if (cut == first.size() + 1) {
            EXPECT_FALSE(decoder.done());
        }
        decoder.feed(gz.substr(cut), out);
        decoder.finish();
        ASSERT_EQ(out, a + b + c) << "cut at " << cut;
    }
}

TEST(GzipDecoder, TruncatedStreamThrowsFromFinish) {
    const std::string gz = gzip_compress(sample_text(2000));
    for (std::size_t size = 1; size < gz.size(); ++size) {
        GzipDecoder decoder;
        std::string out;
        decoder.feed(gz.substr(0, size), out);
        EXPECT_FALSE(decoder.done());
        try {
            decoder.finish();
            FAIL() << "no error at " << size;
        } catch (const Error& e) {
            ASSERT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
        }
    }
}

TEST(GzipDecoder, EmptyBodyIsAnEmptyStream) {
    GzipDecoder decoder;
    std::string out;
    decoder.feed("", out);
    EXPECT_FALSE(decoder.done());
    EXPECT_NO_THROW(decoder.finish());
    EXPECT_EQ(out, "");
}

TEST(GzipDecoder, CorruptStreamThrowsWithZlibsMessage) {
    std::string gz = gzip_compress(sample_text(2000));
    // The CRC-32 in the trailer: the data decodes, the check fails.
    std::string bad_crc = gz;
    bad_crc[bad_crc.size() - 6] ^= 0x01;
    EXPECT_NE(error_of(bad_crc).find("incorrect data check"), std::string::npos) << error_of(bad_crc);
    // The length in the trailer.
    std::string bad_length = gz;
    bad_length[bad_length.size() - 1] ^= 0x01;
    EXPECT_NE(error_of(bad_length).find("incorrect length check"), std::string::npos) << error_of(bad_length);
    // A gzip header with an unknown method.
    std::string bad_method = gz;
    bad_method[2] = 7;
    EXPECT_NE(error_of(bad_method).find("unknown compression method"), std::string::npos) << error_of(bad_method);
    // Every message says what failed.
    std::string bad_block = gz;
    bad_block[10] = static_cast<char>(0xff);  // the first block header: a reserved block type
    EXPECT_NE(error_of(bad_block).find("gzip: corrupt stream"), std::string::npos) << error_of(bad_block);
}

TEST(GzipDecoder, AfterAnErrorEveryCallThrows) {
    std::string gz = gzip_compress("hello");
    gz[2] = 7;
    GzipDecoder decoder;
    std::string out;
    EXPECT_THROW(decoder.feed(gz, out), Error);
    EXPECT_THROW(decoder.feed(gzip_compress("x"), out), Error);
    EXPECT_THROW(decoder.finish(), Error);
}

TEST(GzipDecoder, DataAfterTheEndIsCorrupt) {
    EXPECT_NE(error_of(gzip_compress("a") + "trailing").find("gzip: corrupt stream"), std::string::npos);
    EXPECT_NE(error_of(deflate_with("a", 15) + "x").find("after the end"), std::string::npos);
    EXPECT_NE(error_of(deflate_with("a", -15) + "x").find("after the end"), std::string::npos);
}

TEST(GzipDecoder, DecompressionBombStopsAtMaxOutput) {
    const std::string zeros(10 << 20, '\0');
    const std::string bomb = gzip_compress(zeros, 9);
    ASSERT_LT(bomb.size(), 20'000u);
    const std::size_t limit = 1 << 20;
    GzipDecoder decoder(limit);
    std::string out;
    try {
        decoder.feed(bomb, out);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("max_output (1048576 bytes)"), std::string::npos) << e.what();
    }
    EXPECT_LE(out.size(), limit);
    EXPECT_EQ(out, std::string(out.size(), '\0'));
    EXPECT_THROW(decoder.finish(), Error);
}

TEST(GzipDecoder, LimitCountsAcrossFeedsAndMembers) {
    const std::string gz = gzip_compress(std::string(600, 'a'));
    GzipDecoder decoder(1000);
    std::string out;
    decoder.feed(gz, out);
    EXPECT_THROW(decoder.feed(gz, out), Error);
    EXPECT_EQ(out.size(), 1000u);
}

TEST(GzipDecoder, OutputExactlyAtTheLimitIsAccepted) {
    const std::string text = sample_text(50'000);
    EXPECT_EQ(gunzip(gzip_compress(text), text.size()), text);
    EXPECT_NE(error_of(gzip_compress(text), text.size() - 1).find("max_output"), std::string::npos);
    EXPECT_EQ(gunzip(gzip_compress(""), 0), "");
}

TEST(GzipDecoder, ZlibFormatAndRawDeflateAreDecodedToo) {
    const std::string text = sample_text(10'000);
    for (const int window_bits : {15, -15, 31}) {
        const std::string compressed = deflate_with(text, window_bits);
        EXPECT_EQ(gunzip(compressed), text) << window_bits;
        // The format is told from two bytes, which may come in two feeds.
        GzipDecoder decoder;
        std::string out;
        decoder.feed(compressed.substr(0, 1), out);
        decoder.feed(compressed.substr(1), out);
        decoder.finish();
        EXPECT_EQ(out, text) << window_bits;
    }
    // One byte, then the end: truncated, whatever the format would have been.
    EXPECT_NE(error_of(deflate_with(text, 15).substr(0, 1)).find("truncated"), std::string::npos);
}

TEST(GzipDecoder, ZlibStreamWithAPresetDictionaryIsRefused) {
    const std::string compressed = deflate_with("hello hello", 15, "hello");
    EXPECT_NE(error_of(compressed).find("preset dictionary"), std::string::npos) << error_of(compressed);
}

TEST(GzipDecoder, MovedDecoderCarriesOn) {
    const std::string text = sample_text(5000);
    const std::string gz = gzip_compress(text);
    GzipDecoder first;
    std::string out;
    first.feed(gz.substr(0, gz.size() / 2), out);
    GzipDecoder second = std::move(first);
    second.feed(gz.substr(gz.size() / 2), out);
    second.finish();
    EXPECT_EQ(out, text);
    EXPECT_THROW(first.feed("x", out), InvalidStateError);  // NOLINT(bugprone-use-after-move)
    GzipDecoder third(10);
    third = std::move(second);
    EXPECT_TRUE(third.done());
    EXPECT_EQ(third.total_in(), gz.size());
}
