// c[i] = a[i] + b[i] for a run-time length n, as a hand-lowered program (64 per workgroup).
#include <webtx/generator.hpp>

namespace ir = webtx::ir;

WEBTX_MODEL(vadd, ctx) {
  ir::Expr n = ir::Variable::make(ir::DType::i32(), "n");
  auto buf = [&](const char* name) {
    return ir::make_buffer(name, ir::DType::f32(), ir::MemScope::Global, {n});
  };
  ir::Buffer a = buf("a"), b = buf("b"), c = buf("c");
  ir::Expr i = ir::Add::make(
      ir::Mul::make(ir::ThreadIndex::make(ir::ThreadAxis::WorkgroupId, 0), ir::Expr(64)),
      ir::ThreadIndex::make(ir::ThreadAxis::LocalId, 0));
  ir::Kernel k;
  k.name = "add";
  k.buffers = {{a, true, false}, {b, true, false}, {c, false, true}};
  k.scalars = {n};
  k.workgroup_size = {64, 1, 1};
  k.grid = {ir::Div::make(ir::Add::make(n, ir::Expr(63)), ir::Expr(64)), ir::Expr(1), ir::Expr(1)};
  k.body = ir::IfThenElse::make(
      ir::LT::make(i, n),
      ir::Store::make(c, ir::Add::make(ir::Load::make(a, i), ir::Load::make(b, i)), i));
  ir::Program p;
  p.name = "vadd";
  p.tensors = {{a, ir::TensorRole::Input}, {b, ir::TensorRole::Input}, {c, ir::TensorRole::Output}};
  p.symbols = {n};
  p.kernels = {k};
  ctx.set_program(p);
}
