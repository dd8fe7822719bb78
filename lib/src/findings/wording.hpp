#pragma once
// Internal: how findings word features and areas in their one-sentence messages.

#include <string>

namespace basinkit::wording {

/// An area for a message: "35.2 平方米", "2.31 公顷" or "12.47 平方公里".
std::string area_text(double area_m2);

/// "CODE（名称）", or "CODE" when the name is empty.
std::string label(const std::string& code, const std::string& name);

}  // namespace basinkit::wording
