#include "signals.hpp"

#include <csignal>

namespace eslabon::cli {

std::atomic<bool> g_stop{false};

namespace {
extern "C" void on_sigint(int sig) {
  g_stop.store(true);
  std::signal(sig, SIG_DFL);
}
}  // namespace

void catch_stop_signals() {
  std::signal(SIGINT, on_sigint);
  std::signal(SIGTERM, on_sigint);
}

}  // namespace eslabon::cli
