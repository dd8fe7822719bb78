#include "jurisdiction/jurisdiction.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>

#include "common/parallel.hpp"
#include "common/stage_progress.hpp"
#include "jurisdiction/township_parts.hpp"
#include "jurisdiction/township_set.hpp"
#include "jurisdiction/unit_checks.hpp"

namespace basinkit {
namespace {

using jurisdiction::GeometryPtr;
using jurisdiction::TownshipSet;
using jurisdiction::UnitChecker;

constexpr int kChunk = 32;  // units taken at a time by a thread
constexpr int kMinUnitsPerThread = 64;

// Copies of the township geometries for one thread (made on the calling thread).
std::vector<GeometryPtr> copies_of(const TownshipSet& townships) {
  std::vector<GeometryPtr> copies;
  copies.reserve(townships.features.size());
  for (const auto& t : townships.features) copies.push_back(jurisdiction::clone(t.geometry.get()));
  return copies;
}

std::vector<Finding> check_units(const Plan& plan, const TownshipSet& townships, int requested,
                                 const ProgressFn& progress) {
  const int n = static_cast<int>(plan.units.size());
  std::vector<std::vector<Finding>> per_unit(plan.units.size());
  const int threads = std::min(worker_count(requested), std::max(1, n / kMinUnitsPerThread));

  std::atomic<int> next{0};
  StageProgress stage(progress, "jurisdiction: units", plan.units.size());
  std::exception_ptr error;
  std::mutex error_mutex;
  auto work = [&](UnitChecker& checker) {
    try {
      for (;;) {
        const int begin = next.fetch_add(kChunk);
        if (begin >= n) break;
        const int end = std::min(n, begin + kChunk);
        for (int u = begin; u < end; ++u)
          checker.check(plan.units[static_cast<std::size_t>(u)],
                        per_unit[static_cast<std::size_t>(u)]);
        stage.advance(static_cast<std::size_t>(end - begin));
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
      next.store(n);  // stop the others
    }
  };

  std::vector<std::unique_ptr<UnitChecker>> checkers;
  for (int t = 0; t < threads; ++t)
    checkers.push_back(
        std::make_unique<UnitChecker>(plan.manifest, townships, copies_of(townships)));
  std::vector<std::thread> helpers;
  for (int t = 1; t < threads; ++t)
    helpers.emplace_back([&, t] {
      work(*checkers[static_cast<std::size_t>(t)]);
      checkers[static_cast<std::size_t>(t)].reset();  // frees its GEOS objects on its thread
    });
  work(*checkers[0]);  // the calling thread works too
  for (auto& h : helpers) h.join();
  checkers.clear();
  if (error) std::rethrow_exception(error);
  stage.finish();

  std::vector<Finding> out;
  for (auto& findings : per_unit)
    for (auto& f : findings) out.push_back(std::move(f));
  return out;
}

}  // namespace

std::vector<Finding> check_jurisdiction(const Plan& plan, int threads, const ProgressFn& progress) {
  const bool units = plan.has_layer("units");
  const bool townships = plan.has_layer("townships");
  if (!units && !townships) return {};
  const TownshipSet set(plan);
  std::vector<Finding> out;
  if (units) out = check_units(plan, set, threads, progress);
  if (townships) {
    if (progress) progress("jurisdiction: townships", 0);
    std::vector<Finding> parts = jurisdiction::check_township_parts(plan, set);
    out.insert(out.end(), std::make_move_iterator(parts.begin()),
               std::make_move_iterator(parts.end()));
    if (progress) progress("jurisdiction: townships", 1);
  }
  return out;
}

}  // namespace basinkit
