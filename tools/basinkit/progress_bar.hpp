#pragma once
// The progress bar of long runs (DESIGN.md section 7): drawn on stderr, in place, only
// when stderr is a terminal and --quiet is not given. The library reports progress
// through callbacks (ProgressFn, StreamOptions::progress); this draws it.
//
//   coverage of 二级流域         [=============>          ]  58%
//   screened  [====>      ]  41%  412,000/1,000,000 sites  73,580 sites/s  ETA 0:08
//
// A redraw happens at most every 100 ms (10 a second; BASINKIT_PROGRESS_INTERVAL_MS
// changes it): an update within that time only records the state, which a drawing thread
// shows when the time is up, so callbacks from workers stay cheap.

#include <basinkit/validate.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace basinkit::cli {

class ProgressBar {
 public:
  /// Shown when stderr is a terminal and `quiet` is false; otherwise every call is a no-op.
  explicit ProgressBar(bool quiet);
  ~ProgressBar();  ///< finish()
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  bool shown() const { return shown_; }

  /// Work of unknown length ("reading the plan"), with the time spent.
  void message(const std::string& what);
  /// `fraction` (0..1) of `stage` done.
  void stage(const std::string& stage, double fraction);
  /// `done` of `total` (-1 = unknown) `unit`s of `what`: a bar, the rate and the time
  /// left when the total is known, the count, rate and time spent when it is not.
  void count(const std::string& what, std::int64_t done, std::int64_t total,
             const std::string& unit);
  /// Erases the bar and stops drawing; call before printing results.
  void finish();

  /// A ProgressFn drawing the library's stages on this bar; empty when not shown.
  ProgressFn stages();

 private:
  using Clock = std::chrono::steady_clock;
  enum class Mode { message, stage, count };

  void relabel(Mode mode, const std::string& label);  // under mutex_
  void changed();                                     // under mutex_: draws when due
  void draw();                                        // under mutex_
  std::string line(int columns) const;                // under mutex_
  void tick();                                        // the drawing thread

  const bool shown_;
  const std::chrono::milliseconds interval_;  // between two draws
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread drawer_;
  bool stop_ = false;
  bool drawn_ = false;  // something is on the line
  bool dirty_ = false;  // state changed since the last draw
  Mode mode_ = Mode::message;
  std::string label_;
  double fraction_ = 0;
  std::int64_t done_ = 0, total_ = -1;
  std::string unit_;
  Clock::time_point started_;  // of the current label
  Clock::time_point updated_;  // last count
  Clock::time_point drawn_at_;
};

/// Display width of UTF-8 text on a terminal (CJK and full-width characters take two
/// columns), and `text` cut to at most `width` columns.
int display_width(const std::string& text);
std::string cut_to_width(const std::string& text, int width);

}  // namespace basinkit::cli
