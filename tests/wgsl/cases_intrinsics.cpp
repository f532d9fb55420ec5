// Every intrinsic a lowered kernel may contain (Erf is legalized away before codegen), each
// in its own f32 kernel with the accuracy WGSL promises for it.
#include <cmath>

#include "cases.hpp"
#include "ir_build.hpp"

namespace wgsl_test {
namespace {

struct Spec {
  Intrinsic f;
  double lo, hi;  // input range
  Tolerance tol;
  double (*ref)(double, double);
};

Case intrinsic_case(const Spec& s) {
  Case c;
  c.name = std::string("intrinsic_") + intrinsic_name(s.f);
  Expr n = var("n"), i = var("i");
  Buffer X = global("x", DType::f32(), {n}), P = global("p", DType::f32(), {n}),
         Y = global("y", DType::f32(), {n});
  std::vector<Expr> args{load(X, i)};
  if (intrinsic_arity(s.f) == 2) args.push_back(load(P, i));
  Kernel& k = c.kernel;
  k.name = c.name;
  k.buffers = {{X, true, false}, {P, true, false}, {Y, false, true}};
  k.scalars = {n};
  k.workgroup_size = {64, 1, 1};
  k.grid = {ceil_div(n, 64), i32(1), i32(1)};
  k.body =
      let(i, add(mul(wg(0), i32(64)), lid(0)), if_(lt(i, n), store(Y, Call::make(s.f, args), i)));
  const int64_t count = 101;
  c.scalars = {count};
  c.tol = s.tol;
  for (int64_t q = 0; q < count; ++q) {
    auto x = static_cast<float>(s.lo + (s.hi - s.lo) * q / (count - 1));
    auto p = static_cast<float>(-2 + 4.0 * ((q * 37) % count) / (count - 1));
    c.init[X.get()].push_back(x);
    c.init[P.get()].push_back(p);
    c.expected[Y.get()].push_back(s.ref(x, p));
  }
  return c;
}

}  // namespace

void add_intrinsic_cases(std::vector<Case>& out) {
  // Tolerances follow the WGSL spec's accuracy table (e.g. sin/cos: absolute 2^-11 on
  // [-pi, pi]; exp: 3 + 2|x| ULP; pow and tanh inherit from exp/log), rounded up.
  const Spec specs[] = {
      {Intrinsic::Exp, -5, 5, {1e-6, 1e-5}, [](double x, double) { return std::exp(x); }},
      {Intrinsic::Log, 0.1, 10, {1e-5, 1e-5}, [](double x, double) { return std::log(x); }},
      {Intrinsic::Sqrt, 0.1, 10, {1e-6, 1e-5}, [](double x, double) { return std::sqrt(x); }},
      {Intrinsic::Rsqrt, 0.1, 10, {1e-6, 1e-5}, [](double x, double) { return 1 / std::sqrt(x); }},
      {Intrinsic::Tanh, -20, 20, {1e-5, 1e-5}, [](double x, double) { return std::tanh(x); }},
      {Intrinsic::Pow, 0.1, 4, {1e-5, 1e-4}, [](double x, double p) { return std::pow(x, p); }},
      {Intrinsic::Abs, -5, 5, {0, 0}, [](double x, double) { return std::abs(x); }},
      {Intrinsic::Floor, -5.3, 5.3, {0, 0}, [](double x, double) { return std::floor(x); }},
      {Intrinsic::Ceil, -5.3, 5.3, {0, 0}, [](double x, double) { return std::ceil(x); }},
      {Intrinsic::Sin, -3.1, 3.1, {5e-4, 0}, [](double x, double) { return std::sin(x); }},
      {Intrinsic::Cos, -3.1, 3.1, {5e-4, 0}, [](double x, double) { return std::cos(x); }},
      {Intrinsic::Sigmoid,
       -20,
       20,
       {1e-6, 1e-5},
       [](double x, double) { return 1 / (1 + std::exp(-x)); }},
  };
  for (auto& s : specs) out.push_back(intrinsic_case(s));
}

}  // namespace wgsl_test
