#include <basinkit/screening.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>

#include "common/parallel.hpp"
#include "geometry/envelope_index.hpp"

namespace basinkit {
namespace {

/// Interleaves the bits of two 16-bit numbers (a Morton / Z-order code).
std::uint32_t interleave(std::uint32_t x, std::uint32_t y) {
  auto spread = [](std::uint32_t v) {
    v = (v | (v << 8)) & 0x00FF00FFu;
    v = (v | (v << 4)) & 0x0F0F0F0Fu;
    v = (v | (v << 2)) & 0x33333333u;
    v = (v | (v << 1)) & 0x55555555u;
    return v;
  };
  return spread(x) | (spread(y) << 1);
}

/// The order in which to screen a chunk: along a Z-order curve over its extent, so that
/// consecutive sites fall in the same units and their edges stay in cache. Results are
/// still written in input order.
std::vector<size_t> spatial_order(const std::vector<Site>& chunk) {
  std::vector<std::array<double, 2>> at(chunk.size());
  double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
  for (size_t i = 0; i < chunk.size(); ++i) {
    const auto e = geos::envelope(chunk[i].geometry.get());
    at[i] = {e[0], e[1]};
    x0 = std::min(x0, e[0]);
    y0 = std::min(y0, e[1]);
    x1 = std::max(x1, e[0]);
    y1 = std::max(y1, e[1]);
  }
  const double sx = x1 > x0 ? 65535 / (x1 - x0) : 0, sy = y1 > y0 ? 65535 / (y1 - y0) : 0;
  std::vector<std::uint32_t> key(chunk.size());
  for (size_t i = 0; i < chunk.size(); ++i)
    key[i] = interleave(static_cast<std::uint32_t>((at[i][0] - x0) * sx),
                        static_cast<std::uint32_t>((at[i][1] - y0) * sy));
  std::vector<size_t> order(chunk.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return key[a] < key[b]; });
  return order;
}

}  // namespace

std::int64_t screen_stream(const Screener& screener, SiteReader& reader,
                           const std::function<void(const Site&, const SiteResult&)>& sink,
                           const StreamOptions& options) {
  std::int64_t done = 0;
  std::vector<std::string> errors;
  std::vector<SiteResult> results;
  for (;;) {
    std::vector<Site> chunk = reader.next(options.chunk_size, &errors);
    if (chunk.empty()) break;
    const std::vector<size_t> order = spatial_order(chunk);
    results.assign(chunk.size(), SiteResult{});
    parallel_for(chunk.size(), options.threads, [&](size_t k, int) {
      const size_t i = order[k];
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
