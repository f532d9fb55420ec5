#pragma once
// Schedule helpers (tile_2d, gemv_2d) run many primitives on the caller's behalf: a UserError
// that no primitive inside has located (" (at <file>:<line>)") gets the helper's call site.
#include <string>
#include <utility>

#include "webtx/error.hpp"
#include "webtx/schedule/stage.hpp"

namespace webtx::detail {

template <typename F>
decltype(auto) locate_errors(const std::source_location& where, F&& f) {
  try {
    return std::forward<F>(f)();
  } catch (const UserError& e) {
    const std::string msg = e.what();
    if (msg.find(" (at ") != std::string::npos) throw;  // a primitive already placed it
    throw UserError(msg + where_text(where));
  }
}

}  // namespace webtx::detail
