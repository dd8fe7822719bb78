#include <basinkit/screening.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <future>
#include <memory>
#include <mutex>
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

/// Where a site of a chunk is: its point, or its envelope's lower-left corner.
struct Spot {
  std::array<double, 2> at;
  bool point = false;  ///< a point site: `at` is the point
};

/// The order in which to screen a chunk: along a Z-order curve over its extent, so that
/// consecutive sites fall in the same units and their edges stay in cache. Results are
/// still written in input order. `spots` receives where each site is.
std::vector<size_t> spatial_order(const std::vector<Site>& chunk, std::vector<Spot>& spots) {
  spots.assign(chunk.size(), Spot{});
  double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
  GEOSContextHandle_t h = geos::context();
  for (size_t i = 0; i < chunk.size(); ++i) {
    // Points (the usual site) without the envelope's five GEOS calls.
    const GEOSGeometry* g = chunk[i].geometry.get();
    std::array<double, 2>& at = spots[i].at;
    spots[i].point = g && GEOSGeomTypeId_r(h, g) == GEOS_POINT && !GEOSisEmpty_r(h, g) &&
                     GEOSGeomGetX_r(h, g, &at[0]) && GEOSGeomGetY_r(h, g, &at[1]);
    if (!spots[i].point) {
      const auto e = geos::envelope(g);
      at = {e[0], e[1]};
    }
    x0 = std::min(x0, at[0]);
    y0 = std::min(y0, at[1]);
    x1 = std::max(x1, at[0]);
    y1 = std::max(y1, at[1]);
  }
  const double sx = x1 > x0 ? 65535 / (x1 - x0) : 0, sy = y1 > y0 ? 65535 / (y1 - y0) : 0;
  std::vector<std::uint32_t> key(chunk.size());
  for (size_t i = 0; i < chunk.size(); ++i)
    key[i] = interleave(static_cast<std::uint32_t>((spots[i].at[0] - x0) * sx),
                        static_cast<std::uint32_t>((spots[i].at[1] - y0) * sy));
  std::vector<size_t> order(chunk.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return key[a] < key[b]; });
  return order;
}

/// Hands a screened chunk to the sink in input order, fetching ahead what a report will
/// read. The workers wrote the results on the other core, and their parts hang off
/// pointers the hardware prefetcher cannot follow: the result, its rules, each rule's
/// file name (the JSON writer compares it with its escaped rule text's) each missed the
/// cache in turn. Three stages, each reading only what the one before fetched; the JSON
/// writer's profile samples fell by a third (docs/performance.md, fifth round).
void hand_over(const std::vector<Site>& sites, const std::vector<SiteResult>& results,
               const std::function<void(const Site&, const SiteResult&)>& sink) {
  constexpr size_t kFar = 12, kNear = 6, kNext = 3;
  const size_t n = sites.size();
  for (size_t i = 0; i < n; ++i) {
    if (i + kFar < n) {
      const auto* bytes = reinterpret_cast<const char*>(&results[i + kFar]);
      for (size_t at = 0; at < sizeof(SiteResult); at += 64) __builtin_prefetch(bytes + at);
    }
    if (i + kNear < n) {
      const SiteResult& r = results[i + kNear];
      __builtin_prefetch(r.rules.data());
      if (!r.location.basins.empty()) __builtin_prefetch(&*r.location.basins.begin());
    }
    if (i + kNext < n)
      for (const AppliedRule& a : results[i + kNext].rules) __builtin_prefetch(a.file.data());
    sink(sites[i], results[i]);
  }
}

}  // namespace

std::int64_t screen_stream(const Screener& screener, SiteReader& reader,
                           const std::function<void(const Site&, const SiteResult&)>& sink,
                           const StreamOptions& options) {
  // A pipeline of three stages: reading chunk k+1, screening chunk k on the workers, and
  // handing chunk k-1 to the sink, so that neither reading nor writing idles the cores.
  // The three chunks are recycled: their sites and results are overwritten in place by
  // the next chunk, so their strings, maps and vectors are reused (each point site still
  // gets a new GEOS point).
  struct Chunk {
    std::vector<Site> sites;
    std::vector<std::string> errors;
    std::vector<SiteResult> results;
    std::vector<Spot> spots;
  };
  std::mutex pool_mutex;
  std::vector<std::unique_ptr<Chunk>> pool;
  auto read = [&] {
    std::unique_ptr<Chunk> c;
    {
      std::lock_guard<std::mutex> lock(pool_mutex);
      if (!pool.empty()) {
        c = std::move(pool.back());
        pool.pop_back();
      }
    }
    if (!c) c = std::make_unique<Chunk>();
    reader.next(options.chunk_size, c->sites, &c->errors);
    return c;
  };
  std::int64_t done = 0;
  std::unique_ptr<Chunk> current = read();  // on this thread: some drivers set up on first read
  std::future<void> writing;
  while (!current->sites.empty()) {
    std::future<std::unique_ptr<Chunk>> reading = std::async(std::launch::async, read);
    Chunk& c = *current;
    const std::vector<size_t> order = spatial_order(c.sites, c.spots);
    c.results.resize(c.sites.size());
    // Runs of up to 32 sites along the curve to a worker, not one site at a time: the
    // workers no longer pass the loop's counter between their caches for every site, and
    // each works on neighbours. Short chunks keep runs of one, so that a few costly
    // polygon sites still spread over the workers.
    const size_t n = c.sites.size();
    const size_t run_size =
        std::clamp<size_t>(n / (64 * static_cast<size_t>(worker_count(options.threads))), 1, 32);
    parallel_for((n + run_size - 1) / run_size, options.threads, [&](size_t run, int) {
      const size_t end = std::min(n, (run + 1) * run_size);
      for (size_t k = run * run_size; k < end; ++k) {
        const size_t i = order[k];
        const Spot& spot = c.spots[i];
        if (spot.point)
          screener.screen_point(c.sites[i], spot.at[0], spot.at[1], c.results[i]);
        else
          screener.screen(c.sites[i], c.results[i]);
        if (!c.errors[i].empty()) c.results[i].error = c.errors[i];
      }
    });
    if (writing.valid()) writing.get();  // rethrows a failed write
    done += static_cast<std::int64_t>(c.sites.size());
    writing = std::async(std::launch::async, [&sink, &options, &pool, &pool_mutex, done,
                                              chunk = std::move(current)]() mutable {
      hand_over(chunk->sites, chunk->results, sink);
      if (options.progress) options.progress(done);
      std::lock_guard<std::mutex> lock(pool_mutex);
      pool.push_back(std::move(chunk));
    });
    current = reading.get();
  }
  if (writing.valid()) writing.get();
  return done;
}

}  // namespace basinkit
