// basinkit: the command-line tool. Only this file decides exit statuses.
#include <basinkit/error.hpp>
#include <basinkit/version.hpp>

#include <fmt/format.h>

#include <malloc.h>

#include <cstdio>
#include <exception>

#include "cli_common.hpp"

int main(int argc, char** argv) {
  using namespace basinkit::cli;
  // Screening frees and allocates tens of MB per chunk of sites: by default glibc hands
  // them back to the kernel and faults them in again, zeroed (a tenth of a long run).
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  CLI::App app{"basinkit — basin plans: validation, jurisdiction, site screening"};
  app.set_version_flag("--version", BASINKIT_VERSION);
  app.require_subcommand(1);
  Action action;
  register_info(app, action);
  register_locate(app, action);
  register_validate(app, action);
  register_screen(app, action);
  register_rules(app, action);
  register_diff(app, action);
  register_trace(app, action);
  register_assess(app, action);
  set_command_line(argc, argv);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 has exit codes of its own (106, 109, ...): DESIGN.md wants 2 for bad usage.
    return app.exit(e) == 0 ? kOk : kBadInput;
  }
  try {
    return action();
  } catch (const basinkit::InputError& e) {
    fmt::print(stderr, "basinkit: error: {}\n", e.what());
    return kBadInput;
  } catch (const CLI::ValidationError& e) {
    fmt::print(stderr, "basinkit: error: {}\n", e.what());
    return kBadInput;
  } catch (const std::exception& e) {
    fmt::print(stderr, "basinkit: internal error: {}\n", e.what());
    return kInternal;
  }
}
