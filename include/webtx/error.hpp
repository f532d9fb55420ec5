#pragma once
// Two kinds of errors, never mixed (after Halide's Error.h):
//  * UserError: bad input a user can cause (invalid schedule, wrong shape, unsupported feature).
//  * InternalError: a bug in webtx; carries file:line and the failed condition.
// Messages are streamed and only built on failure.
#include <sstream>
#include <stdexcept>
#include <string>

namespace webtx {

class UserError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class InternalError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

namespace detail {

template <typename E>
class ErrorStream {
 public:
  ErrorStream(const char* prefix) { os_ << prefix; }
  ErrorStream(const ErrorStream&) = delete;
  ErrorStream& operator=(const ErrorStream&) = delete;
  template <typename T>
  ErrorStream& operator<<(const T& v) {
    os_ << v;
    return *this;
  }
  // Throwing from a destructor is what lets `user_assert(c) << "msg"` read naturally.
  [[noreturn]] ~ErrorStream() noexcept(false) { throw E(os_.str()); }

 private:
  std::ostringstream os_;
};

// Swallows the stream when the condition holds; `&` binds looser than `<<`.
struct Voidify {
  template <typename T>
  void operator&(T&&) {}
};

}  // namespace detail
}  // namespace webtx

#define WEBTX_STR2(x) #x
#define WEBTX_STR(x) WEBTX_STR2(x)

// user_assert(cond) << "message": throws webtx::UserError when cond is false.
#define user_assert(cond) \
  (cond) ? (void)0        \
         : ::webtx::detail::Voidify() & ::webtx::detail::ErrorStream<::webtx::UserError>("")
#define user_error ::webtx::detail::ErrorStream<::webtx::UserError>("")

// internal_assert(cond) << "detail": throws webtx::InternalError naming file, line and cond.
#define internal_assert(cond)                                                                 \
  (cond) ? (void)0                                                                            \
         : ::webtx::detail::Voidify() & ::webtx::detail::ErrorStream<::webtx::InternalError>( \
                                            "internal error at " __FILE__                     \
                                            ":" WEBTX_STR(__LINE__) ": (" #cond ") failed. ")
#define internal_error                                                               \
  ::webtx::detail::ErrorStream<::webtx::InternalError>("internal error at " __FILE__ \
                                                       ":" WEBTX_STR(__LINE__) ": ")
