// Rule files compiled against a plan: each scope selector resolved to an indexed feature
// set, checked against the plan's layers, fields and codes (DESIGN.md section 6).
#include "screening/compiled_rules.hpp"

#include <basinkit/error.hpp>

#include <fmt/format.h>

#include "crs/srs.hpp"
#include "io/layer_reader.hpp"

namespace basinkit::screening {

CompiledRules::CompiledRules(const Plan& plan, const std::vector<RuleFile>& files) : plan_(plan) {
  for (const RuleFile& file : files)
    for (const Rule& rule : file.rules) {
      CompiledRule c;
      c.rule = &rule;
      c.file = &file;
      if (rule.scope) c.scope = compile(*rule.scope, file, rule);
      if (rule.unless_scope) c.unless_scope = compile(*rule.unless_scope, file, rule);
      rules_.push_back(std::move(c));
    }
}

void CompiledRules::fail(const RuleFile& file, const Rule& rule, int line,
                         const std::string& what) const {
  throw InputError(fmt::format("rule {}: {}", rule.id, what),
                   Where(file.path, "", "", "", line ? line : rule.line));
}

CompiledScope CompiledRules::compile(const Scope& s, const RuleFile& file, const Rule& rule) {
  CompiledScope c;
  c.kind = s.kind;
  c.within_m = s.within_m;
  for (const Scope& child : s.children) c.children.push_back(compile(child, file, rule));
  if (s.kind == Scope::Kind::all || s.kind == Scope::Kind::any || s.kind == Scope::Kind::negation)
    return c;
  // Selectors naming the same features share one index (`in` and `near` of a layer too).
  const bool layer_kind = s.kind == Scope::Kind::in || s.kind == Scope::Kind::near;
  std::string key =
      fmt::format("{}|{}|{}", layer_kind ? -1 : static_cast<int>(s.kind), s.layer, s.where);
  for (const auto& code : s.codes) key += "|" + code;
  auto it = set_by_key_.find(key);
  if (it != set_by_key_.end()) {
    c.set = it->second;
    return c;
  }
  sets_.push_back(std::make_unique<FeatureSet>(features_of(s, file, rule), layer_kind));
  c.set = sets_.size() - 1;
  set_by_key_[key] = c.set;
  return c;
}

CompiledRules::FeatureList CompiledRules::features_of(const Scope& s, const RuleFile& file,
                                                      const Rule& rule) {
  FeatureList out;
  auto by_codes = [&](const auto& features, auto code_of, const char* what) {
    for (const std::string& code : s.codes) {
      bool found = false;
      for (const auto& f : features) {
        const bool hit =
            s.kind == Scope::Kind::unit ? glob_match(code, code_of(f)) : code == code_of(f);
        if (!hit) continue;
        found = true;
        out.emplace_back(f.code, f.geometry.get());
      }
      if (!found) fail(file, rule, s.line, fmt::format("unknown {} '{}' in this plan", what, code));
    }
  };
  switch (s.kind) {
    case Scope::Kind::basin:
      by_codes(
          plan_.basins, [](const Basin& b) { return b.code; }, "basin");
      break;
    case Scope::Kind::unit:
      by_codes(
          plan_.units, [](const ControlUnit& u) { return u.code; }, "unit");
      break;
    case Scope::Kind::township:
      by_codes(
          plan_.townships, [](const Township& t) { return t.code; }, "township");
      break;
    case Scope::Kind::county:
      by_codes(
          plan_.townships, [](const Township& t) { return t.county; }, "county");
      break;
    default:
      return layer_features(s, file, rule);
  }
  return out;
}

/// Features of `in`/`near` layers: the plan's as loaded, or re-read with the `where`.
CompiledRules::FeatureList CompiledRules::layer_features(const Scope& s, const RuleFile& file,
                                                         const Rule& rule) {
  FeatureList out;
  // A rule file's own layer first, else a layer the plan loaded.
  const LayerSpec* spec = nullptr;
  for (const auto& l : file.layers)
    if (l.key == s.layer) spec = &l;
  if (!spec && plan_.has_layer(s.layer)) spec = plan_.manifest.find(s.layer);
  if (!spec) {
    std::string known;
    for (const auto& src : plan_.sources) known += (known.empty() ? "" : ", ") + src.key;
    for (const auto& l : file.layers) known += (known.empty() ? "" : ", ") + l.key;
    fail(file, rule, s.line,
         fmt::format("unknown layer '{}' (the plan and this file have: {})", s.layer, known));
  }
  LayerSpec filtered = *spec;
  if (!s.where.empty())
    filtered.where =
        spec->where.empty() ? s.where : fmt::format("({}) AND ({})", spec->where, s.where);
  io::ReadOptions options;
  options.allow_ballpark = plan_.manifest.allow_ballpark;
  const crs::SrsPtr working = crs::working_crs(plan_.working_crs);
  std::vector<io::FieldRole> roles;
  if (spec->fields.count("code") || s.layer == "units" || s.layer == "townships" ||
      s.layer == "zones" || s.layer == "sections" || s.layer.rfind("basins", 0) == 0)
    roles.push_back({"code", false});
  io::LayerContents contents;
  try {
    contents = io::read_layer(filtered, roles, io::GeometryKind::any, *working, options);
  } catch (const InputError& e) {
    fail(file, rule, s.line, fmt::format("layer '{}': {}", s.layer, e.problem()));
  }
  for (io::RawFeature& f : contents.features) {
    if (f.geometry.is_null()) continue;
    auto code = f.values.find("code");
    owned_.push_back(std::move(f.geometry));
    out.emplace_back(code != f.values.end() && code->second ? *code->second : std::to_string(f.fid),
                     owned_.back().get());
  }
  return out;
}

}  // namespace basinkit::screening
