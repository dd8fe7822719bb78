// The HTML page of screening results (`screen -o result.html`), checked as text: one
// offline page, a mark per site in verdict order, a row per site, the records behind the
// details as JSON, hostile input escaped, and a small page for a large plan. Its behaviour
// in a browser is tested by tests/html/browser_test.py.
#include <basinkit/error.hpp>
#include <basinkit/plan.hpp>
#include <basinkit/screening.hpp>
#include <basinkit/screening_report.hpp>

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "fixtures.hpp"
#include "generated_screening.hpp"

using namespace basinkit;
using namespace basinkit::test;
using nlohmann::json;

namespace {

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

/// The JSON value after `var NAME=` up to the ";\n" that ends it.
json script_value(const std::string& html, const std::string& name) {
  const std::string start = "var " + name + "=";
  const size_t at = html.find(start);
  REQUIRE(at != std::string::npos);
  const size_t from = at + start.size();
  return json::parse(html.substr(from, html.find(";\n", from) - from));
}

/// The text of the group `<g class="NAME">…</g>` of the map (groups nest one level).
std::string group(const std::string& html, const std::string& name) {
  const size_t at = html.find("<g class=\"" + name + "\">");
  REQUIRE(at != std::string::npos);
  return html.substr(at, html.find("</g>\n", at) - at);
}

Provenance provenance() {
  Provenance p;
  p.version = "0.1.0";
  p.command_line = "basinkit screen plan.yaml --rules city.yaml --sites s.gpkg -o s.html";
  p.working_crs = "EPSG:4547";
  return p;
}

Rule rule(std::string id, Effect effect, std::string title) {
  Rule r;
  r.id = std::move(id);
  r.effect = effect;
  r.title = std::move(title);
  r.basis = "《中华人民共和国长江保护法》第二十六条";
  return r;
}

}  // namespace

TEST_CASE("Screening HTML: one offline page with a mark, a row and a record per site",
          "[screening-report][html]") {
  TempDir dir;
  Plan plan;
  plan.working_crs = "EPSG:4547";
  plan.manifest.name = "示例市流域规划";
  ControlUnit unit;
  unit.code = "U1";
  unit.name = "一号单元";
  unit.geometry = Geometry::from_wkt(near_jingmen_box(0, 0, 10000, 10000));
  plan.units.push_back(std::move(unit));

  const Rule ban = rule("N-1", Effect::prohibit, "禁止 </script><script>alert(1)</script>");
  const Rule park = rule("P-1", Effect::permit, "园区内允许");
  struct Case {
    std::string id, wkt;
    Verdict verdict;
    std::vector<const Rule*> rules;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"<b>S1</b>", "POINT (341000 3451000)", Verdict::prohibited, {&ban}, ""},
      {"S2", near_jingmen_box(2000, 2000, 2100, 2100), Verdict::permitted, {&park}, ""},
      {"S3", near_jingmen_line(3000, 3000, 4000, 3500), Verdict::unlisted, {}, ""},
      {"S4", "POINT EMPTY", Verdict::unlisted, {}, "the site has no geometry"},
      {"S5", "POINT (341500 3451500)", Verdict::prohibited, {&ban, &park}, ""}};

  const std::string path = dir / "result.html";
  check_screening_report_path(path);
  {
    auto out = open_screening_report(path, provenance(), plan);
    ScreeningSummary summary;
    for (const Case& c : cases) {
      Site site;
      site.id = c.id;
      site.industry = "C2614";
      site.action = "new";
      site.geometry = Geometry::from_wkt(c.wkt);
      SiteResult r;
      r.id = c.id;
      r.verdict = c.verdict;
      r.location.unit = "U1";
      r.location.basins = {{3, std::nullopt}};
      for (const Rule* x : c.rules) {
        AppliedRule a;
        a.rule = x;
        a.file = "city.yaml";
        a.evidence.distance_m = 12.3456;
        r.rules.push_back(a);
      }
      r.error = c.error;
      summary.add(r.verdict);
      out->write(site, r);
    }
    out->finish(summary);
  }  // the rules may go now: the page is written
  const std::string html = read_text(path);

  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(count(html, "http") == 1);  // SVG's namespace: nothing is loaded from elsewhere
  CHECK(html.find("示例市流域规划") != std::string::npos);
  CHECK(count(html, "<title>") == 2);  // the page's and the unit's
  // Marks: every site but the one in error, prohibited drawn last (on top).
  const std::string sites = group(html, "sites");
  CHECK(count(sites, "data-i=\"") == 4);
  CHECK(count(sites, "<circle class=\"prohibited\"") == 2);
  CHECK(count(sites, "<path class=\"permitted\"") == 1);
  CHECK(count(sites, "<path class=\"unlisted line\"") == 1);
  CHECK(sites.find("data-i=\"3\"") == std::string::npos);
  CHECK(sites.find("unlisted") < sites.find("permitted"));
  CHECK(sites.find("permitted") < sites.find("prohibited"));
  // A row per site, in input order, with the rule titles and legal basis.
  CHECK(count(html, "<tr data-i=\"") == cases.size());
  CHECK(html.find("<tr data-i=\"0\"><td>0</td><td>&lt;b&gt;S1&lt;/b&gt;</td>") !=
        std::string::npos);
  CHECK(count(html, "<div>《中华人民共和国长江保护法》第二十六条</div>") == 4);
  // Hostile text is escaped in the markup and cannot close the script element.
  CHECK(html.find("<b>S1</b>") == std::string::npos);
  CHECK(html.find("<script>alert(1)") == std::string::npos);
  CHECK(count(html, "<script>") == 1);

  // The records behind the details, and the rules they point to (each once, in order of
  // first use, with the number of sites).
  const json records = script_value(html, "SITES");
  REQUIRE(records.size() == cases.size());
  CHECK(records[0]["id"] == "<b>S1</b>");
  CHECK(records[0]["verdict"] == "prohibited");
  CHECK(records[0]["location"]["unit"] == "U1");
  CHECK(records[0]["location"]["basins"] == json::object());  // the plan has no basins
  CHECK(records[0]["rules"] == json::parse(R"([[0, {"distance_m": 12.346}]])"));
  CHECK(records[3]["error"] == "the site has no geometry");
  CHECK(records[4]["rules"].size() == 2);
  const json rules = script_value(html, "RULES");
  REQUIRE(rules.size() == 2);
  CHECK(rules[0]["title"] == ban.title);
  CHECK(rules[1]["id"] == "P-1");
  CHECK(script_value(html, "NAMES")["units"]["U1"] == "一号单元");
  CHECK(html.find("<td>N-1</td><td>city.yaml</td><td>prohibit</td><td>2</td>") !=
        std::string::npos);
}

TEST_CASE("Screening HTML of no sites is a whole page", "[screening-report][html]") {
  TempDir dir;
  const Plan plan;
  auto out = open_screening_report(dir / "none.HTML", provenance(), plan);
  out->finish({});
  const std::string html = read_text(dir / "none.HTML");
  CHECK(script_value(html, "SITES") == json::array());
  CHECK(html.find("0 sites") != std::string::npos);
  CHECK(html.size() > 1000);
  CHECK(html.substr(html.size() - 15) == "</body></html>\n");
}

TEST_CASE("An unwritable screening HTML path is an input error naming it",
          "[screening-report][html]") {
  TempDir dir;
  const Plan plan;
  const std::string path = dir / "no/such/folder/result.html";
  try {
    open_screening_report(path, provenance(), plan);
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find(path) != std::string::npos);
  }
}

TEST_CASE("Screening HTML of a 10000-unit plan stays a few MB", "[screening-report][html][large]") {
  TempDir dir;
  bench::GeneratorOptions options;
  options.units = 10000;
  options.sites = 2000;
  const GeneratedScreening g(dir, options);
  const Plan& plan = g.plan;
  SiteReader reader(g.sites, plan.working_crs);
  auto out = open_screening_report(dir / "result.html", provenance(), plan);
  ScreeningSummary summary;
  screen_stream(g.screener, reader,
                [&](const Site& site, const SiteResult& r) {
                  summary.add(r.verdict);
                  out->write(site, r);
                },
                {});
  out->finish(summary);
  const auto bytes = std::filesystem::file_size(dir / "result.html");
  INFO("page of " << plan.units.size() << " units and 2000 sites: " << bytes << " bytes");
  CHECK(bytes < 8'000'000);
  const std::string html = read_text(dir / "result.html");
  CHECK(count(group(html, "units"), "<path ") == plan.units.size());
  CHECK(count(group(html, "sites"), "data-i=\"") == 2000);
}
