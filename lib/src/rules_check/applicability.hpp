#pragma once
// Internal: which projects a rule could apply to, as sets of industries and actions, for
// `rules check`. Industries are GB/T 4754 code prefixes: the set {C26} holds every code
// starting with C26, so {C26} ∩ {C2614} = {C2614}. Attribute comparisons are not
// modelled: they are assumed satisfiable.

#include <basinkit/rules.hpp>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace basinkit::rules_check {

/// A set of industry codes given by prefixes; `all` = every code.
struct Industries {
  bool all = true;
  std::vector<std::string> prefixes;  ///< when !all: none is a prefix of another
};

/// The words of `action`: new, expand, rebuild, relocate.
using Actions = std::set<std::string>;

/// What a rule applies to, or what an `unless` exempts.
struct Projects {
  Industries industries;
  Actions actions;
};

/// The projects an `applies_to` block names (empty lists = every industry / action).
Projects projects_of(const AppliesTo& a);
/// Projects of the one industry `code` (a prefix too), any action.
Projects projects_of_industry(const std::string& code);

/// The projects both name; nullopt when none.
std::optional<Projects> common(const Projects& a, const Projects& b);

/// Does the rule's `unless` exempt every project of `p` wherever its unless scope holds
/// (everywhere when it has none)? True for an `unless` without `applies_to`; false for
/// one comparing attributes (some projects are not exempt); false without `unless`.
bool unless_exempts_all(const Rule& rule, const Projects& p);

/// "C2614, C2631" or "全部行业"; "new, expand".
std::string industries_text(const Industries& i);
std::string actions_text(const Actions& a);

}  // namespace basinkit::rules_check
