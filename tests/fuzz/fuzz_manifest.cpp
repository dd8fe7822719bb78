// libFuzzer target: the plan manifest parser returns or throws InputError on any input.
#include <basinkit/error.hpp>
#include <basinkit/manifest.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    basinkit::parse_manifest(text, "/fuzz/plan.yaml");
  } catch (const basinkit::InputError&) {
    // The contract: bad input is an InputError. Anything else reaches libFuzzer.
  }
  return 0;
}
