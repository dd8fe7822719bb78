// libFuzzer target: the monitoring reader on arbitrary CSV bytes (through GDAL's CSV driver,
// from an in-memory file) returns or throws InputError.
#include <basinkit/assessment.hpp>
#include <basinkit/error.hpp>

#include <cpl_vsi.h>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const basinkit::AssessmentConfig config = basinkit::default_assessment_config();
  const char* path = "/vsimem/fuzz_monitoring.csv";
  VSILFILE* f = VSIFileFromMemBuffer(path, const_cast<GByte*>(data), size, FALSE);
  if (!f) return 0;
  VSIFCloseL(f);
  try {
    basinkit::read_monitoring(path, config, {"S1", "0102", "SEC01"});
  } catch (const basinkit::InputError&) {
    // The contract: bad input is an InputError. Anything else reaches libFuzzer.
  }
  VSIUnlink(path);
  return 0;
}
