// Coverage checks: gaps, overlaps, pieces outside the parent, slivers (DESIGN.md sec. 5).
//
// Each parent and its children form a family; the edge chain (edge_chain.hpp) clears the
// exact families in one pass over their vertices. Only the features of families it
// flags go through GEOS overlays. Overlaps are searched among all features of a level,
// starting from the flagged ones, and reported at the lowest level where they occur.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "common/parallel.hpp"
#include "common/stage_progress.hpp"
#include "findings/wording.hpp"
#include "geometry/envelope_index.hpp"
#include "geometry/pieces.hpp"
#include "validation/checks.hpp"
#include "validation/edge_chain.hpp"

namespace basinkit::validation {
namespace {

using geos::GeometryPtr;
using geos::union_of;

/// A parent (a basin, or the plan area for level 1) and the features that name it.
struct Family {
  int level = 0;            ///< of the children
  std::string parent_code;  ///< "" for the plan area
  std::string parent_name;
  std::string parent_layer;
  const GEOSGeometry* parent = nullptr;  ///< union when the code is duplicated
  std::vector<size_t> children;          ///< indexes into view.level(level)
};

GeometryPtr difference(const GEOSGeometry* a, const GEOSGeometry* b) {
  if (!a) return nullptr;
  GEOSContextHandle_t h = geos::context();
  if (!b) return GeometryPtr(GEOSGeom_clone_r(h, a));
  return geos::polygonal_part(GeometryPtr(GEOSDifference_r(h, a, b)).get());
}

class CoverageCheck {
 public:
  CoverageCheck(const PlanView& view, int threads, std::vector<Finding>& findings,
                std::vector<std::string>& skipped)
      : view_(view), plan_(view.plan()), threads_(threads), out_(findings), skipped_(skipped) {
    tolerance_ = plan_.manifest.tolerance_m;
    min_area_ = plan_.manifest.min_area_m2;
    std::vector<const GEOSGeometry*> allowed;
    for (const PlanFeature& f : plan_.layer("allowed_gaps")) allowed.push_back(view.geometry_of(f));
    allowed_gaps_ = union_of(allowed);
  }

  void run(const ProgressFn& progress) {
    const int deepest = view_.unit_level();
    std::vector<std::set<size_t>> suspects(deepest + 2);
    for (int level = 1; level <= deepest; ++level) {
      if (view_.level(level).empty()) continue;
      std::vector<Family> families = families_of(level);
      StageProgress stage(progress, fmt::format("coverage of {}", level_label(view_, level)),
                          families.size());
      std::mutex mutex;
      parallel_for(families.size(), threads_, [&](size_t i, int) {
        std::vector<Finding> found;
        std::vector<size_t> flagged = check_family(families[i], found);
        {
          std::lock_guard<std::mutex> lock(mutex);
          suspects[level].insert(flagged.begin(), flagged.end());
          for (auto& f : found) out_.push_back(std::move(f));
        }
        stage.advance();
      });
      stage.finish();
      // Children of flagged parents may overlap even when their own family is exact (two
      // overlapping parents, each tiled exactly): search them too.
      if (level > 1)
        for (size_t p : suspects[level - 1])
          for (const Family& fam : families)
            if (fam.parent_code == view_.level(level - 1)[p].feature->code)
              suspects[level].insert(fam.children.begin(), fam.children.end());
      for (size_t i = 0; i < view_.level(level).size(); ++i)
        if (view_.level(level)[i].repaired) suspects[level].insert(i);
    }
    // Overlaps bottom-up, so that a defect is reported at the lowest level.
    for (int level = deepest; level >= 1; --level) {
      if (view_.level(level).empty()) continue;
      find_overlaps(level, suspects[level],
                    fmt::format("overlaps of {}", level_label(view_, level)), progress);
    }
  }

 private:
  std::vector<Family> families_of(int level) {
    std::vector<Family> families;
    const auto& members = view_.level(level);
    if (level == 1) {
      if (!view_.plan_area()) {
        skipped_.push_back("gap and outside_parent of level 1: no boundary layer (plan area)");
        return families;
      }
      Family f;
      f.level = 1;
      f.parent = view_.plan_area();
      f.parent_layer = "boundary";
      for (size_t i = 0; i < members.size(); ++i)
        if (members[i].geometry) f.children.push_back(i);
      families.push_back(std::move(f));
      return families;
    }
    std::map<std::string, std::vector<size_t>> by_parent;
    for (size_t i = 0; i < members.size(); ++i) {
      const Member& m = members[i];
      // Children whose parent is missing or of the wrong level belong to no parent.
      if (!m.geometry || view_.with_code(level - 1, m.parent).empty()) continue;
      by_parent[m.parent].push_back(i);
    }
    for (auto& [code, children] : by_parent) {
      Family f;
      f.level = level;
      f.parent_code = code;
      std::vector<const GEOSGeometry*> parts;
      for (size_t p : view_.with_code(level - 1, code)) {
        const Member& parent = view_.level(level - 1)[p];
        parts.push_back(parent.geometry);
        f.parent_name = parent.feature->name;
        f.parent_layer = parent.layer;
      }
      if (parts.size() == 1) {
        f.parent = parts[0];
      } else {
        owned_.push_back(union_of(parts));
        f.parent = owned_.back().get();
      }
      if (!f.parent) continue;
      f.children = std::move(children);
      families.push_back(std::move(f));
    }
    return families;
  }

  /// Checks one family; returns the children the edge chain flagged.
  std::vector<size_t> check_family(const Family& fam, std::vector<Finding>& found) {
    const auto& members = view_.level(fam.level);
    EdgeChain chain;
    for (size_t k = 0; k < fam.children.size(); ++k)
      chain.add(members[fam.children[k]].geometry, +1, static_cast<int>(k));
    chain.add(fam.parent, -1, -1);
    const std::vector<int> owners = chain.unmatched_owners();
    std::vector<size_t> flagged;
    for (int k : owners)
      if (k >= 0) flagged.push_back(fam.children[static_cast<size_t>(k)]);
    if (owners.empty()) return flagged;

    // Gaps: the parent minus the union of its children, minus allowed gaps.
    std::vector<const GEOSGeometry*> parts;
    for (size_t c : fam.children) parts.push_back(members[c].geometry);
    GeometryPtr covered = union_of(parts);
    GeometryPtr gaps = difference(fam.parent, covered.get());
    if (gaps && allowed_gaps_) gaps = difference(gaps.get(), allowed_gaps_.get());
    const std::string child_label = level_label(view_, fam.level);
    const std::string parent_label = fam.level == 1
                                         ? "规划范围"
                                         : level_label(view_, fam.level - 1) + " " +
                                               wording::label(fam.parent_code, fam.parent_name);
    for (GeometryPtr& piece : geos::split_pieces(gaps.get())) {
      const double area = geos::area_of(piece.get());
      if (area < min_area_) continue;
      const std::string layer = members[fam.children.front()].layer;
      Finding f;
      if (geos::is_thin(piece.get(), tolerance_)) {
        f = make_finding(FindingType::sliver, layer, bordering(fam, piece.get()));
        f.message = fmt::format("{}内有一条细碎缝隙（宽度小于 {} 米，{}）未被{}覆盖", parent_label,
                                tolerance_, wording::area_text(area), child_label);
      } else {
        f = make_finding(FindingType::gap, layer, {});
        if (!fam.parent_code.empty()) f.codes = {fam.parent_code};
        f.message = fmt::format("{}内有 {}未被任何{}覆盖（死角盲区）", parent_label,
                                wording::area_text(area), child_label);
      }
      place(f, std::move(piece), area);
      found.push_back(std::move(f));
    }
    // Outside: each flagged child minus the parent.
    for (size_t c : flagged) {
      const Member& child = members[c];
      GeometryPtr outside = difference(child.geometry, fam.parent);
      for (GeometryPtr& piece : geos::split_pieces(outside.get())) {
        const double area = geos::area_of(piece.get());
        if (area < min_area_) continue;
        std::vector<std::string> codes = {child.feature->code};
        if (!fam.parent_code.empty()) codes.push_back(fam.parent_code);
        const bool thin = geos::is_thin(piece.get(), tolerance_);
        Finding f = make_finding(thin ? FindingType::sliver : FindingType::outside_parent,
                                 child.layer, codes);
        f.message =
            fmt::format("{} {} 有{} {}超出{}", child_label,
                        wording::label(child.feature->code, child.feature->name),
                        thin ? "细碎（宽度小于 " + fmt::format("{}", tolerance_) + " 米）的" : "",
                        wording::area_text(area), parent_label);
        place(f, std::move(piece), area);
        found.push_back(std::move(f));
      }
    }
    return flagged;
  }

  /// Children of `fam` within tolerance of `piece`, by code.
  std::vector<std::string> bordering(const Family& fam, const GEOSGeometry* piece) {
    GEOSContextHandle_t h = geos::context();
    std::set<std::string> codes;
    for (size_t c : fam.children) {
      const Member& m = view_.level(fam.level)[c];
      if (GEOSDistanceWithin_r(h, m.geometry, piece, std::max(tolerance_, 1e-9)) == 1)
        codes.insert(m.feature->code);
    }
    return {codes.begin(), codes.end()};
  }

  void place(Finding& f, GeometryPtr piece, double area) {
    f.area_m2 = area;
    f.location = geos::point_inside(piece.get());
    f.geometry = Geometry(piece.release());
  }

  void find_overlaps(int level, const std::set<size_t>& suspects, const std::string& stage_name,
                     const ProgressFn& progress) {
    const auto& members = view_.level(level);
    if (suspects.empty()) {
      StageProgress(progress, stage_name, 0).finish();
      return;
    }
    geos::EnvelopeIndex index;
    std::vector<std::array<double, 4>> boxes(members.size());
    for (size_t i = 0; i < members.size(); ++i) {
      if (!members[i].geometry) continue;
      boxes[i] = geos::envelope(members[i].geometry);
      index.add(boxes[i], i);
    }
    index.build();
    std::set<std::pair<size_t, size_t>> pair_set;
    for (size_t s : suspects) {
      if (!members[s].geometry) continue;
      for (size_t o : index.query(boxes[s]))
        if (o != s) pair_set.insert({std::min(s, o), std::max(s, o)});
    }
    const std::vector<std::pair<size_t, size_t>> pairs(pair_set.begin(), pair_set.end());
    // Lower levels' overlap pieces, so that one defect is reported once.
    geos::EnvelopeIndex lower_index;
    for (size_t i = 0; i < lower_.size(); ++i) lower_index.add(geos::envelope(lower_[i].get()), i);
    lower_index.build();

    std::mutex mutex;
    std::vector<GeometryPtr> level_pieces;
    const std::string label = level_label(view_, level);
    StageProgress stage(progress, stage_name, pairs.size());
    parallel_for(pairs.size(), threads_, [&](size_t i, int) {
      struct Advance {  // whichever way the pair's work ends
        StageProgress& stage;
        ~Advance() { stage.advance(); }
      } advance{stage};
      GEOSContextHandle_t h = geos::context();
      // Codes in order, whatever the input order, so that reports are stable.
      const bool swap =
          members[pairs[i].second].feature->code < members[pairs[i].first].feature->code;
      const Member& a = members[swap ? pairs[i].second : pairs[i].first];
      const Member& b = members[swap ? pairs[i].first : pairs[i].second];
      if (GEOSIntersects_r(h, a.geometry, b.geometry) != 1) return;
      GeometryPtr shared =
          geos::polygonal_part(GeometryPtr(GEOSIntersection_r(h, a.geometry, b.geometry)).get());
      if (!shared) return;
      std::vector<const GEOSGeometry*> below;
      for (size_t l : lower_index.query(geos::envelope(shared.get())))
        below.push_back(lower_[l].get());
      if (!below.empty()) shared = difference(shared.get(), union_of(below).get());
      std::vector<Finding> found;
      std::vector<GeometryPtr> kept;
      for (GeometryPtr& piece : geos::split_pieces(shared.get())) {
        const double area = geos::area_of(piece.get());
        if (area < min_area_) continue;
        const bool thin = geos::is_thin(piece.get(), tolerance_);
        Finding f = make_finding(thin ? FindingType::sliver : FindingType::overlap, a.layer,
                                 {a.feature->code, b.feature->code});
        f.message = fmt::format(
            "{} {} 与 {} {}重叠 {}", label, wording::label(a.feature->code, a.feature->name),
            wording::label(b.feature->code, b.feature->name),
            thin ? "细碎（宽度小于 " + fmt::format("{}", tolerance_) + " 米）" : "",
            wording::area_text(area));
        kept.emplace_back(GEOSGeom_clone_r(h, piece.get()));
        place(f, std::move(piece), area);
        found.push_back(std::move(f));
      }
      std::lock_guard<std::mutex> lock(mutex);
      for (auto& f : found) out_.push_back(std::move(f));
      for (auto& k : kept) level_pieces.push_back(std::move(k));
    });
    stage.finish();
    for (auto& p : level_pieces) lower_.push_back(std::move(p));
  }

  const PlanView& view_;
  const Plan& plan_;
  int threads_;
  std::vector<Finding>& out_;
  std::vector<std::string>& skipped_;
  double tolerance_ = 0;
  double min_area_ = 0;
  GeometryPtr allowed_gaps_;
  std::vector<GeometryPtr> owned_;  ///< unions of duplicated parents
  std::vector<GeometryPtr> lower_;  ///< overlap pieces found at deeper levels
};

}  // namespace

void check_coverage(const PlanView& view, int threads, const ProgressFn& progress,
                    std::vector<Finding>& findings, std::vector<std::string>& skipped) {
  CoverageCheck(view, threads, findings, skipped).run(progress);
}

}  // namespace basinkit::validation
