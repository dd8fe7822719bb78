#include <basinkit/error.hpp>

#include <fmt/format.h>

#include "io/connection.hpp"

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

/// A connection string's password never reaches a message (sources and outputs may be
/// `PG:… password=…`, and GDAL may quote them).
Where redacted(Where where) {
  where.file = io::redact_secrets(std::move(where.file));
  return where;
}

}  // namespace

InputError::InputError(const std::string& what, Where where)
    : std::runtime_error(located(io::redact_secrets(what), redacted(where))),
      where_(redacted(std::move(where))),
      problem_(io::redact_secrets(what)) {}

}  // namespace basinkit
