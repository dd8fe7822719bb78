// Sets of projects (industry prefixes × actions) a rule names, for `rules check`.
#include "rules_check/applicability.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace basinkit::rules_check {
namespace {

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

/// Drops prefixes implied by a shorter one ({C26, C2614} → {C26}), sorted.
std::vector<std::string> minimal(std::vector<std::string> prefixes) {
  std::sort(prefixes.begin(), prefixes.end());
  prefixes.erase(std::unique(prefixes.begin(), prefixes.end()), prefixes.end());
  std::vector<std::string> out;
  for (const auto& p : prefixes)  // sorted: a prefix comes before what it implies
    if (out.empty() || !starts_with(p, out.back())) out.push_back(p);
  return out;
}

const Actions& every_action() {
  static const Actions all = {"new", "expand", "rebuild", "relocate"};
  return all;
}

bool covers(const Industries& outer, const Industries& inner) {
  if (outer.all) return true;
  if (inner.all) return false;
  return std::all_of(inner.prefixes.begin(), inner.prefixes.end(), [&](const std::string& p) {
    return std::any_of(outer.prefixes.begin(), outer.prefixes.end(),
                       [&](const std::string& q) { return starts_with(p, q); });
  });
}

}  // namespace

Projects projects_of(const AppliesTo& a) {
  Projects p;
  p.industries.all =
      a.industry.empty() || std::any_of(a.industry.begin(), a.industry.end(),
                                        [](const std::string& code) { return code.empty(); });
  if (!p.industries.all) p.industries.prefixes = minimal(a.industry);
  p.actions = a.action.empty() ? every_action() : Actions(a.action.begin(), a.action.end());
  return p;
}

Projects projects_of_industry(const std::string& code) {
  AppliesTo a;
  a.industry.push_back(code);
  return projects_of(a);
}

std::optional<Projects> common(const Projects& a, const Projects& b) {
  Projects out;
  std::set_intersection(a.actions.begin(), a.actions.end(), b.actions.begin(), b.actions.end(),
                        std::inserter(out.actions, out.actions.end()));
  if (out.actions.empty()) return std::nullopt;
  if (a.industries.all) {
    out.industries = b.industries;
  } else if (b.industries.all) {
    out.industries = a.industries;
  } else {
    out.industries.all = false;
    std::vector<std::string> both;
    for (const auto& p : a.industries.prefixes)
      for (const auto& q : b.industries.prefixes) {
        if (starts_with(q, p))
          both.push_back(q);
        else if (starts_with(p, q))
          both.push_back(p);
      }
    out.industries.prefixes = minimal(std::move(both));
    if (out.industries.prefixes.empty()) return std::nullopt;
  }
  return out;
}

bool unless_exempts_all(const Rule& rule, const Projects& p) {
  if (!rule.unless_scope && !rule.unless_applies_to) return false;
  if (!rule.unless_applies_to) return true;
  const AppliesTo& u = *rule.unless_applies_to;
  if (!u.attr.empty()) return false;
  const Projects exempt = projects_of(u);
  return covers(exempt.industries, p.industries) &&
         std::includes(exempt.actions.begin(), exempt.actions.end(), p.actions.begin(),
                       p.actions.end());
}

std::string industries_text(const Industries& i) {
  return i.all ? "全部行业" : fmt::format("{}", fmt::join(i.prefixes, ", "));
}

std::string actions_text(const Actions& a) {
  std::vector<std::string> words;  // in the order of DESIGN.md, not alphabetical
  for (const char* w : {"new", "expand", "rebuild", "relocate"})
    if (a.count(w)) words.push_back(w);
  return fmt::format("{}", fmt::join(words, ", "));
}

}  // namespace basinkit::rules_check
