#include "findings/wording.hpp"

#include <fmt/format.h>

namespace basinkit::wording {

std::string area_text(double area_m2) {
  if (area_m2 >= 1e6) return fmt::format("{:.2f} 平方公里", area_m2 / 1e6);
  if (area_m2 >= 1e4) return fmt::format("{:.2f} 公顷", area_m2 / 1e4);
  return fmt::format("{:.1f} 平方米", area_m2);
}

std::string label(const std::string& code, const std::string& name) {
  return name.empty() ? code : code + "（" + name + "）";
}

}  // namespace basinkit::wording
