#include "error.hpp"

namespace webtx::rt {
namespace {

constexpr int kCapacity = 1024;
char g_error[kCapacity] = "";

// Appends the decimal form of v at out[n], returning the new length.
int put_int(char* out, int n, int64_t v) {
  char digits[24];
  int k = 0;
  uint64_t u = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  do {
    digits[k++] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (v < 0 && n < kCapacity - 1) out[n++] = '-';
  while (k > 0 && n < kCapacity - 1) out[n++] = digits[--k];
  return n;
}

}  // namespace

void set_error_fmt(const char* fmt, int64_t a, int64_t b) {
  int n = 0;
  for (const char* p = fmt; *p && n < kCapacity - 1; ++p) {
    if (p[0] == '{' && (p[1] == '0' || p[1] == '1') && p[2] == '}') {
      n = put_int(g_error, n, p[1] == '0' ? a : b);
      p += 2;
    } else {
      g_error[n++] = *p;
    }
  }
  g_error[n] = '\0';
}

void set_error(const char* msg) {
  int n = 0;
  for (; msg[n] && n < kCapacity - 1; ++n) g_error[n] = msg[n];
  g_error[n] = '\0';
}

const char* last_error() { return g_error; }
void clear_error() { g_error[0] = '\0'; }

}  // namespace webtx::rt
