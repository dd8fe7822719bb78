#include "io/yaml_util.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

namespace basinkit::yaml {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot open the file (does it exist?)", Where{path});
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

YAML::Node load_file(const std::string& path) { return load_text(read_file(path), path); }

YAML::Node load_text(const std::string& text, const std::string& path) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    Where w{path};
    w.line = e.mark.is_null() ? 0 : e.mark.line + 1;
    throw InputError("not valid YAML: " + e.msg, w);
  }
}

int line_of(const YAML::Node& node) {
  const YAML::Mark m = node.Mark();
  return m.is_null() ? 0 : m.line + 1;
}

std::string text(const YAML::Node& node, const std::string& file, const std::string& what) {
  if (!node.IsScalar()) {
    Where w{file};
    w.line = line_of(node);
    throw InputError(fmt::format("'{}' must be a single value", what), w);
  }
  return node.Scalar();
}

double number(const YAML::Node& node, const std::string& file, const std::string& what) {
  const std::string s = text(node, file, what);
  try {
    size_t used = 0;
    const double v = std::stod(s, &used);
    if (used == s.size()) return v;
  } catch (const std::exception&) {
  }
  Where w{file};
  w.line = line_of(node);
  throw InputError(fmt::format("'{}' must be a number, not '{}'", what, s), w);
}

bool boolean(const YAML::Node& node, const std::string& file, const std::string& what) {
  const std::string s = text(node, file, what);
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  Where w{file};
  w.line = line_of(node);
  throw InputError(fmt::format("'{}' must be true or false, not '{}'", what, s), w);
}

}  // namespace basinkit::yaml
