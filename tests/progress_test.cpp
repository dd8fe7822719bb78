// Progress callbacks (validate.hpp ProgressFn, StreamOptions::progress): what a progress
// bar may rely on. Stages start at 0, rise and end at exactly 1; counts rise and end at
// the total; never two calls at once.
#include <basinkit/rules_check.hpp>
#include <basinkit/screening.hpp>
#include <basinkit/validate.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "common/stage_progress.hpp"
#include "fixtures.hpp"

using namespace basinkit;
using namespace basinkit::test;

namespace {

std::string demo(const std::string& file) {
  return std::string(BASINKIT_SOURCE_DIR) + "/data/shapefiles/" + file;
}

/// Records the calls of a ProgressFn and checks that no two overlap.
struct StageLog {
  std::vector<std::pair<std::string, double>> calls;
  std::atomic<int> inside{0};
  bool overlapped = false;

  ProgressFn fn() {
    return [this](const std::string& stage, double fraction) {
      if (inside.fetch_add(1) != 0) overlapped = true;
      calls.emplace_back(stage, fraction);
      inside.fetch_sub(1);
    };
  }

  /// Every stage: first 0, never falling, last exactly 1; stages not interleaved.
  void check() const {
    CHECK_FALSE(overlapped);
    REQUIRE_FALSE(calls.empty());
    std::vector<std::string> order;
    std::map<std::string, std::vector<double>> by_stage;
    for (const auto& [stage, fraction] : calls) {
      if (order.empty() || order.back() != stage) order.push_back(stage);
      by_stage[stage].push_back(fraction);
    }
    CHECK(order.size() == by_stage.size());  // a stage, once left, never comes back
    for (const auto& [stage, fractions] : by_stage) {
      INFO("stage " << stage);
      CHECK(fractions.front() == 0.0);
      CHECK(fractions.back() == 1.0);
      CHECK(fractions.size() <= 102);  // 0, each whole percent, 1
      for (size_t i = 1; i < fractions.size(); ++i) CHECK(fractions[i] >= fractions[i - 1]);
      CHECK(std::count(fractions.begin(), fractions.end(), 1.0) == 1);
    }
  }

  bool has_stage_starting(const std::string& prefix) const {
    for (const auto& call : calls)
      if (call.first.rfind(prefix, 0) == 0) return true;
    return false;
  }
};

}  // namespace

TEST_CASE("A stage advanced from many threads reports 0, whole percents rising, then 1",
          "[progress]") {
  StageLog log;
  const ProgressFn fn = log.fn();
  {
    StageProgress stage(fn, "work", 80000);
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
      threads.emplace_back([&] {
        for (int i = 0; i < 10000; ++i) stage.advance();
      });
    for (auto& t : threads) t.join();
    stage.finish();
    stage.finish();  // once only
  }
  log.check();
  CHECK(log.calls.size() > 2);  // percents in between, not just 0 and 1

  // An empty stage, and no callback at all.
  StageLog empty;
  const ProgressFn empty_fn = empty.fn();
  StageProgress(empty_fn, "nothing", 0).finish();
  empty.check();
  CHECK(empty.calls.size() == 2);
  const ProgressFn none;
  StageProgress quiet(none, "unseen", 10);
  quiet.advance(10);
  quiet.finish();
}

TEST_CASE("validate reports each stage from 0 to 1, one call at a time", "[progress]") {
  const Plan plan = load_plan(demo("plan.yaml"));
  StageLog log;
  ValidateOptions options;
  options.threads = 4;
  options.progress = log.fn();
  validate(plan, options);
  log.check();
  CHECK(log.has_stage_starting("coverage of "));
  CHECK(log.has_stage_starting("overlaps of "));
  CHECK(log.has_stage_starting("jurisdiction: units"));
  CHECK(log.has_stage_starting("jurisdiction: townships"));
}

TEST_CASE("rules check reports each stage from 0 to 1", "[progress]") {
  const Plan plan = load_plan(demo("plan.yaml"));
  StageLog log;
  RulesCheckOptions options;
  options.industries = {"C26", "C38"};
  options.progress = log.fn();
  check_rules(plan, {read_rules(demo("rules.yaml"))}, options);
  log.check();
  for (const char* stage : {"rule scopes", "rule pairs", "blind spots"})
    CHECK(log.has_stage_starting(stage));
}

TEST_CASE("screen_stream counts sites up to the total the reader announced", "[progress]") {
  const Plan plan = load_plan(demo("plan.yaml"));
  const Screener screener(plan, {read_rules(demo("rules.yaml"))});
  SiteSource source;
  source.path = demo("sites.gpkg");
  SiteReader reader(source, plan.working_crs);
  const std::int64_t total = reader.count();
  CHECK(total == 196);  // a GeoPackage knows its count

  std::vector<std::int64_t> counts;
  std::int64_t sunk = 0;
  std::atomic<int> inside{0};
  bool overlapped = false;
  StreamOptions options;
  options.chunk_size = 50;
  options.threads = 2;
  options.progress = [&](std::int64_t done) {
    if (inside.fetch_add(1) != 0) overlapped = true;
    counts.push_back(done);
    CHECK(done <= sunk);  // counted once handed to the sink
    inside.fetch_sub(1);
  };
  const std::int64_t screened = screen_stream(
      screener, reader, [&](const Site&, const SiteResult&) { ++sunk; }, options);
  CHECK_FALSE(overlapped);
  CHECK(screened == total);
  CHECK(counts == std::vector<std::int64_t>{50, 100, 150, 196});
}

TEST_CASE("A site list that cannot count without reading has no total", "[progress]") {
  TempDir dir;
  write_text(dir / "sites.csv", "id,lon,lat\nA,112.5,31.1\nB,112.6,31.2\n");
  SiteSource source;
  source.path = dir / "sites.csv";
  SiteReader reader(source, "EPSG:4547");
  CHECK(reader.count() == -1);
  std::vector<std::string> errors;
  CHECK(reader.next(10, &errors).size() == 2);  // counting did not move the cursor
}
