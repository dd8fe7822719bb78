// libFuzzer target: the rule-file parser returns or throws InputError on any input.
#include <basinkit/error.hpp>
#include <basinkit/rules.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    basinkit::parse_rules(text, "/fuzz/rules.yaml");
  } catch (const basinkit::InputError&) {
    // The contract: bad input is an InputError. Anything else reaches libFuzzer.
  }
  return 0;
}
