#pragma once
// Plain C++ loop references for every op in webtx::ops (NCHW, f32, row-major std::vector),
// independent of the DSL and its evaluator: what ops_test checks evaluate_graph against, and
// what a whole-network reference (MobileNetV2) chains. Straight -O2 loops, no allocation in
// the inner loops.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace webtx::ops::ref {

struct Tensor {
  std::vector<int64_t> shape;
  std::vector<float> data;

  Tensor() = default;
  explicit Tensor(std::vector<int64_t> s, float fill = 0.0f) : shape(std::move(s)) {
    data.assign(static_cast<size_t>(size()), fill);
  }
  int64_t size() const {
    int64_t n = 1;
    for (auto d : shape) n *= d;
    return n;
  }
  int64_t dim(size_t i) const { return shape.at(i); }
};

inline void expect(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument("reference: " + what);
}

struct Conv2dParams {
  std::array<int64_t, 2> stride{1, 1}, padding{0, 0}, dilation{1, 1};
  int64_t groups = 1;
};

// x [N, C, H, W], w [O, C/groups, KH, KW] -> [N, O, OH, OW].
inline Tensor conv2d(const Tensor& x, const Tensor& w, const Conv2dParams& p = {}) {
  const int64_t N = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3);
  const int64_t O = w.dim(0), Cg = w.dim(1), KH = w.dim(2), KW = w.dim(3), G = p.groups;
  expect(C % G == 0 && O % G == 0 && Cg == C / G, "conv2d: channels vs groups");
  const auto [sh, sw] = p.stride;
  const auto [ph, pw] = p.padding;
  const auto [dh, dw] = p.dilation;
  const int64_t OH = (H + 2 * ph - dh * (KH - 1) - 1) / sh + 1;
  const int64_t OW = (W + 2 * pw - dw * (KW - 1) - 1) / sw + 1;
  expect(OH >= 1 && OW >= 1, "conv2d: input smaller than the filter");
  Tensor y({N, O, OH, OW});
  const int64_t Og = O / G;
  for (int64_t n = 0; n < N; ++n)
    for (int64_t o = 0; o < O; ++o) {
      const int64_t c0 = (o / Og) * Cg;
      float* out = &y.data[((n * O + o) * OH) * OW];
      for (int64_t oy = 0; oy < OH; ++oy)
        for (int64_t ox = 0; ox < OW; ++ox) {
          double acc = 0;
          for (int64_t ci = 0; ci < Cg; ++ci) {
            const float* xp = &x.data[((n * C + c0 + ci) * H) * W];
            const float* wp = &w.data[((o * Cg + ci) * KH) * KW];
            for (int64_t kh = 0; kh < KH; ++kh) {
              const int64_t iy = oy * sh + kh * dh - ph;
              if (iy < 0 || iy >= H) continue;
              for (int64_t kw = 0; kw < KW; ++kw) {
                const int64_t ix = ox * sw + kw * dw - pw;
                if (ix < 0 || ix >= W) continue;
                acc += static_cast<double>(xp[iy * W + ix]) * wp[kh * KW + kw];
              }
            }
          }
          out[oy * OW + ox] = static_cast<float>(acc);
        }
    }
  return y;
}

// Per channel (axis 1) of a rank-4 x, or per column of a rank-2 x.
inline Tensor bias_add(const Tensor& x, const Tensor& b) {
  const int64_t C = x.dim(1);
  expect(b.size() == C, "bias_add: bias length");
  const int64_t inner = x.size() / (x.dim(0) * C);
  Tensor y = x;
  for (int64_t i = 0; i < x.size(); ++i) y.data[i] += b.data[(i / inner) % C];
  return y;
}

inline Tensor batch_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                         const Tensor& mean, const Tensor& var, double eps) {
  const int64_t C = x.dim(1), inner = x.dim(2) * x.dim(3);
  expect(gamma.size() == C && beta.size() == C && mean.size() == C && var.size() == C,
         "batch_norm: parameter lengths");
  Tensor y = x;
  for (int64_t i = 0; i < x.size(); ++i) {
    const int64_t c = (i / inner) % C;
    y.data[i] = static_cast<float>((x.data[i] - mean.data[c]) * gamma.data[c] /
                                       std::sqrt(static_cast<double>(var.data[c]) + eps) +
                                   beta.data[c]);
  }
  return y;
}

template <typename F>
Tensor map(const Tensor& x, F f) {
  Tensor y = x;
  for (auto& v : y.data) v = f(v);
  return y;
}
inline Tensor clip(const Tensor& x, float lo, float hi) {
  return map(x, [=](float v) { return std::min(std::max(v, lo), hi); });
}
inline Tensor relu(const Tensor& x) {
  return map(x, [](float v) { return std::max(v, 0.0f); });
}
inline Tensor relu6(const Tensor& x) { return clip(x, 0.0f, 6.0f); }
inline Tensor gelu(const Tensor& x) {
  return map(x, [](float v) {
    return static_cast<float>(0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0))));
  });
}

inline Tensor add(const Tensor& a, const Tensor& b) {
  expect(a.shape == b.shape, "add: shapes differ");
  Tensor y = a;
  for (int64_t i = 0; i < a.size(); ++i) y.data[i] += b.data[i];
  return y;
}

inline Tensor global_avg_pool(const Tensor& x) {
  const int64_t NC = x.dim(0) * x.dim(1), HW = x.dim(2) * x.dim(3);
  Tensor y({x.dim(0), x.dim(1)});
  for (int64_t i = 0; i < NC; ++i) {
    double s = 0;
    for (int64_t j = 0; j < HW; ++j) s += x.data[i * HW + j];
    y.data[i] = static_cast<float>(s / static_cast<double>(HW));
  }
  return y;
}

// x [M, K], w [N, K] (PyTorch Linear), b [N] -> [M, N].
inline Tensor dense(const Tensor& x, const Tensor& w, const Tensor& b) {
  const int64_t M = x.dim(0), K = x.dim(1), N = w.dim(0);
  expect(w.dim(1) == K && b.size() == N, "dense: shapes");
  Tensor y({M, N});
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) {
      double acc = b.data[j];
      for (int64_t k = 0; k < K; ++k)
        acc += static_cast<double>(x.data[i * K + k]) * w.data[j * K + k];
      y.data[i * N + j] = static_cast<float>(acc);
    }
  return y;
}

// LayerNorm over the last axis of x [M, N] (two passes, in double).
inline Tensor layer_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, double eps) {
  const int64_t M = x.dim(0), N = x.dim(1);
  Tensor y(x.shape);
  for (int64_t i = 0; i < M; ++i) {
    const float* r = &x.data[i * N];
    double mean = 0, var = 0;
    for (int64_t j = 0; j < N; ++j) mean += r[j];
    mean /= N;
    for (int64_t j = 0; j < N; ++j) var += (r[j] - mean) * (r[j] - mean);
    var /= N;
    for (int64_t j = 0; j < N; ++j)
      y.data[i * N + j] =
          static_cast<float>((r[j] - mean) / std::sqrt(var + eps) * gamma.data[j] + beta.data[j]);
  }
  return y;
}

// Over the last axis of [M, N]. A row holding a NaN or +Inf, or only -Inf, is NaN throughout
// (docs/numerics.md); -Inf elements of another row are 0.
inline Tensor softmax(const Tensor& x) {
  const int64_t M = x.dim(0), N = x.dim(1);
  Tensor y(x.shape);
  for (int64_t i = 0; i < M; ++i) {
    const float* r = &x.data[i * N];
    const bool nan_row =
        std::any_of(r, r + N, [](float v) { return std::isnan(v) || v == INFINITY; }) ||
        std::all_of(r, r + N, [](float v) { return v == -INFINITY; });
    if (nan_row) {
      std::fill(&y.data[i * N], &y.data[i * N] + N, NAN);
      continue;
    }
    const float m = *std::max_element(r, r + N);
    double s = 0;
    for (int64_t j = 0; j < N; ++j) s += std::exp(static_cast<double>(r[j]) - m);
    for (int64_t j = 0; j < N; ++j)
      y.data[i * N + j] = static_cast<float>(std::exp(static_cast<double>(r[j]) - m) / s);
  }
  return y;
}

// Row-major reshape: same data, new shape.
inline Tensor reshape(const Tensor& x, std::vector<int64_t> shape) {
  Tensor y;
  y.shape = std::move(shape);
  expect(y.size() == x.size(), "reshape: element counts differ");
  y.data = x.data;
  return y;
}
inline Tensor flatten(const Tensor& x) { return reshape(x, {x.dim(0), x.size() / x.dim(0)}); }

}  // namespace webtx::ops::ref
