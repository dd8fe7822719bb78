// libFuzzer target: the assessment-config parser returns or throws InputError on any input.
#include <basinkit/assessment.hpp>
#include <basinkit/error.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    basinkit::parse_assessment_config(text, "/fuzz/assessment.yaml");
  } catch (const basinkit::InputError&) {
    // The contract: bad input is an InputError. Anything else reaches libFuzzer.
  }
  return 0;
}
