// The consumer's plain C++ reference (no webtx): deterministic inputs for each test case and
// the outputs the models must produce, written as JSON for check.js.
// usage: consumer_reference <out.json>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace {

struct Rng {
  uint32_t s;
  float next() {  // in [-1, 1)
    s = s * 1664525u + 1013904223u;
    return static_cast<float>(s >> 8) / 8388608.0f - 1.0f;
  }
};

std::vector<float> random(size_t n, uint32_t seed) {
  Rng r{seed};
  std::vector<float> v(n);
  for (auto& x : v) x = r.next();
  return v;
}

std::string json(const std::vector<float>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(v[i]));
    s += (i ? "," : "") + std::string(buf);
  }
  return s + "]";
}

std::string tensor(const std::vector<float>& v, std::vector<int> shape) {
  std::string s = "{\"shape\":[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "],\"data\":" + json(v) + "}";
}

std::string dense_gelu_case(const std::string& model, int batch, int K, int N) {
  auto x = random(size_t(batch) * K, 1), w = random(size_t(N) * K, 2), b = random(N, 3);
  std::vector<float> y(size_t(batch) * N);
  for (int i = 0; i < batch; ++i)
    for (int j = 0; j < N; ++j) {
      double v = b[j];
      for (int k = 0; k < K; ++k) v += double(x[i * K + k]) * w[j * K + k];
      y[i * N + j] = float(0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0))));
    }
  return "{\"model\":\"" + model + "\",\"symbols\":{\"batch\":" + std::to_string(batch) +
         "},\"inputs\":{\"x\":" + tensor(x, {batch, K}) + ",\"w\":" + tensor(w, {N, K}) +
         ",\"b\":" + tensor(b, {N}) + "},\"expected\":{\"y\":" + json(y) + "}}";
}

std::string layernorm_case(const std::string& model, int rows, int D) {
  auto x = random(size_t(rows) * D, 4), g = random(D, 5), b = random(D, 6);
  std::vector<float> y(size_t(rows) * D);
  for (int i = 0; i < rows; ++i) {
    double mean = 0, var = 0;
    for (int j = 0; j < D; ++j) mean += x[i * D + j];
    mean /= D;
    for (int j = 0; j < D; ++j) var += (x[i * D + j] - mean) * (x[i * D + j] - mean);
    var /= D;
    for (int j = 0; j < D; ++j)
      y[i * D + j] = float((x[i * D + j] - mean) / std::sqrt(var + 1e-5) * g[j] + b[j]);
  }
  return "{\"model\":\"" + model + "\",\"symbols\":{},\"inputs\":{\"x\":" + tensor(x, {rows, D}) +
         ",\"g\":" + tensor(g, {D}) + ",\"b\":" + tensor(b, {D}) +
         "},\"expected\":{\"y\":" + json(y) + "}}";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: consumer_reference <out.json>\n";
    return 2;
  }
  std::ofstream out(argv[1]);
  out << "[" << dense_gelu_case("dense_gelu_64x32", 5, 64, 32) << ",\n"
      << dense_gelu_case("dense_gelu_128x16", 3, 128, 16) << ",\n"
      << layernorm_case("layernorm_any", 4, 48) << ",\n"
      << layernorm_case("layernorm_any", 3, 7) << ",\n"
      << layernorm_case("layernorm_96", 2, 96) << "]\n";
  return out.good() ? 0 : 1;
}
