#include <basinkit/rules.hpp>

namespace basinkit {

std::set<std::string> compared_attributes(const std::vector<RuleFile>& files) {
  std::set<std::string> fields;
  auto add = [&](const AppliesTo& a) {
    for (const AttributeTest& t : a.attr) fields.insert(t.field);
  };
  for (const RuleFile& file : files)
    for (const Rule& rule : file.rules) {
      add(rule.applies_to);
      if (rule.unless_applies_to) add(*rule.unless_applies_to);
    }
  return fields;
}

}  // namespace basinkit
