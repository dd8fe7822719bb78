#include <basinkit/findings.hpp>

#include <cstring>
#include <tuple>

namespace basinkit {
namespace {

struct TypeInfo {
  FindingType type;
  const char* name;
  Severity severity;
};

constexpr TypeInfo kTypes[] = {
    {FindingType::invalid_geometry, "invalid_geometry", Severity::error},
    {FindingType::duplicate_code, "duplicate_code", Severity::error},
    {FindingType::missing_parent, "missing_parent", Severity::error},
    {FindingType::level_mismatch, "level_mismatch", Severity::error},
    {FindingType::overlap, "overlap", Severity::error},
    {FindingType::gap, "gap", Severity::error},
    {FindingType::outside_parent, "outside_parent", Severity::error},
    {FindingType::sliver, "sliver", Severity::warning},
    {FindingType::empty_parent, "empty_parent", Severity::warning},
    {FindingType::code_prefix, "code_prefix", Severity::warning},
    {FindingType::unknown_township, "unknown_township", Severity::error},
    {FindingType::unit_outside_manager, "unit_outside_manager", Severity::error},
    {FindingType::interleaved, "interleaved", Severity::warning},
    {FindingType::unit_multipart, "unit_multipart", Severity::warning},
    {FindingType::exclave, "exclave", Severity::warning},
    {FindingType::enclave, "enclave", Severity::warning},
    {FindingType::crosses_county, "crosses_county", Severity::warning},
    {FindingType::network_cycle, "network_cycle", Severity::error},
    {FindingType::downstream_unknown, "downstream_unknown", Severity::error},
    {FindingType::downstream_not_adjacent, "downstream_not_adjacent", Severity::warning},
    {FindingType::downstream_conflict, "downstream_conflict", Severity::warning},
    {FindingType::section_off_river, "section_off_river", Severity::warning},
    {FindingType::section_outside_plan, "section_outside_plan", Severity::error},
    {FindingType::unassessed_units, "unassessed_units", Severity::warning},
    {FindingType::empty_scope, "empty_scope", Severity::warning},
    {FindingType::contradiction, "contradiction", Severity::error},
    {FindingType::blind_spot, "blind_spot", Severity::warning},
};

const TypeInfo& info(FindingType type) {
  for (const auto& t : kTypes)
    if (t.type == type) return t;
  return kTypes[0];
}

}  // namespace

const char* to_string(FindingType type) { return info(type).name; }

const char* to_string(Severity severity) {
  return severity == Severity::error ? "error" : "warning";
}

Severity severity_of(FindingType type) { return info(type).severity; }

std::optional<FindingType> parse_finding_type(std::string_view name) {
  for (const auto& t : kTypes)
    if (name == t.name) return t.type;
  return std::nullopt;
}

bool report_order(const Finding& a, const Finding& b) {
  const int by_type = std::strcmp(to_string(a.type), to_string(b.type));
  if (by_type != 0) return by_type < 0;
  if (a.codes != b.codes) return a.codes < b.codes;
  // Several pieces of one defect (e.g. two overlap pieces of the same pair): by place.
  return a.location < b.location;
}

FindingSummary summarize(const std::vector<Finding>& findings) {
  FindingSummary s;
  for (const Finding& f : findings) {
    ++s.by_type[to_string(f.type)];
    if (f.waived) {
      ++s.waived;
      continue;
    }
    const bool error = f.severity == Severity::error;
    (error ? s.errors : s.warnings)++;
    auto tally = [&](Tally& t) {
      (error ? t.errors : t.warnings)++;
      t.area_m2 += f.area_m2.value_or(0);
    };
    for (const auto& t : f.townships) tally(s.by_township[t]);
    for (const auto& c : f.counties) tally(s.by_county[c]);
  }
  return s;
}

}  // namespace basinkit
