#include "signals.hpp"

#include <csignal>

namespace eslabon::cli {

std::atomic<bool> g_stop{false};

namespace {
std::atomic<int> g_signal{0};  // the first stop signal caught

extern "C" void on_sigint(int sig) {
  int none = 0;
  g_signal.compare_exchange_strong(none, sig);
  g_stop.store(true);
  std::signal(sig, SIG_DFL);
}
}  // namespace

void catch_stop_signals() {
  std::signal(SIGINT, on_sigint);
  std::signal(SIGTERM, on_sigint);
}

int interrupted_exit_code() {
  const int sig = g_signal.load();
  return 128 + (sig == 0 ? SIGINT : sig);
}

}  // namespace eslabon::cli
