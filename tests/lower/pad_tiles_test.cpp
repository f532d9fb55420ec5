// Padded tiles (webtx/lower/pad_tiles.hpp) on hand-built statements: a guard around a store
// into a tile buffer goes; guards that protect global memory, that the stored slot does not
// pin down (an overwrite or a reduction step), or whose store may leave the allocation stay.
#include "webtx/lower/pad_tiles.hpp"

#include "test_util.hpp"

namespace webtx::testing {
namespace {

using ir::Expr, ir::Stmt;

Expr ivar(const char* n) { return ir::Variable::make(ir::DType::i32(), n); }

int count_guards(const Stmt& s) {
  struct V : ir::IRVisitor {
    int n = 0;
    void visit_IfThenElse(const ir::IfThenElse& op) override {
      ++n, ir::IRVisitor::visit_IfThenElse(op);
    }
  } v;
  v.visit(s);
  return v.n;
}

// for i in [0, 8): if (w*8 + i < M) <store(i)>, inside `Allocate(buf)` when buf is a tile
// buffer; M is a symbol and w a workgroup id (neither has a range).
struct Nest {
  Expr i = ivar("i"), w = ivar("w"), M = ivar("M");
  Expr guard() const { return ir::LT::make(ir::Add::make(ir::Mul::make(w, Expr(8)), i), M); }
  Stmt loop(Stmt body) const {
    return ir::For::make(i, Expr(0), Expr(8), ir::ForKind::Unrolled, std::move(body));
  }
};

ir::Buffer buffer(const char* name, ir::MemScope scope, int size) {
  return ir::make_buffer(name, ir::DType::f32(), scope, {Expr(size)});
}

TEST(PadTiles, GuardAroundTileStoreGoes) {
  Nest n;
  auto acc = buffer("acc", ir::MemScope::Private, 8);
  auto tile = buffer("tile", ir::MemScope::Workgroup, 8);
  // acc[i] = acc[i] + tile[i]: the slot i pins down the guard's loop index.
  Stmt update =
      ir::Store::make(acc, ir::Add::make(ir::Load::make(acc, n.i), ir::Load::make(tile, n.i)), n.i);
  Stmt s = ir::Allocate::make(acc, n.loop(ir::IfThenElse::make(n.guard(), update)));
  int dropped = 0;
  Stmt out = lowering::pad_tiles(s, {}, {}, &dropped);
  EXPECT_EQ(dropped, 1);
  EXPECT_EQ(count_guards(out), 0) << ir::to_string(out);
}

TEST(PadTiles, GuardsOnGlobalMemoryStay) {
  Nest n;
  auto acc = buffer("acc", ir::MemScope::Private, 8);
  auto in = buffer("A", ir::MemScope::Global, 64);
  auto out_buf = buffer("C", ir::MemScope::Global, 64);
  Expr global_index = ir::Add::make(ir::Mul::make(n.w, Expr(8)), n.i);
  Stmt load = ir::Store::make(acc, ir::Load::make(in, global_index), n.i);
  Stmt store = ir::Store::make(out_buf, ir::Load::make(acc, n.i), global_index);
  Stmt s = ir::Allocate::make(acc, ir::Seq::make({n.loop(ir::IfThenElse::make(n.guard(), load)),
                                                  n.loop(ir::IfThenElse::make(n.guard(), store))}));
  int dropped = 0;
  Stmt out = lowering::pad_tiles(s, {}, {}, &dropped);
  EXPECT_EQ(dropped, 0);
  EXPECT_EQ(count_guards(out), 2);
}

// A reduction step `acc[0] += tile[k]` guarded on k: k is not part of the slot, so the guard
// keeps garbage out of the sum and stays.
TEST(PadTiles, ReductionGuardStays) {
  Nest n;
  auto acc = buffer("acc", ir::MemScope::Private, 1);
  auto tile = buffer("tile", ir::MemScope::Workgroup, 8);
  Stmt update = ir::Store::make(
      acc, ir::Add::make(ir::Load::make(acc, Expr(0)), ir::Load::make(tile, n.i)), Expr(0));
  Stmt s = ir::Allocate::make(acc, n.loop(ir::IfThenElse::make(n.guard(), update)));
  int dropped = 0;
  lowering::pad_tiles(s, {}, {}, &dropped);
  EXPECT_EQ(dropped, 0);
}

// Workgroup memory is shared by the invocations: a guard on the invocation id whose slot does
// not include it stays (another invocation may own that slot).
TEST(PadTiles, WorkgroupSlotMustPinInvocation) {
  Expr lid = ivar("lid"), M = ivar("M");
  auto tile = buffer("tile", ir::MemScope::Workgroup, 4);
  auto acc = buffer("acc", ir::MemScope::Private, 4);
  Stmt st = ir::Store::make(tile, ir::Load::make(acc, Expr(0)), Expr(0));
  Stmt s = ir::Allocate::make(
      tile, ir::Allocate::make(acc, ir::IfThenElse::make(ir::LT::make(lid, M), st)));
  lowering::RangeMap ranges{{lid.get(), {0, 63}}};
  int dropped = 0;
  lowering::pad_tiles(s, ranges, {lid.get()}, &dropped);
  EXPECT_EQ(dropped, 0);
  // The same store into private memory: each invocation has its own slot.
  Stmt p = ir::Allocate::make(
      acc, ir::IfThenElse::make(ir::LT::make(lid, M),
                                ir::Store::make(acc, ir::Load::make(acc, Expr(1)), Expr(0))));
  lowering::pad_tiles(p, ranges, {lid.get()}, &dropped);
  EXPECT_EQ(dropped, 1);
}

// A store whose index may leave the allocation when the guard is gone keeps it.
TEST(PadTiles, StoreOutsideAllocationKeepsGuard) {
  Nest n;
  auto acc = buffer("acc", ir::MemScope::Private, 4);  // smaller than the loop
  Stmt st = ir::Store::make(acc, Expr(0.0f), n.i);
  Stmt s = ir::Allocate::make(acc, n.loop(ir::IfThenElse::make(n.guard(), st)));
  int dropped = 0;
  lowering::pad_tiles(s, {}, {}, &dropped);
  EXPECT_EQ(dropped, 0);
}

// A barrier under the guard keeps it (the guard may be what keeps the barrier uniform).
TEST(PadTiles, BarrierKeepsGuard) {
  Nest n;
  auto acc = buffer("acc", ir::MemScope::Private, 8);
  Stmt body = ir::Seq::make({ir::Barrier::make(), ir::Store::make(acc, Expr(0.0f), n.i)});
  Stmt s = ir::Allocate::make(acc, n.loop(ir::IfThenElse::make(n.guard(), body)));
  int dropped = 0;
  lowering::pad_tiles(s, {}, {}, &dropped);
  EXPECT_EQ(dropped, 0);
}

}  // namespace
}  // namespace webtx::testing
