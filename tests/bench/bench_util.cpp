#include "bench_util.hpp"

#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <sstream>

namespace basinkit::bench {

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec * 1e-6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

namespace {

std::string clean(std::string s) {
  for (char& c : s)
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  return s;
}

std::string number(double v) { return std::isnan(v) ? "-" : fmt::format("{:.6g}", v); }

double parse_number(const std::string& s) {
  return s == "-" ? kNone : std::strtod(s.c_str(), nullptr);
}

}  // namespace

std::string serialize(const Row& r) {
  return fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}", clean(r.workload), clean(r.tool),
                     number(r.load_s), number(r.work_s), number(r.wall_s), r.sites,
                     number(r.peak_mib), number(r.cpu_s), clean(r.note));
}

bool deserialize(const std::string& line, Row* row) {
  std::vector<std::string> f;
  std::stringstream in(line);
  std::string field;
  while (std::getline(in, field, '\t')) f.push_back(field);
  if (f.size() == 8) f.emplace_back();
  if (f.size() != 9) return false;
  row->workload = f[0];
  row->tool = f[1];
  row->load_s = parse_number(f[2]);
  row->work_s = parse_number(f[3]);
  row->wall_s = parse_number(f[4]);
  row->sites = std::strtoll(f[5].c_str(), nullptr, 10);
  row->peak_mib = parse_number(f[6]);
  row->cpu_s = parse_number(f[7]);
  row->note = f[8];
  return true;
}

Row in_child(const std::string& workload, const std::function<Row()>& work) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    int rc = 0;
    std::string line;
    try {
      line = serialize(work()) + "\n";
    } catch (const std::exception& e) {
      fmt::print(stderr, "error in {}: {}\n", workload, e.what());
      rc = 1;
    }
    for (size_t done = 0; done < line.size();) {
      const ssize_t n = write(fds[1], line.data() + done, line.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    close(fds[1]);
    std::fflush(stdout);
    std::fflush(stderr);
    _exit(rc);
  }
  close(fds[1]);
  std::string text;
  char buffer[4096];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;)
    text.append(buffer, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  Row row;
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !deserialize(text, &row)) {
    row = Row{};
    row.workload = workload;
    row.tool = "basinkit";
    row.note = WIFSIGNALED(status) ? fmt::format("FAILED (signal {})", WTERMSIG(status))
                                   : "FAILED (see stderr)";
  }
  return row;
}

void print_table(const std::vector<Row>& rows) {
  auto cell = [](double v, const char* spec) {
    return std::isnan(v) ? std::string("—") : fmt::format(fmt::runtime(spec), v);
  };
  fmt::print(
      "| workload | tool | load s | work s | wall s | CPU s | sites/s | peak RSS MiB | PostGIS ÷ "
      "basinkit (wall, CPU) | note |\n");
  fmt::print("|---|---|--:|--:|--:|--:|--:|--:|--:|---|\n");
  std::vector<std::string> order;
  for (const Row& r : rows)
    if (std::find(order.begin(), order.end(), r.workload) == order.end())
      order.push_back(r.workload);
  for (const std::string& w : order) {
    const Row* ours = nullptr;
    const Row* theirs = nullptr;
    for (const Row& r : rows)
      if (r.workload == w) (r.tool == "PostGIS" ? theirs : ours) = &r;
    for (const Row& r : rows) {
      if (r.workload != w) continue;
      std::string ratio = "—";
      auto times = [](double theirs_s, double ours_s) {
        if (!(theirs_s > 0) || !(ours_s > 0)) return std::string("—");
        const double x = theirs_s / ours_s;
        return x >= 1 ? fmt::format("**{:.1f}×**", x) : fmt::format("{:.2f}×", x);
      };
      if (&r == ours && ours && theirs)
        ratio = times(theirs->wall_s, ours->wall_s) + ", " + times(theirs->cpu_s, ours->cpu_s);
      const std::string rate =
          r.sites > 0 && r.wall_s > 0 ? fmt::format("{:.0f}", r.sites / r.wall_s) : "—";
      fmt::print("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", r.workload, r.tool,
                 cell(r.load_s, "{:.2f}"), cell(r.work_s, "{:.2f}"), cell(r.wall_s, "{:.2f}"),
                 cell(r.cpu_s, "{:.2f}"), rate, cell(r.peak_mib, "{:.0f}"), ratio, r.note);
    }
  }
  std::fflush(stdout);
}

}  // namespace basinkit::bench
