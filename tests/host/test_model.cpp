// A hand-lowered program for the host-stub tests: three kernels, two symbols (one bound only
// by an output), two intermediates with different lifetimes, an extent given by an expression
// (count: [batch + 1]) and an i32 tensor. The bodies are simple elementwise loops so the
// shader backends accept them; the host tests check what the stub does around them.
#include "webtx/generator.hpp"
#include "webtx/ir.hpp"

using namespace webtx::ir;
using webtx::ir::Variable;

namespace {

// gid = workgroup_id.x * wx + local_id.x; if (gid < n) { dst[gid] = f(src[gid % src_n]) }
Stmt elementwise(const Buffer& src, const Expr& src_n, const Buffer& dst, const Expr& n, int wx,
                 bool to_int = false) {
  Expr gid = Add::make(Mul::make(ThreadIndex::make(ThreadAxis::WorkgroupId, 0), Expr(wx)),
                       ThreadIndex::make(ThreadAxis::LocalId, 0));
  Expr v = Load::make(src, Mod::make(gid, src_n));
  v = to_int ? Cast::make(DType::i32(), v) : Mul::make(v, Expr(2.0f));
  return IfThenElse::make(LT::make(gid, n), Store::make(dst, v, gid));
}

Program build(const std::string& name) {
  Expr batch = Variable::make(DType::i32(), "batch");
  Expr heads = Variable::make(DType::i32(), "heads");
  auto g = [](std::string n, DType t, std::vector<Expr> s) {
    return make_buffer(std::move(n), t, MemScope::Global, std::move(s));
  };
  Buffer x = g("x", DType::f32(), {batch, 8});
  Buffer w = g("w", DType::f32(), {8, heads});
  Buffer y = g("y", DType::f32(), {batch, heads});
  Buffer count = g("count", DType::i32(), {Add::make(batch, Expr(1))});
  Buffer tmp = g("tmp", DType::f32(), {batch, heads});
  Buffer t2 = g("t2", DType::f32(), {Mul::make(batch, Expr(2)), heads});

  Program p;
  p.name = name;
  p.tensors = {{x, TensorRole::Input},          {w, TensorRole::Input},
               {y, TensorRole::Output},         {count, TensorRole::Output},
               {tmp, TensorRole::Intermediate}, {t2, TensorRole::Intermediate}};
  p.symbols = {batch, heads};

  Expr bh = Mul::make(batch, heads);
  Kernel k0;  // tmp = 2 * x
  k0.name = "matmul";
  k0.buffers = {{x, true, false}, {w, true, false}, {tmp, false, true}};
  k0.scalars = {batch, heads};
  k0.workgroup_size = {16, 4, 1};
  k0.grid = {Div::make(Add::make(bh, Expr(15)), Expr(16)), Expr(1), Expr(1)};
  k0.body = elementwise(x, Mul::make(batch, Expr(8)), tmp, bh, 16);

  Kernel k1;  // t2 = 2 * tmp; no uniforms: its grid still uses the bound symbols
  k1.name = "scale";
  k1.buffers = {{tmp, true, false}, {t2, false, true}};
  k1.workgroup_size = {64, 1, 1};
  k1.grid = {Div::make(Add::make(Mul::make(bh, Expr(2)), Expr(63)), Expr(64)), Expr(1), heads};
  k1.body = elementwise(tmp, Expr(1), t2, Expr(1), 64);

  Kernel k2;  // y = 2 * t2, count = int(t2)
  k2.name = "relu";
  k2.buffers = {{t2, true, false}, {y, false, true}, {count, false, true}};
  k2.scalars = {heads, batch};
  k2.workgroup_size = {32, 1, 1};
  k2.grid = {Max::make(Div::make(batch, Expr(32)), Expr(1)), heads, Min::make(batch, Expr(3))};
  k2.body = Seq::make({elementwise(t2, Mul::make(Expr(2), bh), y, bh, 32),
                       elementwise(t2, Expr(1), count, Add::make(batch, Expr(1)), 32, true)});
  p.kernels = {k0, k1, k2};
  return p;
}

}  // namespace

WEBTX_MODEL(host_test_model, ctx) { ctx.set_program(build(ctx.name())); }
