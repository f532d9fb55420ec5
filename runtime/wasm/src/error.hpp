#pragma once
// The last error of this module, read by JS through webtx_last_error(). Fixed storage: setting
// an error never allocates, so out-of-memory can still be reported.
#include <cstdint>

namespace webtx::rt {

void set_error(const char* msg);
// Copies `fmt`, replacing "{0}" and "{1}" by the decimal values of a and b.
void set_error_fmt(const char* fmt, int64_t a, int64_t b);
const char* last_error();
void clear_error();

}  // namespace webtx::rt
