#pragma once
// Internal: building the jurisdiction findings' common members.

#include <basinkit/findings.hpp>

#include <cmath>
#include <string>
#include <utility>

#include "jurisdiction/pieces.hpp"

namespace basinkit::jurisdiction {

/// A finding of `type` on manifest layer `layer`, with the severity DESIGN.md gives it.
inline Finding make_finding(FindingType type, const char* layer) {
  Finding f;
  f.type = type;
  f.severity = severity_of(type);
  f.layer = layer;
  return f;
}

/// Sets area, location (a point inside `piece`) and geometry (takes `piece`).
inline void set_piece(Finding& f, double area_m2, GeometryPtr piece) {
  f.area_m2 = area_m2;
  if (piece) {
    const auto p = point_inside(piece.get());
    if (!std::isnan(p[0]) && !std::isnan(p[1])) f.location = p;
    f.geometry = Geometry(piece.release());
  }
}

/// Appends `value` to `list` unless it is empty or already there.
inline void add_unique(std::vector<std::string>& list, const std::string& value) {
  if (value.empty()) return;
  for (const auto& v : list)
    if (v == value) return;
  list.push_back(value);
}

}  // namespace basinkit::jurisdiction
