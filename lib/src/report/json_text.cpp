#include "report/json_text.hpp"

#include "report/report_common.hpp"

#include <fmt/format.h>

#include <cmath>

namespace basinkit::report {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

/// Length of the valid UTF-8 sequence at text[i] (RFC 3629: no overlong forms, no
/// surrogates, nothing above U+10FFFF), or 0 with `*prefix` set to the number of bytes
/// that began a sequence before it broke off (each such maximal prefix, or a lone bad
/// byte, becomes one U+FFFD — as nlohmann's replacing serializer does).
size_t sequence_length(std::string_view text, size_t i, size_t* prefix) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    *prefix = 1;  // a continuation byte or one never used in UTF-8
    return 0;
  }
  for (size_t k = 1; k < length; ++k) {
    const size_t at = i + k;
    const bool ok =
        at < text.size() && byte(at) >= (k == 1 ? low : 0x80) && byte(at) <= (k == 1 ? high : 0xBF);
    if (!ok) {
      *prefix = k;
      return 0;
    }
  }
  return length;
}

}  // namespace

void JsonText::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (depth_ == 0) return;
  const std::uint64_t bit = std::uint64_t{1} << (depth_ - 1);
  if (filled_ & bit) out_ += ',';
  filled_ |= bit;
}

void JsonText::open(char bracket) {
  separate();
  out_ += bracket;
  ++depth_;
  filled_ &= ~(std::uint64_t{1} << (depth_ - 1));
}

JsonText& JsonText::begin_object() {
  open('{');
  return *this;
}

JsonText& JsonText::end_object() {
  --depth_;
  out_ += '}';
  return *this;
}

JsonText& JsonText::begin_array() {
  open('[');
  return *this;
}

JsonText& JsonText::end_array() {
  --depth_;
  out_ += ']';
  return *this;
}

JsonText& JsonText::members(std::string_view text) {
  separate();
  out_ += text;
  return *this;
}

JsonText& JsonText::key(std::string_view name) {
  separate();
  string(name);
  out_ += ':';
  after_key_ = true;
  return *this;
}

JsonText& JsonText::value(std::string_view text) {
  separate();
  string(text);
  return *this;
}

JsonText& JsonText::value(const std::optional<std::string>& code) {
  return code ? value(std::string_view(*code)) : null();
}

JsonText& JsonText::value(bool b) {
  separate();
  out_ += b ? "true" : "false";
  return *this;
}

JsonText& JsonText::value(double number) {
  if (!std::isfinite(number)) return null();
  separate();
  const double magnitude = std::fabs(number);
  if (magnitude >= 1e15 || (magnitude > 0 && magnitude < 1e-4)) {
    // Where the two disagree on switching to an exponent, nlohmann's own form (rare).
    out_ += dump(Json(number));
    return *this;
  }
  // Shortest text that reads back as the same double; a ".0" keeps integral values real.
  const size_t start = out_.size();
  fmt::format_to(std::back_inserter(out_), "{}", number);
  if (out_.find_first_of(".e", start) == std::string::npos) out_ += ".0";
  return *this;
}

JsonText& JsonText::null() {
  separate();
  out_ += "null";
  return *this;
}

void JsonText::string(std::string_view text) {
  out_ += '"';
  size_t i = 0;
  while (i < text.size()) {
    // Runs of plain ASCII are copied at once.
    size_t plain = i;
    while (plain < text.size()) {
      const auto c = static_cast<unsigned char>(text[plain]);
      if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
      ++plain;
    }
    out_.append(text.data() + i, plain - i);
    i = plain;
    if (i == text.size()) break;
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          out_ += "\\\"";
          break;
        case '\\':
          out_ += "\\\\";
          break;
        case '\b':
          out_ += "\\b";
          break;
        case '\t':
          out_ += "\\t";
          break;
        case '\n':
          out_ += "\\n";
          break;
        case '\f':
          out_ += "\\f";
          break;
        case '\r':
          out_ += "\\r";
          break;
        default:
          fmt::format_to(std::back_inserter(out_), "\\u{:04x}", c);
      }
      ++i;
      continue;
    }
    size_t prefix = 0;
    const size_t length = sequence_length(text, i, &prefix);
    if (length) {
      out_.append(text.data() + i, length);
      i += length;
    } else {
      out_ += kReplacement;
      i += prefix;
    }
  }
  out_ += '"';
}

}  // namespace basinkit::report
