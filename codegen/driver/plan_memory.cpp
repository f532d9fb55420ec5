#include "webtx/codegen/plan_memory.hpp"

#include <algorithm>
#include <limits>
#include <optional>

#include "webtx/error.hpp"

namespace webtx::codegen {

using model::Extent;
using model::ExtentOp;

namespace {

// Extent arithmetic folding constants, so constant shapes give constant sizes in the JSON.
Extent fold(ExtentOp op, Extent a, Extent b) {
  if (a.is_const() && b.is_const()) {
    return Extent::constant(model::evaluate(Extent::binary(op, a, b), {}));
  }
  if (op == ExtentOp::Mul && a.is_const() && a.value == 1) return b;
  if (op == ExtentOp::Mul && b.is_const() && b.value == 1) return a;
  if (op == ExtentOp::Add && a.is_const() && a.value == 0) return b;
  if (op == ExtentOp::Add && b.is_const() && b.value == 0) return a;
  if ((op == ExtentOp::Max || op == ExtentOp::Min) && a == b) return a;
  // Sizes are >= 0: max(0, x) = x.
  if (op == ExtentOp::Max && a.is_const() && a.value == 0) return b;
  if (op == ExtentOp::Max && b.is_const() && b.value == 0) return a;
  return Extent::binary(op, std::move(a), std::move(b));
}

// The value of `e` with every symbol set to `probe`: used only to rank candidate buffers.
std::optional<int64_t> probe_value(const Extent& e, int64_t probe) {
  model::SymbolValues env;
  for (auto& s : model::symbols_of(e)) env[s] = probe;
  try {
    return model::evaluate(e, env);
  } catch (const UserError&) {
    return std::nullopt;
  }
}

struct Live {
  std::string name;
  size_t first, last;  // kernel indices of its first and last binding
  Extent bytes;
};

struct Slot {
  Extent bytes;
  std::vector<const Live*> tenants;
};

}  // namespace

Extent tensor_bytes(const model::TensorSpec& t) {
  const int64_t elem = model::dtype_bytes(t.dtype);
  Extent n = Extent::constant(1);
  for (auto& d : t.shape) n = fold(ExtentOp::Mul, n, d);
  Extent bytes = fold(ExtentOp::Mul, n, Extent::constant(elem));
  if (elem % 4 == 0) return bytes;
  return fold(
      ExtentOp::Mul,
      fold(ExtentOp::Div, fold(ExtentOp::Add, bytes, Extent::constant(3)), Extent::constant(4)),
      Extent::constant(4));
}

model::MemoryPlan plan_memory(const model::ModelSpec& m) {
  // Lifetimes, in the order of the model's tensors.
  std::vector<Live> lives;
  for (auto& t : m.tensors) {
    if (t.role != model::TensorRole::Intermediate) continue;
    std::optional<size_t> first, last;
    for (size_t k = 0; k < m.kernels.size(); ++k) {
      for (auto& b : m.kernels[k].bindings) {
        if (b.tensor != t.name) continue;
        if (!first) first = k;
        last = k;
      }
    }
    if (first) lives.push_back({t.name, *first, *last, tensor_bytes(t)});
  }
  // Greedy by size (as TensorFlow Lite's arena planner): largest first, each intermediate
  // takes the first buffer none of whose tenants is live with it, else a new one. Buffers are
  // made in decreasing size, so a tenant rarely grows its buffer, and a buffer's size is close
  // to what the largest live set needs. Sizes are compared at a typical symbol value; ties
  // keep the order of first use.
  constexpr int64_t kProbe = 8;
  std::vector<int64_t> probe;
  for (auto& l : lives) probe.push_back(probe_value(l.bytes, kProbe).value_or(0));
  std::vector<size_t> order(lives.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (probe[a] != probe[b]) return probe[a] > probe[b];
    return lives[a].first < lives[b].first;
  });
  std::vector<Slot> slots;
  model::MemoryPlan plan;
  for (size_t i : order) {
    const Live& l = lives[i];
    int pick = -1;
    for (size_t s = 0; s < slots.size() && pick < 0; ++s) {
      const bool free =
          std::none_of(slots[s].tenants.begin(), slots[s].tenants.end(),
                       [&](const Live* t) { return !(t->last < l.first || l.last < t->first); });
      if (free) pick = static_cast<int>(s);
    }
    if (pick < 0) {
      pick = static_cast<int>(slots.size());
      slots.push_back({l.bytes, {}});
    } else {
      slots[pick].bytes = fold(ExtentOp::Max, slots[pick].bytes, l.bytes);
    }
    slots[pick].tenants.push_back(&l);
    plan.tensors[l.name] = pick;
  }
  for (auto& s : slots) {
    plan.buffers.push_back(s.bytes);
    plan.peak_bytes = fold(ExtentOp::Add, plan.peak_bytes, s.bytes);
  }
  return plan;
}

}  // namespace webtx::codegen
