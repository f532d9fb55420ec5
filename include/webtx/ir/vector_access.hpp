#pragma once
// Which buffers a lowered body accesses as vectors (Load/Store with lanes > 1; see expr.hpp).
// Backends declare such a buffer as an array of `lanes`-wide vectors: vector accesses index it
// directly (their `index` counts vectors), scalar accesses pick component index % lanes of
// vector index / lanes.
#include <unordered_map>

#include "webtx/ir/functor.hpp"

namespace webtx::ir {

inline std::unordered_map<const BufferNode*, int> buffer_lanes(const Stmt& body) {
  struct V : IRVisitor {
    std::unordered_map<const BufferNode*, int> lanes;
    void note(const Buffer& b, int l) {
      if (l == 1) return;
      int& have = lanes[b.get()];
      internal_assert(have == 0 || have == l)
          << "buffer " << b->name << " is accessed as vectors of " << have << " and " << l;
      have = l;
    }
    void visit_Load(const Load& op) override {
      note(op.buffer, op.lanes), IRVisitor::visit_Load(op);
    }
    void visit_Store(const Store& op) override {
      note(op.buffer, op.lanes), IRVisitor::visit_Store(op);
    }
  } v;
  v.visit(body);
  return std::move(v.lanes);
}

}  // namespace webtx::ir
