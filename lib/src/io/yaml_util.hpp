#pragma once
// Internal: reading YAML documents with errors that name the file and line. Shared by
// the manifest and (later) rule-file readers.

#include <basinkit/error.hpp>

#include <yaml-cpp/yaml.h>

#include <string>

namespace basinkit::yaml {

/// Loads a YAML file; throws InputError with file and line on I/O or syntax errors.
YAML::Node load_file(const std::string& path);
/// A file's bytes; throws InputError naming the file when it cannot be opened.
std::string read_file(const std::string& path);
/// Parses YAML text; `path` names it in errors (file and line on syntax errors).
YAML::Node load_text(const std::string& text, const std::string& path);

/// 1-based line of a node (0 when unknown).
int line_of(const YAML::Node& node);

/// A scalar as text; throws InputError naming `what` when the node is not a scalar.
std::string text(const YAML::Node& node, const std::string& file, const std::string& what);
double number(const YAML::Node& node, const std::string& file, const std::string& what);
bool boolean(const YAML::Node& node, const std::string& file, const std::string& what);

}  // namespace basinkit::yaml
