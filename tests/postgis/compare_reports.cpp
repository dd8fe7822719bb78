// The comparisons of the PostGIS end-to-end test (postgis_e2e.sh): basinkit's JSON reports
// of a run on shapefiles against those of the same run on PostGIS, and a report against
// the table it wrote, as read back with psql (COPY … CSV HEADER) and the table's comment.
//
//   compare_reports findings A.json B.json            same findings (areas to 1e-6 relative)
//   compare_reports sites A.json B.json               same sites: verdict, rules, location
//   compare_reports findings-table R.json T.csv C.json SRID   the table holds R's findings
//   compare_reports sites-table R.json T.csv C.json SRID      the table holds R's sites
//   compare_reports provenance R.json                 database inputs: no password, no hash
//
// Prints every difference; exit status 0 when there is none, 1 otherwise, 2 on bad usage.
#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "fixtures.hpp"

namespace {

using nlohmann::json;

int g_differences = 0;

template <typename... Args>
void differ(fmt::format_string<Args...> format, Args&&... args) {
  if (++g_differences <= 50)
    fmt::print("DIFF: {}\n", fmt::format(format, std::forward<Args>(args)...));
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

json read_json(const std::string& path) { return json::parse(read_text(path)); }

bool close(double a, double b, double relative) {
  return std::fabs(a - b) <= relative * std::max({std::fabs(a), std::fabs(b), 1.0});
}

/// Equal JSON values, numbers to `relative`.
bool same(const json& a, const json& b, double relative) {
  if (a.is_number() && b.is_number()) return close(a.get<double>(), b.get<double>(), relative);
  if (a.type() != b.type() || a.size() != b.size()) return false;
  if (a.is_array()) {
    for (size_t i = 0; i < a.size(); ++i)
      if (!same(a[i], b[i], relative)) return false;
    return true;
  }
  if (a.is_object()) {
    for (auto it = a.begin(); it != a.end(); ++it)
      if (!b.contains(it.key()) || !same(it.value(), b[it.key()], relative)) return false;
    return true;
  }
  return a == b;
}

void compare_findings(const json& a, const json& b) {
  const json& fa = a.at("findings");
  const json& fb = b.at("findings");
  if (fa.size() != fb.size()) differ("{} findings against {}", fa.size(), fb.size());
  for (size_t i = 0; i < std::min(fa.size(), fb.size()); ++i)
    if (!same(fa[i], fb[i], 1e-6)) differ("finding {}:\n  {}\n  {}", i, fa[i].dump(), fb[i].dump());
  for (const char* key : {"errors", "warnings", "waived", "by_type", "skipped"})
    if (a.at("summary").at(key) != b.at("summary").at(key))
      differ("summary.{}: {} against {}", key, a["summary"][key].dump(), b["summary"][key].dump());
}

std::map<std::string, json> by_id(const json& sites) {
  std::map<std::string, json> out;
  for (const json& s : sites) out[s.at("id").get<std::string>()] = s;
  return out;
}

void compare_sites(const json& a, const json& b) {
  const auto sa = by_id(a.at("sites")), sb = by_id(b.at("sites"));
  if (sa.size() != sb.size() || a["sites"].size() != sa.size())
    differ("{} sites against {}", a["sites"].size(), b["sites"].size());
  for (const auto& [id, site] : sa) {
    auto it = sb.find(id);
    if (it == sb.end()) {
      differ("site {} is missing", id);
    } else if (!same(site, it->second, 1e-6)) {
      differ("site {}:\n  {}\n  {}", id, site.dump(), it->second.dump());
    }
  }
  if (a.at("summary") != b.at("summary"))
    differ("summary: {} against {}", a["summary"].dump(), b["summary"].dump());
}

/// The rows of psql's CSV as header → value maps.
std::vector<std::map<std::string, std::string>> read_table(const std::string& path) {
  const auto records = basinkit::test::parse_csv(read_text(path));
  std::vector<std::map<std::string, std::string>> rows;
  for (size_t r = 1; r < records.size(); ++r) {
    std::map<std::string, std::string> row;
    for (size_t c = 0; c < records[0].size() && c < records[r].size(); ++c)
      row[records[0][c]] = records[r][c];
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string text_of(const json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "t" : "f";
  if (v.is_array()) {
    std::vector<std::string> parts;
    for (const json& e : v) parts.push_back(text_of(e));
    return fmt::format("{}", fmt::join(parts, ";"));
  }
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  return fmt::format("{}", v.get<double>());
}

void expect_cell(const std::string& what, const std::string& got, const json& want) {
  if (want.is_number_float() && !got.empty()) {
    if (!close(std::stod(got), want.get<double>(), 1e-12))
      differ("{}: table {} against report {}", what, got, want.dump());
  } else if (got != text_of(want)) {
    differ("{}: table '{}' against report '{}'", what, got, text_of(want));
  }
}

void compare_comment(const json& report, const std::string& comment_path) {
  const json comment = read_json(comment_path);
  if (comment.at("basinkit_summary") != report.at("summary"))
    differ("table comment summary {} against {}", comment["basinkit_summary"].dump(),
           report["summary"].dump());
  if (comment.at("basinkit_provenance") != report.at("provenance"))
    differ("table comment provenance {} against {}", comment["basinkit_provenance"].dump(),
           report["provenance"].dump());
}

void check_geometry(const std::string& what, const std::map<std::string, std::string>& row,
                    const std::string& srid) {
  if (row.at("srid") != srid) differ("{}: SRID {} (want {})", what, row.at("srid"), srid);
}

void compare_findings_table(const json& report, const std::string& table,
                            const std::string& comment, const std::string& srid) {
  const auto rows = read_table(table);
  const json& findings = report.at("findings");
  if (rows.size() != findings.size())
    differ("{} rows against {} findings", rows.size(), findings.size());
  for (size_t i = 0; i < std::min(rows.size(), findings.size()); ++i) {
    const json& f = findings[i];
    const auto& row = rows[i];
    const std::string what = fmt::format("row {} ({})", i + 1, f.at("type").get<std::string>());
    for (const char* key : {"type", "severity", "layer", "codes", "names", "area_m2", "townships",
                            "counties", "message"})
      expect_cell(fmt::format("{} {}", what, key), row.at(key), f.at(key));
    for (const char* key :
         {"share", "manager", "majority_township", "surrounded_by", "count", "waived"})
      expect_cell(fmt::format("{} {}", what, key), row.at(key), f.value(key, json()));
    const json& location = f.at("location");
    expect_cell(what + " x", row.at("x"), location.is_null() ? json() : location[0]);
    expect_cell(what + " y", row.at("y"), location.is_null() ? json() : location[1]);
    check_geometry(what, row, srid);
  }
  compare_comment(report, comment);
}

/// The evidence column as the flat writers form it: "N-HJ-001:distance_m=812.3;…".
std::string evidence_text(const json& rules) {
  std::vector<std::string> parts;
  for (const json& r : rules) {
    std::vector<std::string> members;
    for (const char* key : {"distance_m", "overlap_m2", "unit", "zone"})
      if (r.at("evidence").contains(key))
        members.push_back(fmt::format("{}={}", key, text_of(r["evidence"][key])));
    if (!members.empty())
      parts.push_back(fmt::format("{}:{}", r.at("id").get<std::string>(), fmt::join(members, ",")));
  }
  return fmt::format("{}", fmt::join(parts, ";"));
}

void compare_sites_table(const json& report, const std::string& table, const std::string& comment,
                         const std::string& srid) {
  const auto rows = read_table(table);
  const json& sites = report.at("sites");
  if (rows.size() != sites.size()) differ("{} rows against {} sites", rows.size(), sites.size());
  for (size_t i = 0; i < std::min(rows.size(), sites.size()); ++i) {
    const json& s = sites[i];
    const auto& row = rows[i];
    const std::string what = fmt::format("row {} (site {})", i + 1, s.at("id").get<std::string>());
    expect_cell(what + " id", row.at("id"), s.at("id"));
    expect_cell(what + " verdict", row.at("verdict"), s.at("verdict"));
    const json& at = s.at("location");
    for (const char* key : {"unit", "manager", "township", "county", "outside_plan"})
      expect_cell(fmt::format("{} {}", what, key), row.at(key), at.at(key));
    for (auto it = at.at("basins").begin(); it != at["basins"].end(); ++it)
      expect_cell(fmt::format("{} basin_{}", what, it.key()), row.at("basin_" + it.key()),
                  it.value());
    for (const auto& [column, key] :
         std::vector<std::pair<std::string, std::string>>{{"rules", "id"},
                                                          {"effects", "effect"},
                                                          {"files", "file"},
                                                          {"titles", "title"},
                                                          {"basis", "basis"},
                                                          {"conditions", "condition"}}) {
      json values = json::array();
      for (const json& r : s.at("rules")) values.push_back(r.at(key));
      expect_cell(fmt::format("{} {}", what, column), row.at(column), values);
    }
    expect_cell(what + " evidence", row.at("evidence"), evidence_text(s.at("rules")));
    expect_cell(what + " missing", row.at("missing"), s.at("missing"));
    expect_cell(what + " error", row.at("error"), s.value("error", json()));
    check_geometry(what, row, srid);
    if (row.at("geometry_type").empty()) differ("{}: no geometry", what);
  }
  compare_comment(report, comment);
}

void check_provenance(const json& report) {
  int databases = 0;
  for (const json& in : report.at("provenance").at("inputs")) {
    const std::string path = in.at("path").get<std::string>();
    if (path.rfind("PG:", 0) != 0) continue;
    ++databases;
    if (path.find("password=***") == std::string::npos)
      differ("input {}: path '{}' does not show the password hidden", in.at("role").dump(), path);
    if (!in.at("sha256").is_null()) differ("input {}: a SHA-256 for a database", in["role"].dump());
    if (!in.at("layer").is_string() || in["layer"].get<std::string>().empty())
      differ("input {}: no table", in["role"].dump());
  }
  if (databases == 0) differ("no database among the inputs");
  const std::string command = report["provenance"].at("command_line").get<std::string>();
  if (command.find("password=") != std::string::npos &&
      command.find("password=***") == std::string::npos)
    differ("the command line shows a password: {}", command);
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> a(argv + 1, argv + argc);
  try {
    if (a.size() == 3 && a[0] == "findings") {
      compare_findings(read_json(a[1]), read_json(a[2]));
    } else if (a.size() == 3 && a[0] == "sites") {
      compare_sites(read_json(a[1]), read_json(a[2]));
    } else if (a.size() == 5 && a[0] == "findings-table") {
      compare_findings_table(read_json(a[1]), a[2], a[3], a[4]);
    } else if (a.size() == 5 && a[0] == "sites-table") {
      compare_sites_table(read_json(a[1]), a[2], a[3], a[4]);
    } else if (a.size() == 2 && a[0] == "provenance") {
      check_provenance(read_json(a[1]));
    } else {
      fmt::print(stderr, "usage: see the head of compare_reports.cpp\n");
      return 2;
    }
  } catch (const std::exception& e) {
    fmt::print("ERROR: {}\n", e.what());
    return 1;
  }
  if (g_differences) fmt::print("{} differences\n", g_differences);
  return g_differences ? 1 : 0;
}
