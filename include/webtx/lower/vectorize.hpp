#pragma once
// vectorize: a `Vectorized` loop of 4 iterations whose body is one copy
//   dst[i + v] = src[j + v]        (v the loop index, i and j multiples of 4)
// becomes one vector copy dst[i/4 +: 4] = src[j/4 +: 4] (Load/Store with lanes = 4; see
// expr.hpp). Alignment is proven from the canonical linear form of each index: the loop index
// with coefficient 1, every other term's coefficient and the constant divisible by 4. Both
// buffers must hold 32-bit non-bool elements, a multiple of 4 of them (so a backend can declare
// them as arrays of vec4): a constant count, or a dimension that is a constant multiple of 4 or
// one of the `aligned` symbols (a kernel version launched only when those are multiples of 4,
// partition_loops.hpp). Anything else stays a scalar loop (the backends unroll it).
#include <vector>

#include "webtx/lower/linear.hpp"
#include "webtx/lower/simplify.hpp"

namespace webtx::lowering {

namespace detail {

constexpr int kVectorLanes = 4;

inline bool vectorizable_buffer(const ir::Buffer& b, const std::vector<ir::Expr>& aligned) {
  if (b->type.bits != 32 || b->type.is_bool()) return false;
  int64_t n = 1;
  bool symbolic = false, some_aligned = false;
  for (auto& d : b->shape) {
    auto c = as_const(d);
    if (c) {
      n *= *c;
      some_aligned = some_aligned || *c % kVectorLanes == 0;
      continue;
    }
    symbolic = true;
    for (auto& a : aligned) some_aligned = some_aligned || a.same_as(d);
  }
  return symbolic ? some_aligned : n % kVectorLanes == 0;
}

// index / lanes when index = (multiple of lanes) + v, else undefined.
inline ir::Expr vector_index(const ir::Expr& index, const ir::Expr& v) {
  Linear l;
  to_linear(index, 1, l);
  Linear q;
  bool found = false;
  for (auto& [atom, k] : l.terms) {
    if (atom.same_as(v)) {
      if (k != 1 || found) return {};
      found = true;
      continue;
    }
    if (uses_var(atom, v.get()) || k % kVectorLanes != 0) return {};
    q.terms.push_back({atom, k / kVectorLanes});
  }
  if (!found || l.c % kVectorLanes != 0) return {};
  q.c = l.c / kVectorLanes;
  return simplify(from_linear(q, index.type()));
}

class Vectorize : public ir::IRMutator {
 public:
  explicit Vectorize(const std::vector<ir::Expr>& aligned) : aligned_(aligned) {}
  using ir::IRMutator::mutate;
  ir::Stmt mutate_For(const ir::Stmt& s, const ir::For& op) override {
    if (op.for_kind == ir::ForKind::Vectorized && is_const(op.min, 0) &&
        is_const(op.extent, kVectorLanes)) {
      auto* st = op.body.as<ir::Store>();
      auto* ld = st ? st->value.as<ir::Load>() : nullptr;
      if (ld && st->lanes == 1 && ld->lanes == 1 && vectorizable_buffer(st->buffer, aligned_) &&
          vectorizable_buffer(ld->buffer, aligned_)) {
        ir::Expr si = vector_index(st->index, op.var), li = vector_index(ld->index, op.var);
        if (si.defined() && li.defined())
          return ir::Store::make(st->buffer, ir::Load::make(ld->buffer, li, kVectorLanes), si,
                                 kVectorLanes);
      }
    }
    return ir::IRMutator::mutate_For(s, op);
  }

 private:
  const std::vector<ir::Expr>& aligned_;
};

}  // namespace detail

// `aligned`: symbols this kernel is only launched with at multiples of 4.
inline ir::Stmt vectorize(const ir::Stmt& body, const std::vector<ir::Expr>& aligned = {}) {
  return detail::Vectorize(aligned).mutate(body);
}

}  // namespace webtx::lowering
