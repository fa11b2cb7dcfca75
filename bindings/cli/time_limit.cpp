#include "time_limit.hpp"

#include "command.hpp"
#include "signals.hpp"

#include <models/config/durations.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <iostream>
#include <stdexcept>
#include <thread>

namespace eslabon::cli {
namespace {

std::atomic<bool> g_reached{false};
std::string g_given;  // as written, for the message

// The watchdog: detached, it only sleeps and then sets two flags that live as long as the process.
void arm(double seconds) {
  seconds = std::min(seconds, 1e9);  // 31 years: any more is none, and would overflow the clock's count
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  std::thread([deadline] {
    std::this_thread::sleep_until(deadline);
    g_reached.store(true);
    g_stop.store(true);
  }).detach();
}

}  // namespace

void add_time_limit_option(CLI::App* cmd) {
  auto check = [](std::string& text) -> std::string {
    double seconds = 0;
    try {
      seconds = parse_duration(text, "second");
    } catch (const std::invalid_argument&) {
      seconds = -1;
    }
    if (!(seconds > 0) || !std::isfinite(seconds))
      return "expected a duration > 0 such as 90s, 30min or 2h, got '" + text + "'";
    return "";
  };
  cmd->add_option_function<std::string>(
         "--time-limit",
         [](const std::string& text) {
           g_given = text;
           arm(parse_duration(text, "second"));
         },
         "Stop with exit 1 after this much wall-clock time, e.g. 90s, 30min, 2h (a number: seconds)")
      ->type_name("DURATION")
      ->check(CLI::Validator(check, "", ""));
}

bool time_limit_reached() { return g_reached.load(); }

int stopped_exit(const std::string& outcome) {
  if (::isatty(STDERR_FILENO)) std::cerr << "\n";  // after a progress line
  if (!time_limit_reached()) {
    std::cerr << "eslabon: interrupted; " << outcome << "\n";
    return interrupted_exit_code();
  }
  std::cerr << "eslabon: --time-limit " << g_given << " reached: the work stopped before it was done; " << outcome
            << "\n";
  return kFailure;
}

}  // namespace eslabon::cli
