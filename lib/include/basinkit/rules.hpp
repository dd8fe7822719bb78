#pragma once
// The rule language of positive and negative lists (正负面清单), DESIGN.md section 6.
//
//   name: 荆门市流域生态环境准入清单
//   level: city
//   rules:
//     - id: N-HJ-001
//       list: negative
//       effect: prohibit
//       title: 汉江干流岸线1公里范围内禁止新建、扩建化工项目
//       basis: 《中华人民共和国长江保护法》第二十六条
//       scope: { near: { layer: rivers, where: "CLASS = 'main'", within_m: 1000 } }
//       applies_to: { industry: [C25, C26], action: [new, expand] }
//       unless: { scope: { in: { layer: zones, where: "KIND = 'chemical_park'" } } }
//
// parse_rules() checks the file on its own (structure, types, words); a Screener checks
// it against a plan (layers, fields, codes) before any site is read.

#include <basinkit/manifest.hpp>

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace basinkit {

enum class RuleList { negative, positive };
enum class Effect { prohibit, restrict, encourage, permit };
const char* to_string(RuleList list);
const char* to_string(Effect effect);

/// Where a rule applies: a tree of selectors combined with all/any/not.
struct Scope {
  enum class Kind { all, any, negation, basin, unit, township, county, in, near };
  Kind kind = Kind::all;
  std::vector<Scope> children;     ///< all, any (several), negation (one)
  std::vector<std::string> codes;  ///< basin, unit (globs allowed), township, county
  std::string layer;               ///< in, near
  std::string where;               ///< in, near: OGR SQL on the layer's own fields
  double within_m = 0;             ///< near: distance threshold, inclusive
  int line = 0;
};

/// A comparison of a site attribute.
struct AttributeTest {
  enum class Op { eq, ne, lt, le, gt, ge, in };
  std::string field;
  Op op = Op::eq;
  /// Values (one, or several for `in`); numeric when the YAML value was an unquoted number.
  std::vector<std::string> values;
  bool numeric = false;
  int line = 0;
};

/// What a rule applies to; an empty list means "any".
struct AppliesTo {
  std::vector<std::string> industry;  ///< GB/T 4754 code prefixes
  std::vector<std::string> action;    ///< new | expand | rebuild | relocate
  std::vector<AttributeTest> attr;
};

struct Rule {
  std::string id;
  RuleList list = RuleList::negative;
  Effect effect = Effect::prohibit;
  std::string title;
  std::string basis;
  std::string condition;
  std::optional<Scope> scope;  ///< none = the whole plan area
  AppliesTo applies_to;
  std::optional<Scope> unless_scope;
  std::optional<AppliesTo> unless_applies_to;
  int line = 0;
};

struct RuleFile {
  std::string path;  ///< as given
  std::string name;
  std::string level;              ///< province | city | county | ... (free text)
  std::vector<LayerSpec> layers;  ///< the file's own layers
  std::vector<Rule> rules;
};

/// Parses a rule file's text; `path` names it in errors and resolves its layers.
/// Throws InputError naming the file, the line and the rule id. Never crashes on any
/// input (fuzzed).
RuleFile parse_rules(const std::string& text, const std::string& path);
/// Reads and parses a rule file.
RuleFile read_rules(const std::string& path);

/// The site attributes the rules compare (`attr` of applies_to and of unless): the only
/// ones a screen reads, for SiteSource::attributes.
std::set<std::string> compared_attributes(const std::vector<RuleFile>& files);

}  // namespace basinkit
