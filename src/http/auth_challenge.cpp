// auth_challenge.cpp: reading WWW-Authenticate.
#include "agentio/http/auth_challenge.hpp"

#include <cctype>

namespace agentio::http {

namespace {

bool is_tchar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

class Reader {
public:
    explicit Reader(std::string_view text) : text_(text) {}

    void skip_spaces() {
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
    }
    // Spaces and commas between list items.
    void skip_separators() {
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == ',')) ++pos_;
    }
    bool done() const { return pos_ >= text_.size(); }
    char peek() const { return done() ? '\0' : text_[pos_]; }
    std::size_t position() const { return pos_; }
    void rewind(std::size_t to) { pos_ = to; }

    std::string token() {
        const std::size_t start = pos_;
        while (pos_ < text_.size() && is_tchar(text_[pos_])) ++pos_;
        return std::string(text_.substr(start, pos_ - start));
    }
    // token68: token characters and "/", then any '='.
    std::string token68() {
        const std::size_t start = pos_;
        while (pos_ < text_.size() && (is_tchar(text_[pos_]) || text_[pos_] == '/')) ++pos_;
        while (pos_ < text_.size() && text_[pos_] == '=') ++pos_;
        return std::string(text_.substr(start, pos_ - start));
    }
    std::optional<std::string> quoted() {
        if (peek() != '"') return std::nullopt;
        std::string value;
        for (++pos_; pos_ < text_.size(); ++pos_) {
            const char c = text_[pos_];
            if (c == '"') {
                ++pos_;
                return value;
            }
            if (c == '\\' && pos_ + 1 < text_.size()) ++pos_;
            value += text_[pos_];
        }
        return std::nullopt;  // unterminated
    }

private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

std::string lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

}  // namespace

std::optional<std::string> AuthChallenge::param(std::string_view name) const {
    const auto found = params.find(lower(std::string(name)));
    if (found == params.end()) return std::nullopt;
    return found->second;
}

std::vector<AuthChallenge> parse_auth_challenges(std::string_view header) {
    std::vector<AuthChallenge> challenges;
    Reader in(header);
    for (;;) {
        in.skip_separators();
        AuthChallenge challenge;
        challenge.scheme = in.token();
        if (challenge.scheme.empty()) break;
        in.skip_spaces();
        // A token68 stands alone: ',' or the end follows it (a parameter's
        // "name=" would be followed by its value).
        const std::size_t after_scheme = in.position();
        std::string token68 = in.token68();
        in.skip_spaces();
        if (!token68.empty() && (in.done() || in.peek() == ',')) {
            challenge.token68 = std::move(token68);
            challenges.push_back(std::move(challenge));
            continue;
        }
        in.rewind(after_scheme);
        for (;;) {
            in.skip_separators();
            const std::size_t start = in.position();
            std::string name = in.token();
            in.skip_spaces();
            if (name.empty() || in.peek() != '=') {
                in.rewind(start);  // the next challenge's scheme, or the end
                break;
            }
            in.rewind(in.position() + 1);
            in.skip_spaces();
            std::optional<std::string> value = in.peek() == '"' ? in.quoted() : std::optional(in.token());
            if (!value) {  // an unterminated quote: nothing after it can be trusted
                challenges.push_back(std::move(challenge));
                return challenges;
            }
            challenge.params[lower(std::move(name))] = std::move(*value);
            in.skip_spaces();
            if (!in.done() && in.peek() != ',') {  // garbage after a value
                challenges.push_back(std::move(challenge));
                return challenges;
            }
        }
        challenges.push_back(std::move(challenge));
    }
    return challenges;
}

}  // namespace agentio::http
