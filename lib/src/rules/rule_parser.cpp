// Parsing rule files (DESIGN.md section 6): structure, types and words, with errors that
// name the file, the line and the rule id. Checks against a plan are the Screener's.
#include <basinkit/error.hpp>
#include <basinkit/rules.hpp>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "io/manifest_layer.hpp"
#include "io/yaml_util.hpp"

namespace basinkit {

const char* to_string(RuleList list) {
  return list == RuleList::negative ? "negative" : "positive";
}

const char* to_string(Effect effect) {
  switch (effect) {
    case Effect::prohibit:
      return "prohibit";
    case Effect::restrict:
      return "restrict";
    case Effect::encourage:
      return "encourage";
    case Effect::permit:
      return "permit";
  }
  return "";
}

namespace {

// Nested all/any/not deeper than this is refused (and keeps the parser's stack bounded).
constexpr int kMaxScopeDepth = 32;
// Scopes and codes per file. YAML aliases can repeat a scope in itself level after level
// (8 aliases per level, 10 levels: 10^9 scopes from a few hundred bytes, found by
// fuzzing), so the parsed size is bounded, not only the depth.
constexpr size_t kMaxScopeParts = 100000;

class Parser {
 public:
  explicit Parser(std::string path) : path_(std::move(path)) {}

  [[noreturn]] void fail(const YAML::Node& at, const std::string& what) const {
    const std::string who = rule_id_.empty() ? "" : fmt::format("rule {}: ", rule_id_);
    throw InputError(who + what, Where(path_, "", "", "", yaml::line_of(at)));
  }

  std::string scalar(const YAML::Node& n, const std::string& what) const {
    if (!n.IsScalar()) fail(n, fmt::format("'{}' must be a single value", what));
    return n.Scalar();
  }

  /// A scalar or a list of scalars.
  std::vector<std::string> list(const YAML::Node& n, const std::string& what) const {
    std::vector<std::string> out;
    if (n.IsScalar()) {
      out.push_back(n.Scalar());
    } else if (n.IsSequence()) {
      for (const auto& item : n) out.push_back(scalar(item, what));
    } else {
      fail(n, fmt::format("'{}' must be a value or a list of values", what));
    }
    if (out.empty()) fail(n, fmt::format("'{}' is an empty list", what));
    return out;
  }

  void only_keys(const YAML::Node& map, const std::set<std::string>& known,
                 const std::string& what) const {
    if (!map.IsMap()) fail(map, fmt::format("'{}' must be a mapping", what));
    for (const auto& kv : map) {
      const std::string key = scalar(kv.first, what);
      if (!known.count(key)) {
        std::string names;
        for (const auto& k : known) names += (names.empty() ? "" : ", ") + k;
        fail(kv.first, fmt::format("unknown key '{}' in {} (known: {})", key, what, names));
      }
    }
  }

  Scope scope(const YAML::Node& n, int depth) {
    if (depth > kMaxScopeDepth) fail(n, "scope nested too deeply");
    if (++scope_parts_ > kMaxScopeParts)
      fail(n, fmt::format("the scopes are too large (more than {} parts; aliases repeating "
                          "scopes?)",
                          kMaxScopeParts));
    only_keys(n, {"all", "any", "not", "basin", "unit", "township", "county", "in", "near"},
              "scope");
    std::vector<Scope> parts;
    for (const auto& kv : n) {
      const std::string key = kv.first.Scalar();
      Scope s;
      s.line = yaml::line_of(kv.first);
      const YAML::Node& v = kv.second;
      if (key == "all" || key == "any") {
        s.kind = key == "all" ? Scope::Kind::all : Scope::Kind::any;
        if (!v.IsSequence() || v.size() == 0)
          fail(v, fmt::format("'{}' must be a non-empty list of scopes", key));
        for (const auto& child : v) s.children.push_back(scope(child, depth + 1));
      } else if (key == "not") {
        s.kind = Scope::Kind::negation;
        s.children.push_back(scope(v, depth + 1));
      } else if (key == "in" || key == "near") {
        s.kind = key == "in" ? Scope::Kind::in : Scope::Kind::near;
        only_keys(v,
                  key == "in" ? std::set<std::string>{"layer", "where"}
                              : std::set<std::string>{"layer", "where", "within_m"},
                  key);
        if (!v["layer"]) fail(v, fmt::format("'{}' needs a 'layer'", key));
        s.layer = scalar(v["layer"], "layer");
        if (v["where"]) s.where = scalar(v["where"], "where");
        if (key == "near") {
          if (!v["within_m"]) fail(v, "'near' needs 'within_m' (metres)");
          s.within_m = number(v["within_m"], "within_m");
          if (!(s.within_m >= 0)) fail(v["within_m"], "'within_m' must be >= 0");
        }
      } else {
        s.kind = key == "basin"      ? Scope::Kind::basin
                 : key == "unit"     ? Scope::Kind::unit
                 : key == "township" ? Scope::Kind::township
                                     : Scope::Kind::county;
        s.codes = list(v, key);
        scope_parts_ += s.codes.size();
      }
      parts.push_back(std::move(s));
    }
    if (parts.empty()) fail(n, "empty scope");
    if (parts.size() == 1) return std::move(parts[0]);
    Scope all;  // several keys in one mapping mean all
    all.kind = Scope::Kind::all;
    all.line = yaml::line_of(n);
    all.children = std::move(parts);
    return all;
  }

  double number(const YAML::Node& n, const std::string& what) const {
    const std::string s = scalar(n, what);
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || *end != '\0' || !std::isfinite(v))
      fail(n, fmt::format("'{}' must be a number, not '{}'", what, s));
    return v;
  }

  /// A plain (unquoted) YAML scalar that reads as a number compares as a number.
  bool plain_number(const YAML::Node& n) const {
    if (!n.IsScalar() || n.Tag() != "?") return false;
    const std::string& s = n.Scalar();
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    return !s.empty() && *end == '\0' && std::isfinite(v);
  }

  AppliesTo applies(const YAML::Node& n) const {
    only_keys(n, {"industry", "action", "attr"}, "applies_to");
    AppliesTo a;
    static const std::regex industry_code("^[A-T][0-9]{0,4}$");
    static const std::set<std::string> actions = {"new", "expand", "rebuild", "relocate"};
    if (n["industry"]) {
      for (const auto& code : list(n["industry"], "industry")) {
        if (!std::regex_match(code, industry_code))
          fail(n["industry"],
               fmt::format("'{}' is not a GB/T 4754 industry code (e.g. C26, C2614)", code));
        a.industry.push_back(code);
      }
    }
    if (n["action"]) {
      for (const auto& act : list(n["action"], "action")) {
        if (!actions.count(act))
          fail(n["action"],
               fmt::format("unknown action '{}' (new, expand, rebuild, relocate)", act));
        a.action.push_back(act);
      }
    }
    if (n["attr"]) {
      const YAML::Node& tests = n["attr"];
      if (!tests.IsSequence()) fail(tests, "'attr' must be a list of {field, op, value}");
      for (const auto& t : tests) {
        only_keys(t, {"field", "op", "value"}, "attr");
        if (!t["field"] || !t["op"] || !t["value"])
          fail(t, "an attr test needs field, op and value");
        AttributeTest test;
        test.line = yaml::line_of(t);
        test.field = scalar(t["field"], "field");
        const std::string op = scalar(t["op"], "op");
        static const std::map<std::string, AttributeTest::Op> ops = {
            {"=", AttributeTest::Op::eq}, {"!=", AttributeTest::Op::ne},
            {"<", AttributeTest::Op::lt}, {"<=", AttributeTest::Op::le},
            {">", AttributeTest::Op::gt}, {">=", AttributeTest::Op::ge},
            {"in", AttributeTest::Op::in}};
        auto it = ops.find(op);
        if (it == ops.end())
          fail(t["op"], fmt::format("unknown op '{}' (=, !=, <, <=, >, >=, in)", op));
        test.op = it->second;
        const YAML::Node& value = t["value"];
        if (test.op == AttributeTest::Op::in) {
          if (!value.IsSequence() || value.size() == 0) fail(value, "'in' needs a list of values");
          test.numeric = true;
          for (const auto& v : value) {
            test.values.push_back(scalar(v, "value"));
            test.numeric = test.numeric && plain_number(v);
          }
        } else {
          test.values.push_back(scalar(value, "value"));
          test.numeric = plain_number(value);
        }
        a.attr.push_back(std::move(test));
      }
    }
    return a;
  }

  Rule rule(const YAML::Node& n) {
    rule_id_.clear();
    if (!n.IsMap()) fail(n, "each rule must be a mapping");
    if (n["id"]) rule_id_ = scalar(n["id"], "id");
    only_keys(
        n, {"id", "list", "effect", "title", "basis", "scope", "applies_to", "unless", "condition"},
        "rule");
    for (const char* required : {"id", "list", "effect", "title", "basis"})
      if (!n[required]) fail(n, fmt::format("missing '{}'", required));
    Rule r;
    r.line = yaml::line_of(n);
    r.id = rule_id_;
    if (r.id.empty()) fail(n["id"], "empty 'id'");
    const std::string list_name = scalar(n["list"], "list");
    const std::string effect = scalar(n["effect"], "effect");
    if (list_name == "negative") {
      r.list = RuleList::negative;
      if (effect == "prohibit")
        r.effect = Effect::prohibit;
      else if (effect == "restrict")
        r.effect = Effect::restrict;
      else
        fail(n["effect"],
             fmt::format("effect '{}' on a negative list (prohibit | restrict)", effect));
    } else if (list_name == "positive") {
      r.list = RuleList::positive;
      if (effect == "permit")
        r.effect = Effect::permit;
      else if (effect == "encourage")
        r.effect = Effect::encourage;
      else
        fail(n["effect"],
             fmt::format("effect '{}' on a positive list (permit | encourage)", effect));
    } else {
      fail(n["list"], fmt::format("unknown list '{}' (negative | positive)", list_name));
    }
    r.title = scalar(n["title"], "title");
    r.basis = scalar(n["basis"], "basis");
    if (n["condition"]) {
      r.condition = scalar(n["condition"], "condition");
      if (!r.condition.empty() && r.effect != Effect::restrict)
        fail(n["condition"], "'condition' is for restrict rules only");
    }
    if (n["scope"]) r.scope = scope(n["scope"], 0);
    if (n["applies_to"]) r.applies_to = applies(n["applies_to"]);
    if (n["unless"]) {
      const YAML::Node& u = n["unless"];
      only_keys(u, {"scope", "applies_to"}, "unless");
      if (!u["scope"] && !u["applies_to"]) fail(u, "'unless' needs a scope and/or applies_to");
      if (u["scope"]) r.unless_scope = scope(u["scope"], 0);
      if (u["applies_to"]) r.unless_applies_to = applies(u["applies_to"]);
    }
    return r;
  }

  RuleFile file(const std::string& text) {
    RuleFile out;
    out.path = path_;
    const YAML::Node root = YAML::Load(text);
    if (!root.IsMap()) fail(root, "a rule file is a mapping with 'rules:'");
    only_keys(root, {"name", "level", "layers", "rules"}, "the rule file");
    if (root["name"]) out.name = scalar(root["name"], "name");
    if (root["level"]) out.level = scalar(root["level"], "level");
    if (root["layers"]) {
      const YAML::Node& layers = root["layers"];
      if (!layers.IsMap()) fail(layers, "'layers' must be a mapping");
      const std::string base = std::filesystem::path(path_).parent_path().string();
      for (const auto& kv : layers)
        out.layers.push_back(
            parse_layer_node(scalar(kv.first, "layer key"), kv.second, base, path_));
    }
    const YAML::Node& rules = root["rules"];
    if (!rules || !rules.IsSequence()) fail(root, "the rule file needs a 'rules:' list");
    std::set<std::string> ids;
    for (const auto& n : rules) {
      Rule r = rule(n);
      if (!ids.insert(r.id).second) fail(n, "the id is used twice in this file");
      out.rules.push_back(std::move(r));
    }
    return out;
  }

 private:
  std::string path_;
  std::string rule_id_;
  size_t scope_parts_ = 0;
};

}  // namespace

RuleFile parse_rules(const std::string& text, const std::string& path) {
  try {
    return Parser(path).file(text);
  } catch (const YAML::Exception& e) {
    throw InputError("not valid YAML: " + e.msg,
                     Where(path, "", "", "", e.mark.is_null() ? 0 : e.mark.line + 1));
  }
}

RuleFile read_rules(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot open the rule file (does it exist?)", Where(path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_rules(buffer.str(), path);
}

}  // namespace basinkit
