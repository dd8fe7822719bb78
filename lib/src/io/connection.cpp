#include "io/connection.hpp"

#include <algorithm>
#include <cctype>

namespace basinkit::io {
namespace {

constexpr const char* kHidden = "***";

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/// Hides the values of `password = value` (libpq keyword syntax: a value runs to the next
/// blank, or is quoted with '…' and \-escapes; in a URI query it also ends at '&').
void hide_keyword_values(std::string& text) {
  const std::string key = "password";
  size_t from = 0;
  for (;;) {
    const size_t at = lower(text).find(key, from);
    if (at == std::string::npos) return;
    size_t i = at + key.size();
    while (i < text.size() && blank(text[i])) ++i;
    if (i >= text.size() || text[i] != '=') {
      from = at + key.size();
      continue;
    }
    ++i;
    while (i < text.size() && blank(text[i])) ++i;
    size_t end = i;
    if (end < text.size() && text[end] == '\'') {
      for (++end; end < text.size() && text[end] != '\''; ++end)
        if (text[end] == '\\') ++end;
      end = std::min(end + 1, text.size());
    } else {
      while (end < text.size() && !blank(text[end]) && text[end] != '&' && text[end] != '"') ++end;
    }
    if (text.compare(i, end - i, kHidden) != 0) text.replace(i, end - i, kHidden);
    from = i + std::char_traits<char>::length(kHidden);
  }
}

/// Hides the password of `scheme://user:password@host` (a URI's user information).
void hide_uri_passwords(std::string& text) {
  size_t from = 0;
  for (;;) {
    const size_t scheme_end = text.find("://", from);
    if (scheme_end == std::string::npos) return;
    const size_t start = scheme_end + 3;
    size_t end = start;
    while (end < text.size() && !blank(text[end]) && text[end] != '/' && text[end] != '?' &&
           text[end] != '#')
      ++end;
    const size_t at = text.rfind('@', end == 0 ? 0 : end - 1);
    if (at != std::string::npos && at >= start && at < end) {
      const size_t colon = text.find(':', start);
      if (colon != std::string::npos && colon < at &&
          text.compare(colon + 1, at - colon - 1, kHidden) != 0) {
        text.replace(colon + 1, at - colon - 1, kHidden);
        end = colon + 1 + std::char_traits<char>::length(kHidden);
      }
    }
    from = std::max(end, start);
  }
}

}  // namespace

bool is_database_source(const std::string& source) {
  return source.size() >= 3 && lower(source.substr(0, 3)) == "pg:";
}

std::string redact_secrets(std::string text) {
  hide_keyword_values(text);
  hide_uri_passwords(text);
  return text;
}

}  // namespace basinkit::io
