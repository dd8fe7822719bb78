#include "progress_bar.hpp"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace basinkit::cli {
namespace {

constexpr int kDefaultColumns = 80;

/// Time between two draws: 100 ms (10 a second), or BASINKIT_PROGRESS_INTERVAL_MS (0 =
/// every update, for tests that must see each state).
std::chrono::milliseconds redraw_interval() {
  const char* env = std::getenv("BASINKIT_PROGRESS_INTERVAL_MS");
  char* end = nullptr;
  const long ms = env ? std::strtol(env, &end, 10) : -1;
  return std::chrono::milliseconds(env && *env && !*end && ms >= 0 ? ms : 100);
}

/// Decodes the UTF-8 character at `text[i]`; returns its length in bytes (1 for a bad
/// byte) and sets `code`.
size_t decode(const std::string& text, size_t i, char32_t& code) {
  const auto c = static_cast<unsigned char>(text[i]);
  const size_t n = c < 0x80           ? 1
                   : (c >> 5) == 0x6  ? 2
                   : (c >> 4) == 0xE  ? 3
                   : (c >> 3) == 0x1E ? 4
                                      : 1;
  if (n == 1 || i + n > text.size()) {
    code = c;
    return 1;
  }
  code = c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k)
    code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
  return n;
}

int char_width(char32_t c) {
  const bool wide = (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
                    (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
                    (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
                    (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
  return wide ? 2 : 1;
}

int terminal_columns() {
  winsize size{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return kDefaultColumns;
}

/// 1234567 → "1,234,567".
std::string grouped(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

/// Seconds as "m:ss" (or "h:mm:ss").
std::string duration(double seconds) {
  const auto s = static_cast<std::int64_t>(std::max(0.0, std::round(seconds)));
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

/// "[=====>    ]" of `width` columns in all.
std::string bar(double fraction, int width) {
  const int inner = std::max(1, width - 2);
  const int full = static_cast<int>(std::clamp(fraction, 0.0, 1.0) * inner);
  std::string out = "[" + std::string(static_cast<size_t>(full), '=');
  if (full < inner) out += '>' + std::string(static_cast<size_t>(inner - full - 1), ' ');
  return out + "]";
}

}  // namespace

int display_width(const std::string& text) {
  int width = 0;
  char32_t c = 0;
  for (size_t i = 0; i < text.size(); i += decode(text, i, c)) width += char_width(c);
  return width;
}

std::string cut_to_width(const std::string& text, int width) {
  int used = 0;
  char32_t c = 0;
  for (size_t i = 0; i < text.size();) {
    const size_t n = decode(text, i, c);
    if (used + char_width(c) > width) return text.substr(0, i);
    used += char_width(c);
    i += n;
  }
  return text;
}

ProgressBar::ProgressBar(bool quiet)
    : shown_(!quiet && isatty(STDERR_FILENO) == 1), interval_(redraw_interval()) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::message(const std::string& what) {
  if (!shown_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  relabel(Mode::message, what);
  changed();
}

void ProgressBar::stage(const std::string& stage, double fraction) {
  if (!shown_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  relabel(Mode::stage, stage);
  fraction_ = fraction;
  changed();
}

void ProgressBar::count(const std::string& what, std::int64_t done, std::int64_t total,
                        const std::string& unit) {
  if (!shown_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  relabel(Mode::count, what);
  done_ = done;
  total_ = total;
  unit_ = unit;
  updated_ = Clock::now();
  changed();
}

ProgressFn ProgressBar::stages() {
  if (!shown_) return {};
  return [this](const std::string& name, double fraction) { stage(name, fraction); };
}

void ProgressBar::relabel(Mode mode, const std::string& label) {
  if (mode != mode_ || label != label_) {
    mode_ = mode;
    label_ = label;
    started_ = Clock::now();
  }
}

void ProgressBar::changed() {
  if (stop_) return;
  dirty_ = true;
  if (!drawn_ || Clock::now() - drawn_at_ >= interval_) draw();  // else the drawer will
  if (!drawer_.joinable()) drawer_ = std::thread([this] { tick(); });
}

void ProgressBar::tick() {
  std::unique_lock<std::mutex> lock(mutex_);
  const auto period = std::max(interval_, std::chrono::milliseconds(100));
  while (!stop_) {
    wake_.wait_for(lock, period);
    if (stop_) break;
    // Times change even without news: messages and counts show them.
    if ((dirty_ || mode_ != Mode::stage) && Clock::now() - drawn_at_ >= interval_) draw();
  }
}

void ProgressBar::draw() {
  const std::string text = line(terminal_columns() - 1);  // not the last column: no wrap
  std::fprintf(stderr, "\r%s\033[K", text.c_str());
  std::fflush(stderr);
  drawn_ = true;
  drawn_at_ = Clock::now();
  dirty_ = false;
}

std::string ProgressBar::line(int columns) const {
  const Clock::time_point now = Clock::now();
  const double spent = std::chrono::duration<double>(now - started_).count();
  std::string right;     // what follows the bar
  double fraction = -1;  // no bar
  if (mode_ == Mode::message) {
    right = duration(spent);
  } else if (mode_ == Mode::stage) {
    fraction = fraction_;
    right = fmt::format("{:3.0f}%", 100 * std::clamp(fraction_, 0.0, 1.0));
  } else {
    const double counted = std::chrono::duration<double>(updated_ - started_).count();
    const double rate = counted > 0 ? static_cast<double>(done_) / counted : 0;
    const std::string rate_text =
        rate > 0 ? fmt::format("  {} {}/s", grouped(std::llround(rate)), unit_) : "";
    if (total_ > 0) {
      fraction = static_cast<double>(done_) / static_cast<double>(total_);
      const double since = std::chrono::duration<double>(now - updated_).count();
      const std::string eta =
          done_ >= total_ ? ""
          : rate > 0      ? "  ETA " + duration(static_cast<double>(total_ - done_) / rate - since)
                          : "";
      right = fmt::format("{:3.0f}%  {}/{} {}{}{}", 100 * std::min(1.0, fraction), grouped(done_),
                          grouped(total_), unit_, rate_text, eta);
    } else {
      right = fmt::format("{} {}{}  {}", grouped(done_), unit_, rate_text, duration(spent));
    }
  }
  std::string label = label_;
  if (fraction < 0) return cut_to_width(label + "  " + right, columns);
  constexpr int kMinBar = 12, kMaxBar = 42;
  constexpr int kLabel = 26;  // labels padded to this, so that bars line up from stage to stage
  const int room = columns - display_width(right) - 4;  // two spaces each side of the bar
  if (display_width(label) > room - kMinBar)
    label = cut_to_width(label, std::max(0, room - kMinBar - 1)) + "…";
  label += std::string(
      static_cast<size_t>(std::max(0, std::min(kLabel, room - kMinBar) - display_width(label))),
      ' ');
  const int width = std::clamp(room - display_width(label), kMinBar, kMaxBar);
  return cut_to_width(fmt::format("{}  {}  {}", label, bar(fraction, width), right), columns);
}

void ProgressBar::finish() {
  if (!shown_) return;
  std::unique_lock<std::mutex> lock(mutex_);
  if (stop_) return;
  stop_ = true;
  lock.unlock();
  wake_.notify_all();
  if (drawer_.joinable()) drawer_.join();
  lock.lock();
  if (drawn_) {
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
  }
}

}  // namespace basinkit::cli
