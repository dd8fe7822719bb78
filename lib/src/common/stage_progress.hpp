#pragma once
// Internal: one stage of a long run reported through a ProgressFn (validate.hpp) as its
// contract says: 0 first, then each further percent at most once, 1 at the end; from
// whichever thread advances it, never from two at once.

#include <basinkit/validate.hpp>

#include <atomic>
#include <cstddef>
#include <mutex>
#include <string>
#include <utility>

namespace basinkit {

class StageProgress {
 public:
  /// Reports `stage` at 0 (nothing when `fn` is empty). `total` items make up the stage.
  StageProgress(const ProgressFn& fn, std::string stage, size_t total)
      : fn_(fn), stage_(std::move(stage)), total_(total) {
    if (fn_) fn_(stage_, 0.0);
  }
  StageProgress(const StageProgress&) = delete;
  StageProgress& operator=(const StageProgress&) = delete;

  /// `n` more items done; safe to call from several threads. Reports when another whole
  /// percent is done and no other thread is reporting (the rest is seen at the next call).
  void advance(size_t n = 1) {
    const size_t done = done_.fetch_add(n) + n;
    if (!fn_ || total_ == 0 || done > total_) return;
    const int percent = static_cast<int>(done * 100 / total_);
    if (percent <= percent_.load(std::memory_order_relaxed)) return;
    std::unique_lock<std::mutex> lock(mutex_, std::try_to_lock);
    if (!lock || finished_ || percent >= 100 || percent <= percent_.load(std::memory_order_relaxed))
      return;
    percent_.store(percent, std::memory_order_relaxed);
    fn_(stage_, percent / 100.0);
  }

  /// Reports 1 (once). Call when the stage's work is all done (after its workers joined);
  /// a stage that throws ends without it.
  void finish() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!fn_ || finished_) return;
    finished_ = true;
    fn_(stage_, 1.0);
  }

 private:
  const ProgressFn& fn_;
  const std::string stage_;
  const size_t total_;
  std::atomic<size_t> done_{0};
  std::atomic<int> percent_{0};
  std::mutex mutex_;
  bool finished_ = false;
};

}  // namespace basinkit
