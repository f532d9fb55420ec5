// Whole schedules: tiled matmul with workgroup caches, register blocking with cache_write,
// softmax, conv2d. Each lowered program runs on the CPU (with race and bounds checks) and is
// compared with the unscheduled graph.
#include "test_util.hpp"

namespace webtx::testing {
namespace {

using ir::MemScope;
using ir::ThreadAxis;
using ::testing::HasSubstr;

struct Matmul {
  ir::Operation a, b, c;
  ir::IterVar k;
  Matmul(Expr m, Expr n, Expr kk) {
    a = placeholder("A", {m, kk});
    b = placeholder("B", {kk, n});
    k = reduce_axis(kk, "k");
    c = compute("C", {m, n}, [&](const Vars& v) {
      return sum(ir::Mul::make(at(a, {v[0], k->var}), at(b, {k->var, v[1]})), {k});
    });
  }
  eval::TensorMap inputs(int64_t m, int64_t n, int64_t kk) {
    return {{"A", random_tensor({m, kk}, 21)}, {"B", random_tensor({kk, n}, 22)}};
  }
};

TEST(LowerAdvanced, SharedMemoryMatmulDividing) {
  Matmul g(16, 16, 8);
  auto s = create_schedule({g.c});
  schedule_shared_matmul(s, g.a, g.b, g.c);
  auto p = check_schedule(s, {g.a, g.b}, {g.c}, g.inputs(16, 16, 8), {}, 1e-5);
  auto& k = p.kernels[0];
  EXPECT_EQ(k.workgroup_size, (std::array<int64_t, 3>{8, 8, 1}));
  EXPECT_EQ(k.workgroup_bytes, 2 * 8 * 4 * 4);
  EXPECT_THAT(ir::to_string(k), HasSubstr("barrier()"));
}

TEST(LowerAdvanced, SharedMemoryMatmulNonDividing) {
  Matmul g(13, 19, 11);
  auto s = create_schedule({g.c});
  schedule_shared_matmul(s, g.a, g.b, g.c);
  check_schedule(s, {g.a, g.b}, {g.c}, g.inputs(13, 19, 11), {}, 1e-5);
}

TEST(LowerAdvanced, SharedMemoryMatmulSymbolic) {
  Matmul g(sym("M"), sym("N"), sym("K"));
  auto s = create_schedule({g.c});
  schedule_shared_matmul(s, g.a, g.b, g.c);
  check_schedule(s, {g.a, g.b}, {g.c}, g.inputs(9, 17, 6), {}, 1e-5);
  check_schedule(s, {g.a, g.b}, {g.c}, g.inputs(16, 8, 12), {}, 1e-5);
}

// Register blocking: each invocation accumulates a 2x2 block in private memory (cache_write),
// A and B tiles staged in workgroup memory inside the private stage's K loop.
TEST(LowerAdvanced, RegisterBlockedMatmul) {
  for (auto [m, n, kk] : {std::tuple{16, 16, 8}, std::tuple{15, 10, 7}}) {
    Matmul g(m, n, kk);
    auto s = create_schedule({g.c});
    auto& cl = s.cache_write(g.c, MemScope::Private);
    auto& st = s[g.c];
    cl.compute_at(st, register_blocks(st).jt);
    auto [ko, ki] = cl.split(cl.reduce_axis(0), 4);
    cl.reorder({ko, ki, cl.axis(0), cl.axis(1)});
    cl.unroll(cl.axis(0)).unroll(cl.axis(1));
    auto& aa = s.cache_read(g.a, MemScope::Workgroup, {cl.op()});
    auto& bb = s.cache_read(g.b, MemScope::Workgroup, {cl.op()});
    for (Stage* c : {&aa, &bb}) {
      c->compute_at(cl, ko);
      auto f = c->fuse(c->axis(0), c->axis(1));
      auto [fo, fi] = c->split(f, 4);
      auto [foo, foi] = c->split(fo, 4);
      c->bind(fi, ThreadAxis::LocalId, 0).bind(foi, ThreadAxis::LocalId, 1);
    }
    auto p = check_schedule(s, {g.a, g.b}, {g.c}, g.inputs(m, n, kk), {}, 1e-5);
    auto text = kernel_text(p);
    EXPECT_THAT(text, HasSubstr("allocate C_private: private f32[2 * 2]"));
    EXPECT_THAT(text, HasSubstr("allocate A_workgroup: workgroup f32[8 * 4]"));
    EXPECT_EQ(p.kernels[0].workgroup_size, (std::array<int64_t, 3>{4, 4, 1}));
  }
}

// The register-blocked schedule at symbolic shapes: a K that the k step does not divide runs
// one K loop whose last step zero-fills the tiles (pad_reduction_tail.hpp), so no multiply-add
// is guarded on K. `domain`: the reduction's extent, K or K - 1 (a reduction shorter than the
// tensors it reads: its last step must not add A's last column, so it keeps its guards).
void register_blocked(Schedule& s, const ir::Operation& a, const ir::Operation& b,
                      const ir::Operation& c) {
  auto& cl = s.cache_write(c, MemScope::Private);
  auto& st = s[c];
  auto blocks = register_blocks(st);
  st.unroll(blocks.ir).unroll(blocks.jr);
  cl.compute_at(st, blocks.jt);
  // (Split by the block first: with symbolic shapes the axes have the tensor's extent here.)
  auto ai = cl.split(cl.axis(0), 2).second, aj = cl.split(cl.axis(1), 2).second;
  auto [ko, ki] = cl.split(cl.reduce_axis(0), 4);
  cl.reorder({ko, ki, ai, aj});
  cl.unroll(ki).unroll(ai).unroll(aj);
  auto& aa = s.cache_read(a, MemScope::Workgroup, {cl.op()});
  auto& bb = s.cache_read(b, MemScope::Workgroup, {cl.op()});
  for (auto [x, rows, cols] : {std::tuple{&aa, 8, 4}, std::tuple{&bb, 4, 8}}) {
    x->compute_at(cl, ko);
    auto [r_o, r] = x->split(x->axis(0), rows);
    auto [c_o, c] = x->split(x->axis(1), cols);
    x->reorder({r_o, c_o, r, c});
    auto [fo, fi] = x->split(x->fuse(r, c), 4);
    auto [foo, foi] = x->split(fo, 4);
    x->bind(fi, ThreadAxis::LocalId, 0).bind(foi, ThreadAxis::LocalId, 1).unroll(foo);
  }
}

// Multiply-adds (stores into C_private) under a guard that reads K.
int k_guarded_steps(const ir::Stmt& s) {
  struct V : ir::IRVisitor {
    int depth = 0, n = 0;
    void visit_IfThenElse(const ir::IfThenElse& op) override {
      struct R : ir::IRVisitor {
        bool k = false;
        void visit_Variable(const ir::Variable& v) override { k = k || v.name == "K"; }
      } r;
      r.visit(op.cond);
      const bool k = r.k;
      depth += k;
      visit(op.then_case);
      depth -= k;
      if (op.else_case.defined()) visit(op.else_case);
    }
    void visit_Store(const ir::Store& op) override {
      n += depth > 0 && op.buffer->name == "C_private" && op.value.as<ir::Add>();
      ir::IRVisitor::visit_Store(op);
    }
  } v;
  v.visit(s);
  return v.n;
}

TEST(LowerAdvanced, SymbolicKTailIsZeroPadded) {
  Matmul g(sym("M"), sym("N"), sym("K"));
  auto s = create_schedule({g.c});
  register_blocked(s, g.a, g.b, g.c);
  ir::Program p;
  for (auto [m, n, kk] : {std::tuple{16, 16, 8}, std::tuple{15, 10, 7}, std::tuple{1, 1, 1},
                          std::tuple{9, 17, 13}, std::tuple{24, 8, 3}})
    p = check_schedule(s, {g.a, g.b}, {g.c}, g.inputs(m, n, kk), {}, 1e-5);
  bool tail = false;
  for (auto& k : p.kernels) {
    EXPECT_EQ(k_guarded_steps(k.body), 0) << ir::to_string(k);
    tail = tail || k.name.find("_tail") != std::string::npos;
  }
  EXPECT_TRUE(tail);  // the zero-padded version is there (launched when K % 4 != 0)
}

TEST(LowerAdvanced, ShorterReductionKeepsItsKGuards) {
  auto M = sym("M"), N = sym("N"), K = sym("K");
  auto a = placeholder("A", {M, K});
  auto b = placeholder("B", {K, N});
  auto k = reduce_axis(ir::Sub::make(K, ir::make_int(1)), "k");
  auto c = compute("C", {M, N}, [&](const Vars& v) {
    return sum(ir::Mul::make(at(a, {v[0], k->var}), at(b, {k->var, v[1]})), {k});
  });
  auto s = create_schedule({c});
  register_blocked(s, a, b, c);
  ir::Program p;
  for (auto [m, n, kk] : {std::tuple{16, 16, 9}, std::tuple{15, 10, 7}, std::tuple{9, 17, 2}}) {
    eval::TensorMap in{{"A", random_tensor({m, kk}, 31)}, {"B", random_tensor({kk, n}, 32)}};
    p = check_schedule(s, {a, b}, {c}, in, {}, 1e-5);
  }
  int guarded = 0;
  for (auto& kn : p.kernels) guarded += k_guarded_steps(kn.body);
  EXPECT_GT(guarded, 0);
}

struct Softmax {
  ir::Operation a, mx, e, sm, out;
  Softmax(Expr n, Expr m) {
    a = placeholder("A", {n, m});
    auto k1 = reduce_axis(m, "k1"), k2 = reduce_axis(m, "k2");
    mx = compute("mx", {n}, [&](const Vars& v) { return rmax(at(a, {v[0], k1->var}), {k1}); });
    e = compute("e", {n, m}, [&](const Vars& v) {
      return ir::Call::make(ir::Intrinsic::Exp,
                            {ir::Sub::make(at(a, {v[0], v[1]}), at(mx, {v[0]}))});
    });
    sm = compute("sm", {n}, [&](const Vars& v) { return sum(at(e, {v[0], k2->var}), {k2}); });
    out = compute("softmax", {n, m}, [&](const Vars& v) {
      return ir::Div::make(at(e, {v[0], v[1]}), at(sm, {v[0]}));
    });
  }
};

TEST(LowerAdvanced, SoftmaxInlineAndComputeAt) {
  Softmax g(sym("n"), 13);
  auto s = create_schedule({g.out});
  s[g.e].compute_inline();
  // Max: one row per invocation.
  auto [mo, mi] = s[g.mx].split(s[g.mx].axis(0), 4);
  s[g.mx].bind(mo, ThreadAxis::WorkgroupId, 0).bind(mi, ThreadAxis::LocalId, 0);
  // Output: a workgroup per row, the sum computed privately by each invocation for its row.
  auto& o = s[g.out];
  auto [jo, ji] = o.split(o.axis(1), 8);
  o.bind(o.axis(0), ThreadAxis::WorkgroupId, 0).bind(ji, ThreadAxis::LocalId, 0);
  s[g.sm].compute_at(o, o.axis(0));
  auto p = check_schedule(s, {g.a}, {g.out}, {{"A", random_tensor({5, 13}, 31)}}, {}, 1e-5);
  EXPECT_EQ(p.kernels.size(), 2u);  // mx, softmax (sm inside it, e inlined)
}

TEST(LowerAdvanced, SoftmaxAllRoot) {
  Softmax g(6, 10);
  auto s = create_schedule({g.out});
  s[g.e].compute_inline();
  for (auto op : {g.mx, g.sm}) s[op].bind(s[op].axis(0), ThreadAxis::LocalId, 0);
  auto t = s[g.out].tile(s[g.out].axis(0), s[g.out].axis(1), 2, 4);
  s[g.out].bind(t.xi, ThreadAxis::LocalId, 1).bind(t.yi, ThreadAxis::LocalId, 0);
  s[g.out].bind(t.xo, ThreadAxis::WorkgroupId, 1).bind(t.yo, ThreadAxis::WorkgroupId, 0);
  auto p = check_schedule(s, {g.a}, {g.out}, {{"A", random_tensor({6, 10}, 32)}}, {}, 1e-5);
  EXPECT_EQ(p.kernels.size(), 3u);
}

struct Conv2d {
  ir::Operation a, w, pad, out;
  Conv2d(int c, int h, int wd, int k) {
    a = placeholder("A", {c, h, wd});
    w = placeholder("W", {k, c, 3, 3});
    pad = compute(
        "pad", {c, h + 2, wd + 2},
        [&](const Vars& v) {
          Expr y = v[1], x = v[2];
          Expr in = ir::And::make(
              ir::And::make(ir::GE::make(y, Expr(1)), ir::LT::make(y, Expr(int(h + 1)))),
              ir::And::make(ir::GE::make(x, Expr(1)), ir::LT::make(x, Expr(int(wd + 1)))));
          return ir::Select::make(
              in, at(a, {v[0], ir::Sub::make(y, Expr(1)), ir::Sub::make(x, Expr(1))}), Expr(0.0f));
        },
        {"c", "y", "x"});
    auto rc = reduce_axis(c, "rc"), ry = reduce_axis(3, "ry"), rx = reduce_axis(3, "rx");
    out = compute(
        "conv", {k, h, wd},
        [&](const Vars& v) {
          Expr pv = at(pad, {rc->var, ir::Add::make(v[1], ry->var), ir::Add::make(v[2], rx->var)});
          return sum(ir::Mul::make(pv, at(w, {v[0], rc->var, ry->var, rx->var})), {rc, ry, rx});
        },
        {"k", "y", "x"});
  }
  eval::TensorMap inputs(int64_t c, int64_t h, int64_t wd, int64_t k) {
    return {{"A", random_tensor({c, h, wd}, 41)}, {"W", random_tensor({k, c, 3, 3}, 42)}};
  }
};

TEST(LowerAdvanced, Conv2dPaddingInlined) {
  Conv2d g(3, 7, 6, 4);
  auto s = create_schedule({g.out});
  s[g.pad].compute_inline();
  auto& o = s[g.out];
  auto t = o.tile(o.axis(1), o.axis(2), 4, 4);
  o.bind(o.axis(0), ThreadAxis::WorkgroupId, 2);
  o.bind(t.xo, ThreadAxis::WorkgroupId, 1).bind(t.yo, ThreadAxis::WorkgroupId, 0);
  o.bind(t.xi, ThreadAxis::LocalId, 1).bind(t.yi, ThreadAxis::LocalId, 0);
  auto p = check_schedule(s, {g.a, g.w}, {g.out}, g.inputs(3, 7, 6, 4), {}, 1e-5);
  EXPECT_EQ(p.kernels.size(), 1u);
}

TEST(LowerAdvanced, Conv2dSharedInputTile) {
  Conv2d g(2, 7, 7, 3);
  auto s = create_schedule({g.out});
  s[g.pad].compute_inline();
  auto& pp = s.cache_read(g.a, MemScope::Workgroup, {g.out});
  auto& o = s[g.out];
  auto t = o.tile(o.axis(1), o.axis(2), 4, 4);
  o.bind(t.xo, ThreadAxis::WorkgroupId, 1).bind(t.yo, ThreadAxis::WorkgroupId, 0);
  o.bind(t.xi, ThreadAxis::LocalId, 1).bind(t.yi, ThreadAxis::LocalId, 0);
  o.reorder({t.xo, t.yo, t.xi, t.yi, o.axis(0)});
  pp.compute_at(o, o.reduce_axis(0));
  auto f = pp.fuse(pp.axis(1), pp.axis(2));
  auto [fo, fi] = pp.split(f, 4);
  auto [foo, foi] = pp.split(fo, 4);
  pp.bind(fi, ThreadAxis::LocalId, 0).bind(foi, ThreadAxis::LocalId, 1);
  auto p = check_schedule(s, {g.a, g.w}, {g.out}, g.inputs(2, 7, 7, 3), {}, 1e-5);
  // The staged tile is the 4x4 output tile plus the 3x3 halo: 1 x 6 x 6.
  EXPECT_THAT(kernel_text(p), HasSubstr("allocate A_workgroup: workgroup f32[1 * 6 * 6]"));
}

// Nested compute_at with a symbolic extent: for each block of 4 rows of D, C (a reduction) is
// computed privately, and for each row of C, the row of B it reads.
TEST(LowerAdvanced, NestedComputeAtSymbolic) {
  Expr n = sym("n");
  auto a = placeholder("A", {n, 8});
  auto b = compute("B", {n, 8}, [&](const Vars& v) {
    return ir::Mul::make(at(a, {v[0], v[1]}), Expr(2.0f));
  });
  auto k = reduce_axis(8, "k");
  auto c = compute("C", {n}, [&](const Vars& v) { return sum(at(b, {v[0], k->var}), {k}); });
  auto d =
      compute("D", {n}, [&](const Vars& v) { return ir::Add::make(at(c, {v[0]}), Expr(1.0f)); });
  auto s = create_schedule({d});
  auto [o, i] = s[d].split(s[d].axis(0), 4);
  s[d].bind(o, ThreadAxis::WorkgroupId, 0);
  s[c].compute_at(s[d], o);
  s[b].compute_at(s[c], s[c].axis(0));
  for (int64_t rows : {3, 8, 10}) {
    auto p = check_schedule(s, {a}, {d}, {{"A", random_tensor({rows, 8}, 51)}}, {}, 1e-5);
    EXPECT_THAT(kernel_text(p), HasSubstr("allocate C: private f32[4]"));
    EXPECT_THAT(kernel_text(p), HasSubstr("allocate B: private f32[1 * 8]"));
  }
}

// A private stage read by a workgroup stage computed in the same nest: the workgroup stage is
// computed by every invocation, also those past the extent of the nest's local-id loops, so
// the private stage must be computed for them too (the fuzzer's seed 7487 left C[0][1]
// unwritten: invocation x = 1 computed its share of C_workgroup from a T it never computed).
TEST(LowerAdvanced, PrivateStageReadByWorkgroupSibling) {
  auto a = placeholder("A", {1, 1}), b = placeholder("B", {1, 1}), w = placeholder("W", {1, 2});
  auto k1 = reduce_axis(1, "k1"), k2 = reduce_axis(1, "k2");
  auto t = compute("T", {1, 1}, [&](const Vars& v) {
    return sum(ir::Mul::make(at(a, {v[0], k1->var}), at(b, {k1->var, v[1]})), {k1});
  });
  auto c = compute("C", {1, 2}, [&](const Vars& v) {
    return sum(ir::Mul::make(at(t, {v[0], k2->var}), at(w, {k2->var, v[1]})), {k2});
  });
  auto s = create_schedule({c});
  auto& cw = s.cache_write(c, MemScope::Workgroup);
  auto& st = s[c];
  st.bind(st.axis(0), ThreadAxis::LocalId, 0).bind(st.axis(1), ThreadAxis::LocalId, 2);
  cw.compute_at(st, st.axis(1));
  cw.bind(cw.axis(1), ThreadAxis::LocalId, 0);
  s[t].compute_at(st, st.axis(1));
  auto p = check_schedule(s, {a, b, w}, {c},
                          {{"A", random_tensor({1, 1}, 71)},
                           {"B", random_tensor({1, 1}, 72)},
                           {"W", random_tensor({1, 2}, 73)}},
                          {}, 1e-5);
  EXPECT_EQ(p.kernels[0].workgroup_size, (std::array<int64_t, 3>{2, 1, 2}));
}

// A workgroup cache computed inside two private stages inside a reduction whose output is
// spread over invocations (fuzz seed 30300, tests/fuzz/cases/): the private stages' origins are
// points, substituted where used, so the cache's origin names the invocation's loop directly.
// The cache is one buffer for the workgroup, so it must hold every invocation's element (it
// held invocation 0's only, and every other invocation read it).
TEST(LowerAdvanced, WorkgroupCacheInsidePrivateStagesCoversEveryInvocation) {
  auto x = placeholder("X", {2, 3, 5});
  auto f = compute("F", {2, 3, 5}, [&](const Vars& v) {
    return ir::Call::make(ir::Intrinsic::Floor, {ir::Mul::make(at(x, v), Expr(4.0f))});
  });
  auto g =
      compute("G", {2, 3, 5}, [&](const Vars& v) { return ir::Mul::make(at(f, v), at(f, v)); });
  auto r0 = reduce_axis(2, "r0"), r1 = reduce_axis(3, "r1");
  auto out = compute("Out", {5}, [&](const Vars& v) {
    return ir::Reduce::make(ir::ReduceOp::Min, at(g, {r0->var, r1->var, v[0]}), {r0, r1});
  });
  auto s = create_schedule({out});
  auto& o = parallelize(s, out, 8);
  s[g].compute_at(o, o.leaf_axes()[2]);  // inside the reduction over r0
  s[f].compute_at(s[g], s[g].leaf_axes()[0]);
  auto& xw = s.cache_read(x, MemScope::Workgroup, {f});
  xw.compute_at(s[f], s[f].leaf_axes()[0]);
  auto p = check_schedule(s, {x}, {out}, {{"X", random_tensor({2, 3, 5}, 31)}}, {}, 1e-6);
  EXPECT_EQ(p.kernels.size(), 1u);
  EXPECT_THAT(ir::to_string(p.kernels[0]), HasSubstr("X_workgroup: workgroup f32[1 * 3 * 8]"));
}

// A reduction whose tail step is zero-padded (pad_reduction_tail.hpp) keeps the guard that
// holds its accumulator's index inside the accumulator (fuzz seed 35641): a private sum of 1
// element tiled by 8 over its data axis, its input cached per step, was updated at all 8
// positions of the tile (adding 0 * 0 past the end, but into elements 1-7 of a 1-element array).
TEST(LowerAdvanced, PaddedReductionTailStaysInsideItsAccumulator) {
  auto x = placeholder("X", {1, 1});
  auto r = reduce_axis(1, "r");
  auto t = compute("T", {1}, [&](const Vars& v) {
    return sum(ir::Mul::make(at(x, {r->var, v[0]}), at(x, {r->var, v[0]})), {r});
  });
  auto out = compute("Out", {1}, [&](const Vars& v) { return ir::Add::make(at(t, v), at(t, v)); });
  auto s = create_schedule({out});
  auto& st = s[t];
  auto tiles = st.tile(st.axis(0), st.reduce_axis(0), 8, 7);
  st.reorder({tiles.yi, tiles.xi, tiles.xo, tiles.yo});
  st.compute_at(s[out], s[out].leaf_axes()[0]);
  auto& xp = s.cache_read(x, MemScope::Private, {t});
  xp.compute_at(st, tiles.yo);
  check_schedule(s, {x}, {out}, {{"X", random_tensor({1, 1}, 32)}}, {}, 1e-6);
}

}  // namespace
}  // namespace webtx::testing
