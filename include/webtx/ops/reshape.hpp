#pragma once
// reshape(x, new_shape): the same elements in row-major order under a new shape; flatten(x)
// is reshape([N, C, H, W] -> [N, C*H*W]). Each is one injective stage named `name` whose read
// is an index remap (leading axes that keep their extent map straight through; the rest go
// through the row-major linear index), so once a scheduler inlines it nothing is copied.
// Element counts that are constants must agree.
// Default schedule: scheduled by webtx::auto_schedule (rule: injective), inlined into its
// consumer.
#include <array>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "webtx/dsl.hpp"
#include "webtx/ops/extents.hpp"

namespace webtx::ops {

template <typename T, std::size_t R, std::size_t S>
Tensor<T, S> reshape(const Tensor<T, R>& x, const std::array<Extent, S>& new_shape,
                     const std::string& name = "reshape") {
  using namespace detail;
  const auto in = x.shape();
  Extent n_in = ext(1), n_out = ext(1);
  for (auto& e : in) n_in = fmul(n_in, e);
  for (auto& e : new_shape) n_out = fmul(n_out, e);
  auto ci = const_of(n_in), co = const_of(n_out);
  user_assert(!(ci && co && *ci != *co))
      << name << ": cannot reshape " << *ci << " elements into " << *co;
  std::size_t p = 0;  // leading axes with the same extent map straight through
  while (p < R && p < S && same_extent(in[p], new_shape[p])) ++p;
  auto remap = [&](const std::array<Extent, S>& out_idx) {
    Extent linear = ext(0);
    for (std::size_t d = p; d < S; ++d) linear = fadd(fmul(linear, new_shape[d]), out_idx[d]);
    std::array<Extent, R> idx;
    Extent stride = ext(1);
    for (std::size_t d = R; d-- > p;) {
      Extent i = fdiv(linear, stride);
      idx[d] = d == p ? i : fmod(i, in[d]);
      stride = fmul(stride, in[d]);
    }
    for (std::size_t d = 0; d < p; ++d) idx[d] = out_idx[d];
    return idx;
  };
  return compute(
      new_shape,
      [&](auto... v) {
        auto idx = remap(std::array<Extent, S>{Extent(v)...});
        return [&]<std::size_t... I>(std::index_sequence<I...>) { return x(idx[I]...); }
        (std::make_index_sequence<R>{});
      },
      name);
}

template <typename T, std::size_t R, std::size_t S>
Tensor<T, S> reshape(const Tensor<T, R>& x, const Extent (&new_shape)[S],
                     const std::string& name = "reshape") {
  std::array<Extent, S> s;
  for (std::size_t i = 0; i < S; ++i) s[i] = new_shape[i];
  return reshape(x, s, name);
}

template <typename T>
Tensor<T, 2> flatten(const Tensor<T, 4>& x, const std::string& name = "flatten") {
  auto s = x.shape();
  using detail::fmul;
  return reshape(x, std::array<Extent, 2>{s[0], fmul(fmul(s[1], s[2]), s[3])}, name);
}

}  // namespace webtx::ops
