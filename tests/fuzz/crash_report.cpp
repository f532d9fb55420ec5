#include "crash_report.hpp"

#include <execinfo.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstring>

namespace webtx::fuzz {
namespace {

// Two label buffers, swapped atomically: the handler never reads one being written.
char g_labels[2][208];
std::atomic<int> g_current{-1};
char g_alt_stack[64 * 1024];  // a stack overflow still reports

void say(const char* s) {
  ssize_t r = write(STDERR_FILENO, s, std::strlen(s));
  (void)r;
}

void say_hex(uintptr_t v) {
  char buf[2 + 16 + 1] = "0x";
  for (int i = 0; i < 16; ++i) buf[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
  buf[18] = '\0';
  say(buf);
}

void on_crash(int sig, siginfo_t* info, void*) {
  const int cur = g_current.load();
  say("\n");
  say(cur >= 0 ? g_labels[cur] : "fuzzer");
  say(": crash (");
  say(sig == SIGSEGV  ? "SIGSEGV"
      : sig == SIGBUS ? "SIGBUS"
      : sig == SIGFPE ? "SIGFPE"
      : sig == SIGILL ? "SIGILL"
                      : "SIGABRT");
  say(") at address ");
  say_hex(reinterpret_cast<uintptr_t>(info ? info->si_addr : nullptr));
  say("\n");
  void* frames[64];
  const int n = backtrace(frames, 64);
  backtrace_symbols_fd(frames, n, STDERR_FILENO);
  signal(sig, SIG_DFL);  // then the default action: the same exit status as without us
  raise(sig);
}

}  // namespace

void install_crash_report() {
  void* warm[1];
  backtrace(warm, 1);  // loads libgcc now: backtrace() may malloc on its first call
  stack_t ss{};
  ss.ss_sp = g_alt_stack;
  ss.ss_size = sizeof g_alt_stack;
  sigaltstack(&ss, nullptr);
  struct sigaction sa {};
  sa.sa_sigaction = on_crash;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) sigaction(sig, &sa, nullptr);
}

void set_crash_label(const std::string& label) {
  const int next = g_current.load() == 0 ? 1 : 0;
  const size_t n = std::min(label.size(), sizeof g_labels[0] - 1);
  std::memcpy(g_labels[next], label.data(), n);
  g_labels[next][n] = '\0';
  g_current.store(next);
}

}  // namespace webtx::fuzz
