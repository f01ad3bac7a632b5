// server_framing_test.cpp: http::Server's request framing, replayed over TCP
// (examples/http_server, spoken to by a RawPeer that shares no code with it).
//
// The table holds the strict request cases of llhttp's test corpus
// (Node.js's parser, test/request/*.md, titles kept; a Host field added where
// an HTTP/1.1 request lacks one, since a missing Host has its own case) and
// cases of our own, each with the answers RFC 9112 calls for. Every
// malformed framing a recipient may refuse is refused: 400 (501 for a
// transfer coding other than chunked, 505 for another HTTP version), with
// Connection: close, and the server closes the connection. Requests
// pipelined in front of a malformed one are answered first, in order; bytes
// after it are never read as a request.
//
// Where the answer differs from llhttp's verdict, the note says why (llhttp
// knows a fixed list of methods, speaks ICE and RTSP, and parses HTTP/0.9).
// Each case's bytes are also in the fuzz seed corpus (fuzz/corpus/http).
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "integration/example_server.hpp"
#include "integration/raw_peer.hpp"
#include "integration/support.hpp"

using namespace agentio::itest;
using namespace std::string_view_literals;

namespace {

// An answer the request was taken for: any status a handler or the router
// gives (examples/http_server knows GET /, POST /echo, GET /sse: 404 and 405
// for the rest), never one of the parser's.
constexpr int kServed = 0;

struct FramingCase {
    const char* name;
    std::string_view bytes;
    std::vector<int> answers;  // in order; then the server closes
    const char* note;
};

const FramingCase kCases[] = {
    {"llhttp connection: Setting flag",
     "PUT /url HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\n\r\n",
     {kServed}, ""},
    {"llhttp connection: Restarting when keep-alive is explicitly",
     "PUT /url HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\n\r\nPUT /url HTTP/1.1\r\nHost: h\r\n"
         "Connection: keep-alive\r\n\r\n",
     {kServed, kServed}, "Host added to both requests"},
    {"llhttp connection: No restart when keep-alive is off (1.0)",
     "PUT /url HTTP/1.0\r\n\r\nPUT /url HTTP/1.1\r\n\r\n",
     {kServed}, "answered, then closed: HTTP/1.0 without keep-alive"},
    {"llhttp connection: CRLF between requests, implicit `keep-alive`",
     "POST / HTTP/1.1\r\nHost: www.example.com\r\nContent-Type: application/x-www-form-urlencoded\r\n"
         "Content-Length: 4\r\n\r\nq=42\r\n\r\nGET / HTTP/1.1",
     {kServed}, ""},
    {"llhttp connection: Not treating `\\r` as `-`",
     "PUT /url HTTP/1.1\r\nHost: h\r\nConnection: keep\ralive\r\n\r\n",
     {400}, ""},
    {"llhttp connection: Setting flag on `close`",
     "PUT /url HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
     {kServed}, ""},
    {"llhttp connection: Setting flag on `close` followed by tab",
     "PUT /url HTTP/1.1\r\nHost: h\r\nConnection: close\t\r\n\r\n",
     {kServed}, ""},
    {"llhttp connection: CRLF between requests, explicit `close`",
     "POST / HTTP/1.1\r\nHost: www.example.com\r\nContent-Type: application/x-www-form-urlencoded\r\n"
         "Content-Length: 4\r\nConnection: close\r\n\r\nq=42\r\n\r\nGET / HTTP/1.1",
     {kServed}, "answered, then closed before the bytes after it"},
    {"llhttp connection: CRLF between requests, explicit `close` followed by tab",
     "POST / HTTP/1.1\r\nHost: www.example.com\r\nContent-Type: application/x-www-form-urlencoded\r\n"
         "Content-Length: 4\r\nConnection: close\t\r\n\r\nq=42\r\n\r\nGET / HTTP/1.1",
     {kServed}, ""},
    {"llhttp connection: Sample",
     "PUT /url HTTP/1.1\r\nHost: h\r\nConnection: close, token, upgrade, token, keep-alive\r\n\r\n",
     {kServed}, ""},
    {"llhttp connection: Multiple tokens with folding and LWS",
     "GET /demo HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, upgrade\r\nUpgrade: WebSocket\r\n\r\n"
         "Hot diggity dogg",
     {kServed, 400}, "no upgrade here: the bytes after the head are the next request, which is not one"},
    {"llhttp connection: Invalid whitespace token with `Connection` header field",
     "PUT /url HTTP/1.1\r\nHost: h\r\nConnection : upgrade\r\nContent-Length: 4\r\nUpgrade: ws\r\n\r\n"
         "abcdefgh",
     {400}, ""},
    {"llhttp connection: Setting a flag and pausing",
     "PUT /url HTTP/1.1\r\nHost: h\r\nConnection: upgrade\r\nUpgrade: ws\r\n\r\n",
     {kServed}, ""},
    {"llhttp connection: Emitting part of body and pausing",
     "PUT /url HTTP/1.1\r\nHost: h\r\nConnection: upgrade\r\nContent-Length: 4\r\nUpgrade: ws\r\n\r\n"
         "abcdefgh",
     {kServed}, ""},
    {"llhttp connection: Upgrade GET request",
     "GET /demo HTTP/1.1\r\nHost: example.com\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Key2: 12998 5 Y3 1  .P00\r\nSec-WebSocket-Protocol: sample\r\nUpgrade: WebSocket\r\n"
         "Sec-WebSocket-Key1: 4 @1  46546xW%0l 1 5\r\nOrigin: http://example.com\r\n\r\nHot diggity dogg",
     {kServed, 400}, "no upgrade here: the bytes after the head are the next request, which is not one"},
    {"llhttp connection: Upgrade POST request",
     "POST /demo HTTP/1.1\r\nHost: example.com\r\nConnection: Upgrade\r\nUpgrade: HTTP/2.0\r\n"
         "Content-Length: 15\r\n\r\nsweet post bodyHot diggity dogg",
     {kServed, 400}, "the same, after a 15-byte body"},
    {"llhttp content-length: `Content-Length` with zeroes",
     "PUT /url HTTP/1.1\r\nHost: h\r\nContent-Length: 003\r\n\r\nabc",
     {kServed}, ""},
    {"llhttp content-length: `Content-Length` with follow-up headers",
     "PUT /url HTTP/1.1\r\nHost: h\r\nContent-Length: 003\r\nOhai: world\r\n\r\nabc",
     {kServed}, ""},
    {"llhttp content-length: Error on `Content-Length` overflow",
     "PUT /url HTTP/1.1\r\nHost: h\r\nContent-Length: 1000000000000000000000\r\n\r\n",
     {400}, "head completed"},
    {"llhttp content-length: Error on duplicate `Content-Length`",
     "PUT /url HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
     {400}, "head completed"},
    {"llhttp content-length: Error on simultaneous `Content-Length` and `Transfer-Encoding: identity`",
     "PUT /url HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nTransfer-Encoding: identity\r\n\r\n",
     {400}, ""},
    {"llhttp content-length: Invalid whitespace token with `Content-Length` header field",
     "PUT /url HTTP/1.1\r\nHost: h\r\nConnection: upgrade\r\nContent-Length : 4\r\nUpgrade: ws\r\n\r\n"
         "abcdefgh",
     {400}, ""},
    {"llhttp content-length: Funky `Content-Length` with body",
     "GET /get_funky_content_length_body_hello HTTP/1.0\r\nconTENT-Length: 5\r\n\r\nHELLO",
     {kServed}, ""},
    {"llhttp content-length: Spaces in `Content-Length` (surrounding)",
     "POST / HTTP/1.1\r\nHost: h\r\nContent-Length:  42 \r\n\r\n",
     {kServed}, "the 42-byte body never comes: answered, then closed"},
    {"llhttp content-length: Tabs in `Content-Length` (surrounding)",
     "POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\t42\t  \r\n\r\n",
     {kServed}, ""},
    {"llhttp content-length: Spaces in `Content-Length` #2",
     "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4 2\r\n\r\n",
     {400}, ""},
    {"llhttp content-length: Spaces in `Content-Length` #3",
     "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 13 37\r\n\r\n",
     {400}, ""},
    {"llhttp content-length: Empty `Content-Length`",
     "POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n",
     {400}, ""},
    {"llhttp content-length: `Content-Length` with CR instead of dash",
     "PUT /url HTTP/1.1\r\nHost: h\r\nContent\rLength: 003\r\n\r\nabc",
     {400}, ""},
    {"llhttp content-length: Content-Length reset when no body is received",
     "PUT /url HTTP/1.1\r\nHost: h\r\nContent-Length: 123\r\n\r\nPOST /url HTTP/1.1\r\n"
         "Content-Length: 456\r\n\r\n",
     {kServed}, "the second request is the first one's 123-byte body, which never ends"},
    {"llhttp content-length: Missing CRLF-CRLF before body",
     "PUT /url HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\rabc",
     {400}, ""},
    {"llhttp invalid: ICE protocol and GET method",
     "GET /music/sweet/music ICE/1.0\r\nHost: example.com\r\n\r\n",
     {400}, ""},
    {"llhttp invalid: ICE protocol, but not really",
     "GET /music/sweet/music IHTTP/1.0\r\nHost: example.com\r\n\r\n",
     {400}, ""},
    {"llhttp invalid: RTSP protocol and PUT method",
     "PUT /music/sweet/music RTSP/1.0\r\nHost: example.com\r\n\r\n",
     {400}, ""},
    {"llhttp invalid: HTTP protocol and ANNOUNCE method",
     "ANNOUNCE /music/sweet/music HTTP/1.0\r\nHost: example.com\r\n\r\n",
     {kServed}, "any token is a method (RFC 9110 9.1); llhttp knows a list"},
    {"llhttp invalid: Headers separated by CR",
     "GET / HTTP/1.1\r\nHost: h\r\nFoo: 1\rBar: 2\r\n\r\n",
     {400}, ""},
    {"llhttp invalid: Headers separated by LF",
     "POST / HTTP/1.1\r\nHost: localhost:5000\r\nx:x\nTransfer-Encoding: chunked\r\n\r\n1\r\nA\r\n0\r\n",
     {400}, ""},
    {"llhttp invalid: Headers separated by dummy characters",
     "GET / HTTP/1.1\r\nConnection: close\r\nHost: a\r\n\rZGET /evil: HTTP/1.1\r\nHost: a\r\n",
     {400}, ""},
    {"llhttp invalid: Empty headers separated by CR",
     "POST / HTTP/1.1\r\nConnection: Close\r\nHost: localhost:5000\r\nx:\rTransfer-Encoding: chunked\r\n"
         "\r\n1\r\nA\r\n0\r\n",
     {400}, ""},
    {"llhttp invalid: Empty headers separated by LF",
     "POST / HTTP/1.1\r\nHost: localhost:5000\r\nx:\nTransfer-Encoding: chunked\r\n\r\n1\r\nA\r\n0\r\n",
     {400}, ""},
    {"llhttp invalid: Invalid header token #1",
     "GET / HTTP/1.1\r\nHost: h\r\nFo@: Failure\r\n\r\n",
     {400}, ""},
    {"llhttp invalid: Invalid header token #2",
     "GET / HTTP/1.1\r\nHost: h\r\nFoo\x01\test: Bar\r\n\r\n",
     {400}, ""},
    {"llhttp invalid: Invalid header token #3",
     "GET / HTTP/1.1\r\nHost: h\r\n: Bar\r\n\r\n",
     {400}, ""},
    {"llhttp invalid: Invalid method",
     "MKCOLA / HTTP/1.1\r\nHost: h\r\n\r\n",
     {kServed}, "any token is a method (RFC 9110 9.1); llhttp knows a list"},
    {"llhttp invalid: Illegal header field name line folding",
     "GET / HTTP/1.1\r\nHost: h\r\nname\r\n : value\r\n\r\n",
     {400}, ""},
    {"llhttp invalid: Corrupted Connection header",
     "GET / HTTP/1.1\r\nHost: www.example.com\r\nConnection\r\x1b""5\xd5""eep-Alive\r\n"
         "Accept-Encoding: gzip\r\n\r\n",
     {400}, ""},
    {"llhttp invalid: Corrupted header name",
     "GET / HTTP/1.1\r\nHost: www.example.com\r\nX-Some-Header\r\x1b""5\xd5""eep-Alive\r\n"
         "Accept-Encoding: gzip\r\n\r\n",
     {400}, ""},
    {"llhttp invalid: Missing CR between headers",
     "GET / HTTP/1.1\r\nHost: localhost\r\nDummy: x\nContent-Length: 23\r\n\r\nGET / HTTP/1.1\r\n"
         "Dummy: GET /admin HTTP/1.1\r\nHost: localhost\r\n\r\n",
     {400}, ""},
    {"llhttp invalid: Invalid HTTP version",
     "GET / HTTP/5.6",
     {505}, "refused before the line ends"},
    {"llhttp invalid: Invalid space after start line",
     "GET / HTTP/1.1\r\n Host: foo",
     {400}, "refused before the head ends"},
    {"llhttp invalid: Only LFs present",
     "POST / HTTP/1.1\nTransfer-Encoding: chunked\nTrailer: Baz\r\nFoo: abc\nBar: def\n\n1\nA\n1;abc\nB\n"
         "1;def=ghi\nC\n1;jkl=\"mno\"\nD\n0\n\nBaz: ghi\n\n\\",
     {400}, ""},
    {"llhttp invalid: Spaces before headers",
     "POST /hello HTTP/1.1\r\nHost: localhost\r\nFoo: bar\r\n Content-Length: 38\r\n\r\n"
         "GET /bye HTTP/1.1\r\nHost: localhost\r\n\r\n",
     {400}, ""},
    {"llhttp lenient-header-value-relaxed: Control char in header value (strict)",
     "GET /url HTTP/1.1\r\nHost: h\r\nHeader1: hello\x0cworld\r\n\r\n",
     {400}, ""},
    {"llhttp lenient-headers: Header value",
     "GET /url HTTP/1.1\r\nHost: h\r\nHeader1: \x0c\r\n\r\n\r\n",
     {400}, ""},
    {"llhttp method: REPORT request",
     "REPORT /test HTTP/1.1\r\nHost: h\r\n\r\n",
     {kServed}, ""},
    {"llhttp method: CONNECT request",
     "CONNECT 0-home0.netscape.com:443 HTTP/1.0\r\nUser-agent: Mozilla/1.1N\r\n"
         "Proxy-authorization: basic aGVsbG86d29ybGQ=\r\n\r\nsome data\r\nand yet even more data",
     {kServed}, "no tunnel here: answered (HTTP/1.0), then closed"},
    {"llhttp method: CONNECT request with CAPS",
     "CONNECT HOME0.NETSCAPE.COM:443 HTTP/1.0\r\nUser-agent: Mozilla/1.1N\r\n"
         "Proxy-authorization: basic aGVsbG86d29ybGQ=\r\n\r\n",
     {kServed}, ""},
    {"llhttp method: CONNECT with body",
     "CONNECT foo.bar.com:443 HTTP/1.0\r\nUser-agent: Mozilla/1.1N\r\n"
         "Proxy-authorization: basic aGVsbG86d29ybGQ=\r\nContent-Length: 10\r\n\r\nblarfcicle\"",
     {kServed}, ""},
    {"llhttp method: M-SEARCH request",
     "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nST: \"ssdp:all\"\r\n"
         "\r\n",
     {400}, "\"*\" is the target of OPTIONS only (RFC 9112 3.2.4); llhttp takes it"},
    {"llhttp method: PATCH request",
     "PATCH /file.txt HTTP/1.1\r\nHost: www.example.com\r\nContent-Type: application/example\r\n"
         "If-Match: \"e0023aa4e\"\r\nContent-Length: 10\r\n\r\ncccccccccc",
     {kServed}, ""},
    {"llhttp method: PURGE request",
     "PURGE /file.txt HTTP/1.1\r\nHost: www.example.com\r\n\r\n",
     {kServed}, ""},
    {"llhttp method: SEARCH request",
     "SEARCH / HTTP/1.1\r\nHost: www.example.com\r\n\r\n",
     {kServed}, ""},
    {"llhttp method: LINK request",
     "LINK /images/my_dog.jpg HTTP/1.1\r\nHost: example.com\r\n"
         "Link: <http://example.com/profiles/joe>; rel=\"tag\"\r\n"
         "Link: <http://example.com/profiles/sally>; rel=\"tag\"\r\n\r\n",
     {kServed}, ""},
    {"llhttp method: UNLINK request",
     "UNLINK /images/my_dog.jpg HTTP/1.1\r\nHost: example.com\r\n"
         "Link: <http://example.com/profiles/sally>; rel=\"tag\"\r\n\r\n",
     {kServed}, ""},
    {"llhttp method: SOURCE request",
     "SOURCE /music/sweet/music HTTP/1.1\r\nHost: example.com\r\n\r\n",
     {kServed}, ""},
    {"llhttp method: SOURCE request with ICE",
     "SOURCE /music/sweet/music ICE/1.0\r\nHost: example.com\r\n\r\n",
     {400}, "only HTTP/1.x is spoken here"},
    {"llhttp method: OPTIONS request with RTSP",
     "OPTIONS /music/sweet/music RTSP/1.0\r\nHost: example.com\r\n\r\n",
     {400}, "only HTTP/1.x is spoken here"},
    {"llhttp method: ANNOUNCE request with RTSP",
     "ANNOUNCE /music/sweet/music RTSP/1.0\r\nHost: example.com\r\n\r\n",
     {400}, "only HTTP/1.x is spoken here"},
    {"llhttp method: PRI request HTTP2",
     "PRI * HTTP/1.1\r\n\r\nSM\r\n\r\n",
     {400}, "no HTTP/2 here: \"*\" is the target of OPTIONS only"},
    {"llhttp method: QUERY request",
     "QUERY /contacts HTTP/1.1\r\nHost: example.org\r\nContent-Type: example/query\r\n"
         "Accept: text/csv\r\nContent-Length: 41\r\n\r\nselect surname, givenname, email limit 10",
     {kServed}, ""},
    {"llhttp pipelining: Should parse multiple events",
     "POST /aaa HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nAAA\r\nPUT /bbb HTTP/1.1\r\nHost: h\r\n"
         "Content-Length: 4\r\n\r\nBBBB\r\nPATCH /ccc HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nCCCC",
     {kServed, kServed, kServed}, "Host added; the third body never ends: answered, then closed"},
    {"llhttp sample: Simple request",
     "OPTIONS /url HTTP/1.1\r\nHost: h\r\nHeader1: Value1\r\nHeader2:\t Value2\r\n\r\n",
     {kServed}, ""},
    {"llhttp sample: Request with method starting with `H`",
     "HEAD /url HTTP/1.1\r\nHost: h\r\n\r\n",
     {kServed}, ""},
    {"llhttp sample: curl GET",
     "GET /test HTTP/1.1\r\n"
         "User-Agent: curl/7.18.0 (i486-pc-linux-gnu) libcurl/7.18.0 OpenSSL/0.9.8g zlib/1.2.3.3 libidn/1.1\r"
         "\nHost: 0.0.0.0=5000\r\nAccept: */*\r\n\r\n",
     {kServed}, ""},
    {"llhttp sample: Firefox GET",
     "GET /favicon.ico HTTP/1.1\r\nHost: 0.0.0.0=5000\r\n"
         "User-Agent: Mozilla/5.0 (X11; U; Linux i686; en-US; rv:1.9) Gecko/2008061015 Firefox/3.0\r\n"
         "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
         "Accept-Language: en-us,en;q=0.5\r\nAccept-Encoding: gzip,deflate\r\n"
         "Accept-Charset: ISO-8859-1,utf-8;q=0.7,*;q=0.7\r\nKeep-Alive: 300\r\nConnection: keep-alive\r\n\r\n",
     {kServed}, ""},
    {"llhttp sample: DUMBPACK",
     "GET /dumbpack HTTP/1.1\r\nHost: h\r\naaaaaaaaaaaaa:++++++++++\r\n\r\n",
     {kServed}, ""},
    {"llhttp sample: No headers and no body",
     "GET /get_no_headers_no_body/world HTTP/1.1\r\nHost: h\r\n\r\n",
     {kServed}, ""},
    {"llhttp sample: One header and no body",
     "GET /get_one_header_no_body HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n\r\n",
     {kServed}, ""},
    {"llhttp sample: Apache bench GET",
     "GET /test HTTP/1.0\r\nHost: 0.0.0.0:5000\r\nUser-Agent: ApacheBench/2.3\r\nAccept: */*\r\n\r\n",
     {kServed}, ""},
    {"llhttp sample: Prefix newline",
     "\r\nGET /test HTTP/1.1\r\nHost: h\r\n\r\n",
     {kServed}, "Host added"},
    {"llhttp sample: No HTTP version",
     "GET /\r\n\r\n",
     {400}, "no HTTP/0.9 here"},
    {"llhttp sample: Line folding in header value with LF",
     "GET / HTTP/1.1\r\nLine1:   abc\n\tdef\n ghi\n\t\tjkl\n  mno \n\t \tqrs\nLine2: \t line2\t\nLine3:\n"
         " line3\nLine4: \n \nConnection:\n close\n\n",
     {400}, ""},
    {"llhttp sample: No LF after CR",
     "GET / HTTP/1.1\rLine: 1\r\n",
     {400}, ""},
    {"llhttp sample: Request starting with CRLF",
     "\r\nGET /url HTTP/1.1\r\nHost: h\r\nHeader1: Value1\r\n\r\n",
     {kServed}, "Host added"},
    {"llhttp sample: Extended Characters",
     "GET / HTTP/1.1\r\nHost: h\r\nTest: D\xfcsseldorf\r\n\r\n",
     {kServed}, ""},
    {"llhttp sample: 255 ASCII in header value",
     "OPTIONS /url HTTP/1.1\r\nHost: h\r\nHeader1: Value1\r\nHeader2: \xffValue2\r\n\r\n",
     {kServed}, ""},
    {"llhttp transfer-encoding: Parsing and setting flag",
     "PUT /url HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n",
     {kServed}, ""},
    {"llhttp transfer-encoding: Parse chunks with lowercase size",
     "PUT /url HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n0\r\n\r\n",
     {kServed}, ""},
    {"llhttp transfer-encoding: Parse chunks with uppercase size",
     "PUT /url HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n",
     {kServed}, ""},
    {"llhttp transfer-encoding: POST with `Transfer-Encoding: chunked`",
     "POST /post_chunked_all_your_base HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1e\r\n"
         "all your base are belong to us\r\n0\r\n\r\n",
     {kServed}, ""},
    {"llhttp transfer-encoding: Two chunks and triple zero prefixed end chunk",
     "POST /two_chunks_mult_zero_end HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n"
         "hello\r\n6\r\n world\r\n000\r\n\r\n",
     {kServed}, ""},
    {"llhttp transfer-encoding: Trailing headers",
     "POST /chunked_w_trailing_headers HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n"
         "hello\r\n6\r\n world\r\n0\r\nVary: *\r\nContent-Type: text/plain\r\n\r\n",
     {kServed}, ""},
    {"llhttp transfer-encoding: Chunk extensions",
     "POST /chunked_w_unicorns_after_length HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
         "5;ilovew3;somuchlove=aretheseparametersfor;another=withvalue\r\nhello\r\n6;blahblah;blah\r\n"
         " world\r\n0\r\n",
     {kServed}, ""},
    {"llhttp transfer-encoding: No semicolon before chunk extensions",
     "POST /chunked_w_unicorns_after_length HTTP/1.1\r\nHost: localhost\r\nTransfer-encoding: chunked\r\n"
         "\r\n2 erfrferferf\r\naa\r\n0 rrrr\r\n\r\n",
     {400}, ""},
    {"llhttp transfer-encoding: No extension after semicolon",
     "POST /chunked_w_unicorns_after_length HTTP/1.1\r\nHost: localhost\r\nTransfer-encoding: chunked\r\n"
         "\r\n2;\r\naa\r\n0\r\n\r\n",
     {400}, ""},
    {"llhttp transfer-encoding: Chunk extensions quoting",
     "POST /chunked_w_unicorns_after_length HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
         "5;ilovew3=\"I \\\"love\\\"; \\\\extensions\\\\\";somuchlove=\"aretheseparametersfor\";blah;foo=bar"
         "\r\nhello\r\n6;blahblah;blah\r\n world\r\n0\r\n",
     {kServed}, ""},
    {"llhttp transfer-encoding: Unbalanced chunk extensions quoting",
     "POST /chunked_w_unicorns_after_length HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
         "5;ilovew3=\"abc\";somuchlove=\"def; ghi\r\nhello\r\n6;blahblah;blah\r\n world\r\n0\r\n",
     {400}, ""},
    {"llhttp transfer-encoding: Ignoring `pigeons`",
     "PUT /url HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: pigeons\r\n\r\n",
     {400}, ""},
    {"llhttp transfer-encoding: POST with `Transfer-Encoding` and `Content-Length`",
     "POST /post_identity_body_world?q=search#hey HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n"
         "Transfer-Encoding: identity\r\nContent-Length: 5\r\n\r\nWorld",
     {400}, ""},
    {"llhttp transfer-encoding: POST with empty `Transfer-Encoding` and `Content-Length` (lenient)",
     "POST / HTTP/1.1\r\nHost: foo\r\nContent-Length: 10\r\nTransfer-Encoding:\r\nTransfer-Encoding:\r\n"
         "Transfer-Encoding:\r\n\r\n2\r\nAA\r\n0",
     {400}, ""},
    {"llhttp transfer-encoding: POST with `chunked` before other transfer coding names",
     "POST /post_identity_body_world?q=search#hey HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n"
         "Transfer-Encoding: chunked, deflate\r\n\r\nWorld",
     {400}, ""},
    {"llhttp transfer-encoding: POST with `chunked` and duplicate transfer-encoding",
     "POST /post_identity_body_world?q=search#hey HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n"
         "Transfer-Encoding: chunked\r\nTransfer-Encoding: deflate\r\n\r\nWorld",
     {400}, ""},
    {"llhttp transfer-encoding: POST with `chunked` as last transfer-encoding",
     "POST /post_identity_body_world?q=search#hey HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n"
         "Transfer-Encoding: deflate, chunked\r\n\r\n5\r\nWorld\r\n0\r\n\r\n",
     {501}, "501: only chunked is implemented (RFC 9112 6.1); llhttp does not decode either"},
    {"llhttp transfer-encoding: POST with `chunked` as last transfer-encoding (multiple headers)",
     "POST /post_identity_body_world?q=search#hey HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n"
         "Transfer-Encoding: deflate\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nWorld\r\n0\r\n\r\n",
     {501}, ""},
    {"llhttp transfer-encoding: POST with `chunkedchunked` as transfer-encoding",
     "POST /post_identity_body_world?q=search#hey HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n"
         "Transfer-Encoding: chunkedchunked\r\n\r\n5\r\nWorld\r\n0\r\n\r\n",
     {400}, ""},
    {"llhttp transfer-encoding: Missing last-chunk",
     "PUT /url HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nfoo\r\n\r\n",
     {400}, ""},
    {"llhttp transfer-encoding: Validate chunk parameters",
     "PUT /url HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3 \n  \r\nfoo\r\n\r\n",
     {400}, ""},
    {"llhttp transfer-encoding: Chunk header not terminated by CRLF",
     "GET / HTTP/1.1\r\nHost: a\r\nConnection: close \r\nTransfer-Encoding: chunked \r\n\r\n"
         "5\r\r;ABCD\r\n34\r\nE\r\n0\r\n\r\nGET / HTTP/1.1 \r\nHost: a\r\nContent-Length: 5\r\n\r\n0\r\n",
     {400}, "found while the unread body is drained, before the answer"},
    {"llhttp transfer-encoding: Chunk data not terminated by CRLF",
     "GET / HTTP/1.1\r\nHost: a\r\nConnection: close \r\nTransfer-Encoding: chunked \r\n\r\n5\r\n"
         "ABCDE0\r\n",
     {400}, ""},
    {"llhttp transfer-encoding: Space after chunk header",
     "PUT /url HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\na \r\n0123456789\r\n0\r\n\r\n",
     {400}, ""},
    {"llhttp uri: Quotes in URI",
     "GET /with_\"lovely\"_quotes?foo=\\\"bar\\\" HTTP/1.1\r\nHost: h\r\n\r\n",
     {kServed}, ""},
    {"llhttp uri: Query URL with question mark",
     "GET /test.cgi?foo=bar?baz HTTP/1.1\r\nHost: h\r\n\r\n",
     {kServed}, ""},
    {"llhttp uri: Host terminated by a query string",
     "GET http://hypnotoad.org?hail=all HTTP/1.1\r\nHost: h\r\n\r\n\r\n",
     {kServed}, ""},
    {"llhttp uri: `host:port` terminated by a query string",
     "GET http://hypnotoad.org:1234?hail=all HTTP/1.1\r\nHost: h\r\n\r\n",
     {kServed}, ""},
    {"llhttp uri: Query URL with vertical bar character",
     "GET /test.cgi?query=| HTTP/1.1\r\nHost: h\r\n\r\n",
     {kServed}, ""},
    {"llhttp uri: `host:port` terminated by a space",
     "GET http://hypnotoad.org:1234 HTTP/1.1\r\nHost: h\r\n\r\n",
     {kServed}, ""},
    {"llhttp uri: Disallow UTF-8 in URI path in strict mode",
     "GET /\xce\xb4\xb6/\xce\xb4t/pope?q=1#narf HTTP/1.1\r\nHost: github.com\r\n\r\n",
     {400}, ""},
    {"llhttp uri: Fragment in URI",
     "GET /forums/1/topics/2375?page=1#posts-17408 HTTP/1.1\r\nHost: h\r\n\r\n",
     {kServed}, ""},
    {"llhttp uri: Underscore in hostname",
     "CONNECT home_0.netscape.com:443 HTTP/1.0\r\nUser-agent: Mozilla/1.1N\r\n"
         "Proxy-authorization: basic aGVsbG86d29ybGQ=\r\n\r\n",
     {kServed}, ""},
    {"llhttp uri: `host:port` and basic auth",
     "GET http://a%12:b!&*$@hypnotoad.org:1234/toto HTTP/1.1\r\nHost: h\r\n\r\n",
     {kServed}, ""},
    {"llhttp uri: Space in URI",
     "GET /foo bar/ HTTP/1.1\r\nHost: h\r\n\r\n",
     {400}, ""},
    {"own: bare LF inside the header section",
     "GET / HTTP/1.1\r\nHost: a\nX: y\r\n\r\n",
     {400}, ""},
    {"own: bare LF ending the request line",
     "GET / HTTP/1.1\nHost: a\r\n\r\n",
     {400}, ""},
    {"own: bare LF before the request line",
     "\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
     {400}, ""},
    {"own: bare CR in the request line",
     "GET /\r HTTP/1.1\r\nHost: a\r\n\r\n",
     {400}, ""},
    {"own: obs-fold line",
     "GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n 2\r\n\r\n",
     {400}, ""},
    {"own: no Host in HTTP/1.1",
     "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n",
     {400}, ""},
    {"own: no Host in HTTP/1.0",
     "GET / HTTP/1.0\r\n\r\n",
     {kServed}, ""},
    {"own: two Host fields",
     "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
     {400}, ""},
    {"own: Host that is not host:port",
     "GET / HTTP/1.1\r\nHost: a/b@c\r\n\r\n",
     {400}, ""},
    {"own: Transfer-Encoding in HTTP/1.0",
     "POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n",
     {400}, ""},
    {"own: chunked twice",
     "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n",
     {400}, ""},
    {"own: gzip not followed by chunked",
     "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\nabc",
     {400}, ""},
    {"own: repeated equal Content-Length",
     "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
     {400}, ""},
    {"own: Content-Length list",
     "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 3\r\n\r\nabc",
     {400}, ""},
    {"own: chunked echo with extensions and trailers",
     "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3 ; a = \"b\\\"c\"\r\nabc\r\n"
         "0;x\r\nT: 1\r\n\r\n",
     {kServed}, ""},
    {"own: bare LF in a trailer",
     "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nT: 1\n\r\n",
     {400}, ""},
    {"own: obs-fold in a trailer",
     "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nT: 1\r\n 2\r\n"
         "\r\n",
     {400}, ""},
    {"own: bare LF after a chunk size",
     "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n",
     {400}, ""},
    {"own: chunk size overflowing 64 bits",
     "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n",
     {400}, ""},
    {"own: pipelined: bare LF in the second request",
     "GET / HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nHost: h\nX: 1\r\n\r\nGET / HTTP/1.1\r\n"
         "Host: h\r\n\r\n",
     {kServed, 400}, "the first is answered, then the 400, then the close: the third is never read"},
    {"own: pipelined: both framings in the second request",
     "GET / HTTP/1.1\r\nHost: h\r\n\r\nPOST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n"
         "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n",
     {kServed, 400}, ""},
    {"own: pipelined: bad chunk in the second request",
     "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nokPOST /echo HTTP/1.1\r\nHost: h\r\n"
         "Transfer-Encoding: chunked\r\n\r\n2 junk\r\nzz\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n",
     {kServed, 400}, ""},
    {"own: pipelined: unsupported version in the third request",
     "GET / HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/2.0\r\nHost: h\r\n\r\n",
     {kServed, kServed, 505}, ""},
};

bool served(int status) { return (status >= 200 && status < 300) || status == 404 || status == 405; }

class ServerFramingTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (!ExampleServer::available()) GTEST_SKIP() << "needs " << ExampleServer::binary();
    }
};

TEST_F(ServerFramingTest, ReplayedRequestsGetTheAnswersOfRfc9112AndTheConnectionCloses) {
    ExampleServer server;
    std::size_t refused = 0, taken = 0;
    for (const FramingCase& c : kCases) {
        SCOPED_TRACE(std::string(c.name) + (*c.note ? std::string(" (") + c.note + ")" : ""));
        RawPeer peer(server.port());
        peer.send(c.bytes);  // may stop early: the server can answer and close first
        // A stream that ends with requests the server takes is ended by us;
        // one that ends in an error must be closed by the server on its own.
        if (c.answers.back() == kServed) peer.shutdown_write();
        bool closed = false;
        bool missing = false;  // then the next case: every disagreement shows in one run
        for (std::size_t i = 0; i < c.answers.size() && !missing; ++i) {
            const RawResponse response = peer.read_response();
            if (response.head.empty()) {
                ADD_FAILURE() << "answer " << i + 1 << " of " << c.answers.size() << " missing (" << to_string(response.end)
                              << "): " << response.bytes;
                missing = true;
                break;
            }
            if (c.answers[i] == kServed) {
                EXPECT_TRUE(served(response.status)) << "answer " << i + 1 << ": " << response.head << response.body;
                ++taken;
            } else {
                EXPECT_EQ(response.status, c.answers[i]) << "answer " << i + 1 << ": " << response.head << response.body;
                EXPECT_EQ(response.header("Connection").value_or(""), "close") << response.head;
                ++refused;
            }
            // A HEAD answer has a Content-Length but no body: it ends with the close.
            if (response.end != ReadEnd::Complete) {
                EXPECT_EQ(i + 1, c.answers.size()) << "the connection ended after answer " << i + 1;
                closed = response.end == ReadEnd::Closed || response.end == ReadEnd::Reset;
                break;
            }
        }
        if (!closed && !missing) {
            const RawResponse rest = peer.read_until_close();
            EXPECT_TRUE(rest.end == ReadEnd::Closed || rest.end == ReadEnd::Reset)
                << "the server left the connection open (" << to_string(rest.end) << ")";
            EXPECT_EQ(rest.bytes, "") << "more answers than expected";
        }
    }
    EXPECT_GE(std::size(kCases), 140u);
    EXPECT_GE(refused, 70u);
    EXPECT_GE(taken, 60u);
    RecordProperty("answers", std::to_string(taken) + " taken, " + std::to_string(refused) + " refused");

    RawPeer peer(server.port());
    ASSERT_TRUE(peer.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_EQ(peer.read_response().status, 200) << "the server still serves";
}

}  // namespace
