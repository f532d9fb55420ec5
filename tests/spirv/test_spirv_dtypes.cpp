// Every dtype, intrinsic, Select and Cast through SPIR-V on lavapipe against C++ references:
// integers exact, floats within a stated tolerance.
#include <cstdint>

#include "hand_kernels.hpp"
#include "vk_test_util.hpp"

namespace webtx::spirv_test {
namespace {

// Runs an elementwise program over the given inputs (in0, in1, ...) and returns "out".
rt::HostTensor run_map(const Program& p, const std::string& tag,
                       const std::vector<rt::HostTensor>& ins) {
  rt::TensorMap tm;
  for (size_t j = 0; j < ins.size(); ++j) tm["in" + std::to_string(j)] = ins[j];
  run(p, tag, tm);
  return tm.at("out");
}

template <typename T>
rt::HostTensor tensor(DType t, const std::vector<T>& v) {
  return rt::tensor_from(t, {static_cast<int64_t>(v.size())}, v);
}

Expr call(Intrinsic f, std::vector<Expr> a) { return Call::make(f, std::move(a)); }

struct IntrinsicCase {
  Intrinsic f;
  double lo, hi;
  double (*ref)(double);
};

TEST(SpirvDtypes, Intrinsics) {
  const IntrinsicCase cases[] = {
      {Intrinsic::Exp, -5, 5, [](double x) { return std::exp(x); }},
      {Intrinsic::Log, 0.01, 100, [](double x) { return std::log(x); }},
      {Intrinsic::Sqrt, 0, 100, [](double x) { return std::sqrt(x); }},
      {Intrinsic::Rsqrt, 0.01, 100, [](double x) { return 1 / std::sqrt(x); }},
      {Intrinsic::Tanh, -5, 5, [](double x) { return std::tanh(x); }},
      {Intrinsic::Abs, -5, 5, [](double x) { return std::fabs(x); }},
      {Intrinsic::Floor, -5, 5, [](double x) { return std::floor(x); }},
      {Intrinsic::Ceil, -5, 5, [](double x) { return std::ceil(x); }},
      {Intrinsic::Sin, -3.14, 3.14, [](double x) { return std::sin(x); }},
      {Intrinsic::Cos, -3.14, 3.14, [](double x) { return std::cos(x); }},
      {Intrinsic::Sigmoid, -8, 8, [](double x) { return 1 / (1 + std::exp(-x)); }},
  };
  const int n = 200;
  for (auto& c : cases) {
    std::string name = intrinsic_name(c.f);
    Program p = elementwise(name, {DType::f32()}, DType::f32(),
                            [&](const std::vector<Expr>& a) { return call(c.f, {a[0]}); });
    auto x = random_values<float>(n, c.lo, c.hi, 11);
    auto y = rt::tensor_values<float>(run_map(p, "intrinsic_" + name, {tensor(DType::f32(), x)}));
    for (int i = 0; i < n; ++i) {
      double ref = c.ref(x[i]);
      // GPU transcendental precision: relative 1e-4 (a few hundred ulp) plus 1e-5 absolute.
      EXPECT_NEAR(y[i], ref, 1e-4 * std::fabs(ref) + 1e-5) << name << "(" << x[i] << ")";
    }
  }
  // pow(x, y), x > 0.
  Program p = elementwise("pow", {DType::f32(), DType::f32()}, DType::f32(),
                          [](const std::vector<Expr>& a) { return call(Intrinsic::Pow, a); });
  auto x = random_values<float>(n, 0.1, 4, 12), e = random_values<float>(n, -2, 2, 13);
  auto y = rt::tensor_values<float>(
      run_map(p, "intrinsic_pow", {tensor(DType::f32(), x), tensor(DType::f32(), e)}));
  for (int i = 0; i < n; ++i) {
    double ref = std::pow(static_cast<double>(x[i]), static_cast<double>(e[i]));
    EXPECT_NEAR(y[i], ref, 1e-4 * std::fabs(ref) + 1e-5) << "pow(" << x[i] << ", " << e[i] << ")";
  }
}

TEST(SpirvDtypes, Int32ArithmeticTruncatesTowardZero) {
  Program p = elementwise("i32_ops", {DType::i32(), DType::i32()}, DType::i32(),
                          [](const std::vector<Expr>& v) {
                            Expr a = v[0], b = v[1];
                            return (a / b) * 1000 + (a % b) * 10 + Min::make(a, b) -
                                   Max::make(a, b) + call(Intrinsic::Abs, {a});
                          });
  std::vector<int32_t> a{7, -7, 7, -7, 100, -100, 0, 13, -2147483647, 5};
  std::vector<int32_t> b{2, 2, -2, -2, 7, 7, 3, -13, 2, 1};
  auto y = rt::tensor_values<int32_t>(
      run_map(p, "i32_ops", {tensor(DType::i32(), a), tensor(DType::i32(), b)}));
  for (size_t i = 0; i < a.size(); ++i) {
    int64_t ref = (a[i] / b[i]) * 1000LL + (a[i] % b[i]) * 10LL + std::min(a[i], b[i]) -
                  std::max(a[i], b[i]) + std::abs(static_cast<int64_t>(a[i]));
    EXPECT_EQ(y[i], static_cast<int32_t>(static_cast<uint32_t>(ref)))  // wraps like the GPU
        << a[i] << ", " << b[i];
  }
}

TEST(SpirvDtypes, UInt32Arithmetic) {
  Program p = elementwise("u32_ops", {DType::u32(), DType::u32()}, DType::u32(),
                          [](const std::vector<Expr>& v) {
                            Expr a = v[0], b = v[1];
                            return (a / b) + (a % b) * IntImm::make(DType::u32(), 3) +
                                   Min::make(a, b) - Max::make(a, b) + a * b;
                          });
  std::vector<uint32_t> a{3000000000u, 7, 4294967295u, 10, 123456789u};
  std::vector<uint32_t> b{7, 3000000000u, 16, 10, 1000u};
  auto y = rt::tensor_values<uint32_t>(
      run_map(p, "u32_ops", {tensor(DType::u32(), a), tensor(DType::u32(), b)}));
  for (size_t i = 0; i < a.size(); ++i) {
    uint32_t ref = a[i] / b[i] + (a[i] % b[i]) * 3u + std::min(a[i], b[i]) - std::max(a[i], b[i]) +
                   a[i] * b[i];
    EXPECT_EQ(y[i], ref) << a[i] << ", " << b[i];
  }
}

TEST(SpirvDtypes, Float32ModMinMaxDiv) {
  Program p = elementwise("f32_ops", {DType::f32(), DType::f32()}, DType::f32(),
                          [](const std::vector<Expr>& v) {
                            Expr a = v[0], b = v[1];
                            return (a % b) + Min::make(a, b) * 3.0f - Max::make(a, b) + a / b;
                          });
  std::vector<float> a{5.5f, -5.5f, 5.5f, -5.5f, 1.0f, 0.25f};
  std::vector<float> b{2.0f, 2.0f, -2.0f, -2.0f, 3.0f, -0.1f};
  auto y = rt::tensor_values<float>(
      run_map(p, "f32_ops", {tensor(DType::f32(), a), tensor(DType::f32(), b)}));
  for (size_t i = 0; i < a.size(); ++i) {
    // fmod: x - y * trunc(x / y), as the IR defines float Mod.
    double ref = std::fmod(a[i], b[i]) + std::min(a[i], b[i]) * 3.0 - std::max(a[i], b[i]) +
                 static_cast<double>(a[i]) / b[i];
    EXPECT_NEAR(y[i], ref, 1e-5 * std::fabs(ref) + 1e-5) << a[i] << ", " << b[i];
  }
}

TEST(SpirvDtypes, BoolStoredAsU32) {
  // out = (p && !q) || (x < y), with bool inputs and output in u32 buffers.
  Program p =
      elementwise("bool_ops", {DType::boolean(), DType::boolean(), DType::f32(), DType::f32()},
                  DType::boolean(),
                  [](const std::vector<Expr>& v) { return (v[0] && !v[1]) || (v[2] < v[3]); });
  std::vector<uint32_t> pv{1, 1, 0, 0, 1, 0, 0, 1}, qv{0, 1, 0, 1, 1, 0, 1, 0};
  std::vector<float> x{0, 0, 0, 0, 1, 1, 2, 2}, yv{1, 0, 0, 1, 0, 2, 1, 1};
  auto out = rt::tensor_values<uint32_t>(
      run_map(p, "bool_ops",
              {tensor(DType::boolean(), pv), tensor(DType::boolean(), qv), tensor(DType::f32(), x),
               tensor(DType::f32(), yv)}));
  for (size_t i = 0; i < pv.size(); ++i) {
    uint32_t ref = ((pv[i] && !qv[i]) || (x[i] < yv[i])) ? 1u : 0u;
    EXPECT_EQ(out[i], ref) << "i=" << i;
  }
}

TEST(SpirvDtypes, SelectAndComparisons) {
  Program p = elementwise("select", {DType::f32(), DType::f32()}, DType::f32(),
                          [](const std::vector<Expr>& v) {
                            Expr a = v[0], b = v[1];
                            Expr s = Select::make(a < b, a * 2.0f, b);
                            s = s + Select::make(EQ::make(a, b), 100.0f, 0.0f);
                            s = s + Select::make(NE::make(a, b) && (a >= b), 10.0f, 0.0f);
                            return s + Select::make((a <= b) || (a > 3.0f), 1000.0f, 0.0f);
                          });
  std::vector<float> a{1, 2, 3, 4, -1, 5}, b{2, 2, 1, 4, -2, 6};
  auto y = rt::tensor_values<float>(
      run_map(p, "select", {tensor(DType::f32(), a), tensor(DType::f32(), b)}));
  for (size_t i = 0; i < a.size(); ++i) {
    float ref = (a[i] < b[i] ? a[i] * 2 : b[i]) + (a[i] == b[i] ? 100 : 0) +
                (a[i] != b[i] && a[i] >= b[i] ? 10 : 0) + (a[i] <= b[i] || a[i] > 3 ? 1000 : 0);
    EXPECT_EQ(y[i], ref) << "i=" << i;
  }
}

TEST(SpirvDtypes, Casts) {
  auto cast_prog = [](const std::string& name, DType from, DType to) {
    return elementwise(name, {from}, to,
                       [to](const std::vector<Expr>& v) { return Cast::make(to, v[0]); });
  };
  std::vector<float> f{-2.7f, -0.5f, 0.0f, 0.5f, 2.7f, 1e6f};
  auto fi = rt::tensor_values<int32_t>(run_map(cast_prog("f32_to_i32", DType::f32(), DType::i32()),
                                               "cast_f32_i32", {tensor(DType::f32(), f)}));
  for (size_t i = 0; i < f.size(); ++i) EXPECT_EQ(fi[i], static_cast<int32_t>(f[i]));

  std::vector<float> fp{0.0f, 0.9f, 2.7f, 3e9f};
  auto fu = rt::tensor_values<uint32_t>(run_map(cast_prog("f32_to_u32", DType::f32(), DType::u32()),
                                                "cast_f32_u32", {tensor(DType::f32(), fp)}));
  for (size_t i = 0; i < fp.size(); ++i) EXPECT_EQ(fu[i], static_cast<uint32_t>(fp[i]));

  std::vector<int32_t> iv{-5, 0, 7, -2147483647, 16777217};
  auto iff = rt::tensor_values<float>(run_map(cast_prog("i32_to_f32", DType::i32(), DType::f32()),
                                              "cast_i32_f32", {tensor(DType::i32(), iv)}));
  for (size_t i = 0; i < iv.size(); ++i) EXPECT_EQ(iff[i], static_cast<float>(iv[i]));

  auto iu = rt::tensor_values<uint32_t>(run_map(cast_prog("i32_to_u32", DType::i32(), DType::u32()),
                                                "cast_i32_u32", {tensor(DType::i32(), iv)}));
  for (size_t i = 0; i < iv.size(); ++i) EXPECT_EQ(iu[i], static_cast<uint32_t>(iv[i]));

  std::vector<uint32_t> uv{0, 1, 3000000000u, 4294967295u};
  auto uf = rt::tensor_values<float>(run_map(cast_prog("u32_to_f32", DType::u32(), DType::f32()),
                                             "cast_u32_f32", {tensor(DType::u32(), uv)}));
  for (size_t i = 0; i < uv.size(); ++i) EXPECT_EQ(uf[i], static_cast<float>(uv[i]));

  std::vector<float> fb{0.0f, -0.0f, 1.0f, -3.5f, 1e-30f};
  auto b =
      rt::tensor_values<uint32_t>(run_map(cast_prog("f32_to_bool", DType::f32(), DType::boolean()),
                                          "cast_f32_bool", {tensor(DType::f32(), fb)}));
  for (size_t i = 0; i < fb.size(); ++i) EXPECT_EQ(b[i], fb[i] != 0.0f ? 1u : 0u) << fb[i];

  std::vector<uint32_t> bv{0, 1, 1, 0};
  auto bf =
      rt::tensor_values<float>(run_map(cast_prog("bool_to_f32", DType::boolean(), DType::f32()),
                                       "cast_bool_f32", {tensor(DType::boolean(), bv)}));
  for (size_t i = 0; i < bv.size(); ++i) EXPECT_EQ(bf[i], static_cast<float>(bv[i]));
}

TEST(SpirvDtypes, Float16) {
  if (!device().info().shader_float16 || !device().info().storage_buffer_16bit) {
    GTEST_SKIP() << "device lacks shaderFloat16/storageBuffer16BitAccess";
  }
  // out(f16) = a * b + c in f16; and f32 -> f16 -> f32 round trip via a second kernel.
  Program p = elementwise(
      "f16_fma", {DType::f16(), DType::f16(), DType::f16()}, DType::f16(),
      [](const std::vector<Expr>& v) { return v[0] * v[1] + v[2]; }, /*uses_f16=*/true);
  auto a = random_values<float>(100, 0.5, 2, 21), b = random_values<float>(100, 0.5, 2, 22),
       c = random_values<float>(100, -2, 2, 23);
  std::vector<uint16_t> ah, bh, ch;
  for (size_t i = 0; i < a.size(); ++i) {
    ah.push_back(f32_to_f16(a[i])), bh.push_back(f32_to_f16(b[i])), ch.push_back(f32_to_f16(c[i]));
  }
  auto y = rt::tensor_values<uint16_t>(
      run_map(p, "f16_fma",
              {tensor(DType::f16(), ah), tensor(DType::f16(), bh), tensor(DType::f16(), ch)}));
  for (size_t i = 0; i < a.size(); ++i) {
    float ref = f16_to_f32(ah[i]) * f16_to_f32(bh[i]) + f16_to_f32(ch[i]);
    // Two f16 roundings (or one, if the driver fuses): within 2 half-ulps of |ref| <= 6.
    EXPECT_NEAR(f16_to_f32(y[i]), ref, 2 * 0.00390625) << "i=" << i;
  }
  Program rt16 = elementwise(
      "f32_f16_f32", {DType::f32()}, DType::f32(),
      [](const std::vector<Expr>& v) {
        return Cast::make(DType::f32(),
                          Cast::make(DType::f16(), v[0]) * FloatImm::make(DType::f16(), 2.0));
      },
      true);
  std::vector<float> f{1.0f, 0.1f, -3.14159f, 1000.5f};
  auto g = rt::tensor_values<float>(run_map(rt16, "f16_roundtrip", {tensor(DType::f32(), f)}));
  for (size_t i = 0; i < f.size(); ++i) EXPECT_EQ(g[i], 2 * f16_to_f32(f32_to_f16(f[i])));
}

}  // namespace
}  // namespace webtx::spirv_test
