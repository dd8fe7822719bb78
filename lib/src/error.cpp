#include <basinkit/error.hpp>

#include <fmt/format.h>

namespace basinkit {
namespace {

std::string located(const std::string& what, const Where& w) {
  std::string prefix;
  auto add = [&prefix](const std::string& part) {
    if (!prefix.empty()) prefix += ", ";
    prefix += part;
  };
  if (!w.file.empty()) add(w.line > 0 ? fmt::format("{}:{}", w.file, w.line) : w.file);
  if (!w.layer.empty()) add(fmt::format("layer '{}'", w.layer));
  if (!w.feature.empty()) add(fmt::format("feature {}", w.feature));
  if (!w.field.empty()) add(fmt::format("field '{}'", w.field));
  return prefix.empty() ? what : prefix + ": " + what;
}

}  // namespace

InputError::InputError(const std::string& what, Where where)
    : std::runtime_error(located(what, where)), where_(std::move(where)), problem_(what) {}

}  // namespace basinkit
