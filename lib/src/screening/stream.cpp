#include <basinkit/screening.hpp>

#include "common/parallel.hpp"

namespace basinkit {

std::int64_t screen_stream(const Screener& screener, SiteReader& reader,
                           const std::function<void(const Site&, const SiteResult&)>& sink,
                           const StreamOptions& options) {
  std::int64_t done = 0;
  std::vector<std::string> errors;
  std::vector<SiteResult> results;
  for (;;) {
    std::vector<Site> chunk = reader.next(options.chunk_size, &errors);
    if (chunk.empty()) break;
    results.assign(chunk.size(), SiteResult{});
    parallel_for(chunk.size(), options.threads, [&](size_t i, int) {
      results[i] = screener.screen(chunk[i]);
      if (!errors[i].empty()) results[i].error = errors[i];
    });
    for (size_t i = 0; i < chunk.size(); ++i) sink(chunk[i], results[i]);
    done += static_cast<std::int64_t>(chunk.size());
    if (options.progress) options.progress(done);
  }
  return done;
}

}  // namespace basinkit
