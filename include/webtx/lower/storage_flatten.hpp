#pragma once
// Storage flattening: multi-dimensional ProducerLoad/ProducerStore become Load/Store on flat
// buffers, row-major: index = ((i0 - o0) * e1 + (i1 - o1)) * e2 + ... where o are the region
// origins of a stage computed at another (0 for global tensors) and e the buffer's extents.
#include "webtx/lower/context.hpp"

namespace webtx::lowering {

namespace detail {
class StorageFlatten : public ir::IRMutator {
 public:
  explicit StorageFlatten(LowerContext& ctx) : ctx_(ctx) {}
  using ir::IRMutator::mutate;

 protected:
  ir::Expr mutate_ProducerLoad(const ir::Expr&, const ir::ProducerLoad& op) override {
    auto idx = mutate_all(op.indices).first;
    StageInfo& si = ctx_.info(op.producer);
    return ir::Load::make(buffer(si), flat(si, idx));
  }
  ir::Stmt mutate_ProducerStore(const ir::Stmt&, const ir::ProducerStore& op) override {
    auto idx = mutate_all(op.indices).first;
    ir::Expr v = mutate(op.value);
    StageInfo& si = ctx_.info(op.producer);
    return ir::Store::make(buffer(si), v, flat(si, idx));
  }

 private:
  const ir::Buffer& buffer(const StageInfo& si) {
    internal_assert(si.buffer) << "no buffer for stage " << si.stage->name();
    return si.buffer;
  }
  ir::Expr flat(const StageInfo& si, const std::vector<ir::Expr>& idx) {
    const auto& shape = si.buffer->shape;
    internal_assert(shape.size() == idx.size()) << "rank mismatch flattening " << si.stage->name();
    ir::Expr r = make_int(0);
    for (size_t d = 0; d < idx.size(); ++d) {
      ir::Expr i = si.is_attached() ? sub(idx[d], si.min_vars[d]) : idx[d];
      r = add(mul(r, shape[d]), i);
    }
    return r;
  }
  LowerContext& ctx_;
};
}  // namespace detail

inline ir::Stmt storage_flatten(const ir::Stmt& body, LowerContext& ctx) {
  return detail::StorageFlatten(ctx).mutate(body);
}

}  // namespace webtx::lowering
