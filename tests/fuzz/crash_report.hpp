// A crash (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT) in the fuzzer names what it was doing:
// "<label>: crash (SIGSEGV)" and a backtrace on stderr, then the signal's default action (the
// exit status stays 128+signal). Issue 12: seed 8510 ended a 10,000-seed run with an empty log.
#pragma once

#include <string>

namespace webtx::fuzz {

// Installs the handler (once, in main).
void install_crash_report();
// What the process is doing now, e.g. "seed 8510: vulkan" (truncated to 200 bytes).
void set_crash_label(const std::string& label);

}  // namespace webtx::fuzz
