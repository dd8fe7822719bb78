#include <basinkit/error.hpp>
#include <basinkit/manifest.hpp>

#include <fmt/format.h>

#include <filesystem>
#include <regex>
#include <set>

#include "io/manifest_layer.hpp"
#include "io/yaml_util.hpp"

namespace basinkit {
namespace fs = std::filesystem;

namespace {

Where at(const std::string& file, const YAML::Node& node) {
  Where w{file};
  w.line = yaml::line_of(node);
  return w;
}

/// "PG:...", "GPKG:...": a letter, letters, digits or _, then ':'. Written out rather than
/// as a std::regex, whose recursion overflows the stack on long sources (found by fuzzing).
bool is_connection(const std::string& source) {
  auto letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  auto word = [&](char c) { return letter(c) || (c >= '0' && c <= '9') || c == '_'; };
  if (source.empty() || !letter(source[0])) return false;
  size_t i = 1;
  while (i < source.size() && word(source[i])) ++i;
  return i >= 2 && i < source.size() && source[i] == ':';
}

/// Paths are relative to the manifest; connection strings and absolute paths are not.
std::string resolve(const std::string& source, const std::string& base_dir) {
  if (source.empty() || base_dir.empty()) return source;
  if (is_connection(source)) return source;
  for (const char* prefix : {"/vsizip/", "/vsigzip/", "/vsitar/"}) {
    const std::string p(prefix);
    if (source.rfind(p, 0) == 0) {
      const std::string rest = source.substr(p.size());
      return rest.empty() || rest[0] == '/' ? source : p + (fs::path(base_dir) / rest).string();
    }
  }
  if (source.rfind("/vsi", 0) == 0 || fs::path(source).is_absolute()) return source;
  return (fs::path(base_dir) / source).lexically_normal().string();
}

}  // namespace

const LayerSpec* Manifest::find(const std::string& key) const {
  for (const auto& l : layers)
    if (l.key == key) return &l;
  return nullptr;
}

LayerSpec parse_layer_node(const std::string& key, const YAML::Node& node,
                           const std::string& base_dir, const std::string& file) {
  LayerSpec spec;
  spec.key = key;
  spec.line = yaml::line_of(node);
  if (node.IsScalar()) {
    spec.source = node.Scalar();
  } else if (node.IsMap()) {
    static const std::set<std::string> known = {"source",   "layer",  "where",   "srs",
                                                "encoding", "fields", "outlets", "direction"};
    for (const auto& kv : node) {
      const std::string k = kv.first.Scalar();
      const std::string what = fmt::format("layers.{}.{}", key, k);
      if (!known.count(k))
        throw InputError(fmt::format("unknown key '{}' in layer '{}' (known: source, layer, "
                                     "where, srs, encoding, fields, outlets, direction)",
                                     k, key),
                         at(file, kv.first));
      if (k == "fields") {
        if (!kv.second.IsMap())
          throw InputError(fmt::format("'{}' must map roles to field names", what),
                           at(file, kv.second));
        for (const auto& f : kv.second)
          spec.fields[f.first.Scalar()] = yaml::text(f.second, file, what + "." + f.first.Scalar());
      } else if (k == "outlets") {
        if (!kv.second.IsSequence())
          throw InputError(fmt::format("'{}' must be a list of codes", what), at(file, kv.second));
        for (const auto& code : kv.second) spec.outlets.push_back(yaml::text(code, file, what));
      } else {
        const std::string v = yaml::text(kv.second, file, what);
        if (k == "source") spec.source = v;
        if (k == "layer") spec.layer = v;
        if (k == "where") spec.where = v;
        if (k == "srs") spec.srs = v;
        if (k == "encoding") spec.encoding = v;
        if (k == "direction") {
          if (v != "downstream" && v != "upstream")
            throw InputError(
                fmt::format("'{}' must be 'downstream' or 'upstream', not '{}'", what, v),
                at(file, kv.second));
          spec.direction = v;
        }
      }
    }
  } else {
    throw InputError(fmt::format("layer '{}' must be a source or a mapping with 'source:'", key),
                     at(file, node));
  }
  if (spec.source.empty())
    throw InputError(fmt::format("layer '{}' has no 'source'", key), at(file, node));
  spec.resolved = resolve(spec.source, base_dir);
  return spec;
}

Manifest read_manifest(const std::string& path) {
  return parse_manifest(yaml::read_file(path), path);
}

Manifest parse_manifest(const std::string& text, const std::string& path) {
  const YAML::Node root = yaml::load_text(text, path);
  if (!root.IsMap()) throw InputError("a plan manifest must be a YAML mapping", Where{path});
  Manifest m;
  m.path = path;
  const std::string base_dir = fs::path(path).parent_path().string();
  static const std::regex layer_key("^[a-z][a-z0-9_]*$");
  static const std::regex level_key("^basins_l([0-9]+)$");
  for (const auto& kv : root) {
    const std::string k = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    if (k == "name") {
      m.name = yaml::text(v, path, k);
    } else if (k == "crs") {
      m.crs = yaml::text(v, path, k);
    } else if (k == "tolerance_m") {
      m.tolerance_m = yaml::number(v, path, k);
    } else if (k == "min_area_m2") {
      m.min_area_m2 = yaml::number(v, path, k);
    } else if (k == "allow_ballpark") {
      m.allow_ballpark = yaml::boolean(v, path, k);
    } else if (k == "code_prefix") {
      m.code_prefix = yaml::boolean(v, path, k);
    } else if (k == "section_snap_m") {
      m.section_snap_m = yaml::number(v, path, k);
    } else if (k == "layers") {
      if (!v.IsMap()) throw InputError("'layers' must be a mapping", at(path, v));
      for (const auto& layer : v) {
        const std::string key = layer.first.Scalar();
        if (!std::regex_match(key, layer_key))
          throw InputError(fmt::format("layer key '{}' must be lower-case letters, digits, _", key),
                           at(path, layer.first));
        if (m.find(key)) throw InputError("layer '" + key + "' given twice", at(path, layer.first));
        m.layers.push_back(parse_layer_node(key, layer.second, base_dir, path));
      }
    } else {
      throw InputError(fmt::format("unknown key '{}' (known: name, crs, tolerance_m, min_area_m2, "
                                   "allow_ballpark, code_prefix, section_snap_m, layers)",
                                   k),
                       at(path, kv.first));
    }
  }
  if (m.crs.empty()) throw InputError("the manifest has no 'crs' (the working CRS)", Where{path});
  if (!(m.tolerance_m >= 0)) throw InputError("'tolerance_m' must be >= 0", Where{path});
  if (!(m.min_area_m2 >= 0)) throw InputError("'min_area_m2' must be >= 0", Where{path});
  if (!(m.section_snap_m >= 0)) throw InputError("'section_snap_m' must be >= 0", Where{path});
  bool per_level = false;
  for (const auto& l : m.layers) {
    std::smatch match;
    if (std::regex_match(l.key, match, level_key)) {
      per_level = true;
      // Digits only; compared as text so that huge levels do not overflow std::stoi.
      const std::string level = match[1].str();
      if (level.find_first_not_of('0') == std::string::npos)
        throw InputError("basin levels start at 1 (basins_l1)", Where{path});
      if (level.size() - level.find_first_not_of('0') > 3)
        throw InputError(
            fmt::format("basin level '{}' is too deep (basins_l1 .. basins_l999)", l.key),
            Where{path});
    }
  }
  if (per_level && m.find("basins"))
    throw InputError(
        "give the basins either as 'basins' or as 'basins_l1', 'basins_l2', ... "
        "not both",
        Where{path});
  return m;
}

}  // namespace basinkit
