#pragma once
// Internal: JSON text appended straight to a string, without building a document — the
// hot path of screening reports (a million sites a run, one object each). The text is
// what dump() makes of the same nlohmann document (compact, keys in call order, invalid
// UTF-8 replaced by U+FFFD, integral reals with ".0", non-finite reals as null); the
// tests compare the two.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace basinkit::report {

class JsonText {
 public:
  explicit JsonText(std::string& out) : out_(out) {}

  JsonText& begin_object();
  JsonText& end_object();
  JsonText& begin_array();
  JsonText& end_array();
  /// The key of the next member of the current object.
  JsonText& key(std::string_view name);

  JsonText& value(std::string_view text);
  JsonText& value(const char* text) { return value(std::string_view(text)); }
  JsonText& value(const std::string& text) { return value(std::string_view(text)); }
  /// A code: the string, or null.
  JsonText& value(const std::optional<std::string>& code);
  JsonText& value(bool b);
  JsonText& value(double number);
  JsonText& null();
  /// Members of the current object already written as text (`"a":1,"b":"x"`, by another
  /// JsonText): copied, so that text repeated from site to site is escaped once.
  JsonText& members(std::string_view text);

 private:
  /// The comma before a value or key that is not the first in its container.
  void separate();
  void open(char bracket);
  void string(std::string_view text);

  std::string& out_;
  // One bit per open container (up to 64 deep): set once it holds a member.
  std::uint64_t filled_ = 0;
  int depth_ = 0;
  bool after_key_ = false;
};

}  // namespace basinkit::report
