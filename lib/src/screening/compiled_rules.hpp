#pragma once
// Internal: rule files compiled against a plan. Every scope selector (`basin`, `unit`,
// `township`, `county`, `in`, `near`) is resolved to the features it stands for, once,
// in a FeatureSet shared by every rule that names the same features. The Screener
// evaluates these for sites; `rules check` turns them into areas. Sets of `unit`,
// `township`, `county` and `basin` selectors hold their plan features unindexed: the
// Screener decides them from where the site is located (no copy of unit geometry, no
// index, per rule).
//
// Compiling checks the rules against the plan: an unknown layer, field, basin, unit,
// township or county throws InputError naming the file, the line and the rule id.

#include <basinkit/plan.hpp>
#include <basinkit/rules.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "screening/feature_set.hpp"

namespace basinkit::screening {

/// A scope with its selectors resolved to feature sets.
struct CompiledScope {
  Scope::Kind kind = Scope::Kind::all;
  std::vector<CompiledScope> children;  ///< all, any (several), negation (one)
  size_t set = 0;                       ///< selectors only: index into CompiledRules::sets
  double within_m = 0;                  ///< near: distance threshold, inclusive (metres)
};

struct CompiledRule {
  const Rule* rule = nullptr;      ///< into the files given to CompiledRules
  const RuleFile* file = nullptr;  ///< idem
  std::optional<CompiledScope> scope;
  std::optional<CompiledScope> unless_scope;
};

class CompiledRules {
 public:
  /// `plan` and `files` must outlive this object and stay where they are (rules point
  /// into them). Throws InputError for a rule that does not fit the plan.
  CompiledRules(const Plan& plan, const std::vector<RuleFile>& files);
  CompiledRules(const CompiledRules&) = delete;
  CompiledRules& operator=(const CompiledRules&) = delete;

  /// Every rule of every file, in file then rule order.
  const std::vector<CompiledRule>& rules() const { return rules_; }
  /// The feature sets the selectors name; selectors naming the same features share one.
  const std::vector<std::unique_ptr<FeatureSet>>& sets() const { return sets_; }

 private:
  using FeatureList = std::vector<std::pair<std::string, const GEOSGeometry*>>;

  [[noreturn]] void fail(const RuleFile& file, const Rule& rule, int line,
                         const std::string& what) const;
  CompiledScope compile(const Scope& s, const RuleFile& file, const Rule& rule);
  FeatureList features_of(const Scope& s, const RuleFile& file, const Rule& rule);
  FeatureList layer_features(const Scope& s, const RuleFile& file, const Rule& rule);

  const Plan& plan_;
  std::vector<std::unique_ptr<FeatureSet>> sets_;
  std::map<std::string, size_t> set_by_key_;
  std::vector<Geometry> owned_;  ///< geometries of layers re-read with a rule's `where`
  std::vector<CompiledRule> rules_;
};

}  // namespace basinkit::screening
