#include "report/site_json.hpp"

#include "report/json_text.hpp"
#include "report/report_common.hpp"

namespace basinkit::report {

const std::string& site_id(const Site& site, const SiteResult& result) {
  return result.id.empty() ? site.id : result.id;
}

std::optional<std::string> basin_at(const Location& location, int level) {
  const auto it = location.basins.find(level);
  return it == location.basins.end() ? std::nullopt : it->second;
}

const Rule& rule_of(const AppliedRule& applied) {
  static const Rule none;
  return applied.rule ? *applied.rule : none;
}

namespace {

// Basin levels as JSON keys without formatting a number per site.
std::string_view level_key(int level, std::string& scratch) {
  static const char* const kDigits[] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
  if (level >= 0 && level <= 9) return kDigits[level];
  scratch = std::to_string(level);
  return scratch;
}

void append_location(JsonText& j, const Location& at, const std::vector<int>& levels) {
  std::string scratch;
  j.begin_object();
  j.key("unit").value(at.unit);
  j.key("manager").value(at.manager);
  j.key("township").value(at.township);
  j.key("county").value(at.county);
  j.key("basins").begin_object();
  // Both in ascending level order: one walk over the map, not a tree search per level
  // (its nodes are cold here, written by a worker).
  auto it = at.basins.begin();
  for (int level : levels) {
    while (it != at.basins.end() && it->first < level) ++it;
    j.key(level_key(level, scratch));
    if (it == at.basins.end() || it->first != level)
      j.null();
    else
      j.value(it->second);
  }
  j.end_object();
  j.key("outside_plan").value(at.outside_plan);
  j.end_object();
}

void append_evidence(JsonText& j, const Evidence& e) {
  j.begin_object();
  if (e.distance_m) j.key("distance_m").value(rounded(*e.distance_m, kMetricDecimals));
  if (e.overlap_m2) j.key("overlap_m2").value(rounded(*e.overlap_m2, kMetricDecimals));
  if (e.unit) j.key("unit").value(*e.unit);
  if (e.zone) j.key("zone").value(*e.zone);
  j.end_object();
}

}  // namespace

const std::string& SiteJson::rule_members(const AppliedRule& applied) {
  RuleText& cached = rules_[applied.rule];
  if (cached.members.empty() || cached.file != applied.file) {
    const Rule& rule = rule_of(applied);
    std::string object;
    JsonText j(object);
    j.begin_object();
    j.key("id").value(rule.id);
    j.key("file").value(applied.file);
    j.key("effect").value(to_string(rule.effect));
    j.key("title").value(rule.title);
    j.key("basis").value(rule.basis);
    j.key("condition").value(rule.condition);
    j.end_object();
    cached.file = applied.file;
    cached.members = object.substr(1, object.size() - 2);
  }
  return cached.members;
}

void SiteJson::append(std::string& out, const Site& site, const SiteResult& result) {
  JsonText j(out);
  j.begin_object();
  j.key("id").value(site_id(site, result));
  j.key("verdict").value(to_string(result.verdict));
  j.key("location");
  append_location(j, result.location, levels_);
  j.key("rules").begin_array();
  for (const AppliedRule& applied : result.rules) {
    j.begin_object();
    j.members(rule_members(applied));
    j.key("evidence");
    append_evidence(j, applied.evidence);
    j.end_object();
  }
  j.end_array();
  j.key("missing").begin_array();
  for (const std::string& m : result.missing) j.value(m);
  j.end_array();
  if (!result.error.empty()) j.key("error").value(result.error);
  j.end_object();
}

}  // namespace basinkit::report
