#pragma once
// The message of the webtx::UserError that f() throws, or "(no error)" when it throws none (a
// test expecting a message then fails its HasSubstr; one expecting success compares with
// "(no error)"). Shared by the C++ tests that check error texts.
#include <string>

#include "webtx/error.hpp"

namespace webtx::testing {

template <typename F>
std::string user_error_of(F&& f) {
  try {
    f();
  } catch (const UserError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace webtx::testing
