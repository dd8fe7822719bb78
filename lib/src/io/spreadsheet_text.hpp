#pragma once
// Internal: spreadsheets (XLSX, ODS) read with the first row as the header and every cell
// as text, even in a sheet whose cells are all text, so that codes such as "0123" stay
// codes. GDAL 3.6 takes these as configuration options; they are set on this thread while
// the object lives, as the drivers read lazily: keep it alive longer than the dataset.

#include <cpl_conv.h>

#include <string>

namespace basinkit::io {

struct SpreadsheetAsText {
  static constexpr const char* kOptions[] = {"OGR_XLSX_HEADERS", "OGR_XLSX_FIELD_TYPES",
                                             "OGR_ODS_HEADERS", "OGR_ODS_FIELD_TYPES"};
  SpreadsheetAsText() {
    for (const char* key : kOptions)
      CPLSetThreadLocalConfigOption(
          key, std::string(key).find("HEADERS") != std::string::npos ? "FORCE" : "STRING");
  }
  ~SpreadsheetAsText() {
    for (const char* key : kOptions) CPLSetThreadLocalConfigOption(key, nullptr);
  }
  SpreadsheetAsText(const SpreadsheetAsText&) = delete;
  SpreadsheetAsText& operator=(const SpreadsheetAsText&) = delete;
};

}  // namespace basinkit::io
