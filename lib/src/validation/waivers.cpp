#include <basinkit/error.hpp>
#include <basinkit/waivers.hpp>

#include <fmt/format.h>

#include "io/yaml_util.hpp"

namespace basinkit {

std::vector<Waiver> read_waivers(const std::string& path) {
  return parse_waivers(yaml::read_file(path), path);
}

std::vector<Waiver> parse_waivers(const std::string& text, const std::string& path) {
  const YAML::Node root = yaml::load_text(text, path);
  auto fail = [&](const YAML::Node& at, const std::string& what) {
    throw InputError(what, Where(path, "", "", "", yaml::line_of(at)));
  };
  if (!root.IsSequence() && !root.IsNull())
    fail(root, "a waiver file is a YAML list of {type, codes, reason}");
  std::vector<Waiver> out;
  for (const YAML::Node& entry : root) {
    if (!entry.IsMap()) fail(entry, "each waiver is a mapping {type, codes, reason}");
    Waiver w;
    w.line = yaml::line_of(entry);
    for (const auto& kv : entry) {
      const std::string key = kv.first.Scalar();
      if (key == "type") {
        const std::string name = yaml::text(kv.second, path, "type");
        const auto type = parse_finding_type(name);
        if (!type) fail(kv.second, fmt::format("unknown finding type '{}'", name));
        w.type = *type;
      } else if (key == "codes") {
        if (!kv.second.IsSequence()) fail(kv.second, "'codes' must be a list of codes");
        for (const auto& c : kv.second) w.codes.push_back(yaml::text(c, path, "codes"));
      } else if (key == "reason") {
        w.reason = yaml::text(kv.second, path, "reason");
      } else {
        fail(kv.first, fmt::format("unknown key '{}' (known: type, codes, reason)", key));
      }
    }
    if (!entry["type"]) fail(entry, "a waiver needs a 'type'");
    if (w.reason.empty()) fail(entry, "a waiver needs a 'reason'");
    out.push_back(std::move(w));
  }
  return out;
}

std::vector<Waiver> apply_waivers(std::vector<Finding>& findings,
                                  const std::vector<Waiver>& waivers) {
  std::vector<Waiver> unused;
  for (const Waiver& w : waivers) {
    bool used = false;
    for (Finding& f : findings) {
      if (f.type == w.type && f.codes == w.codes) {
        f.waived = w.reason;
        used = true;
      }
    }
    if (!used) unused.push_back(w);
  }
  return unused;
}

}  // namespace basinkit
