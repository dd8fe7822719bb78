#pragma once
// Internal: a minimal parallel loop over indexes, for checks that split their work into
// independent items (families of a coverage, candidate pairs). Each worker thread has its
// own GEOS context (geos::context() is thread-local).

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace basinkit {

/// Number of worker threads for `requested` (0 = all cores), at least 1.
inline int worker_count(int requested) {
  if (requested > 0) return requested;
  return std::max(1u, std::thread::hardware_concurrency());
}

/// Calls fn(i, worker) for i in [0, n) on `threads` workers; items are handed out one at
/// a time, so uneven items balance. The first exception thrown is rethrown here.
template <typename Fn>
void parallel_for(size_t n, int threads, Fn&& fn) {
  const int workers =
      static_cast<int>(std::min<size_t>(n, static_cast<size_t>(worker_count(threads))));
  if (workers <= 1) {
    for (size_t i = 0; i < n; ++i) fn(i, 0);
    return;
  }
  std::atomic<size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  std::vector<std::thread> pool;
  for (int w = 0; w < workers; ++w) {
    pool.emplace_back([&, w] {
      try {
        for (size_t i = next++; i < n; i = next++) fn(i, w);
      } catch (...) {
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        next = n;
      }
    });
  }
  for (auto& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace basinkit
