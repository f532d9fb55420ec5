// Stage::specialize: one kernel version per specialization, selected per call by its
// condition on the symbols (first match wins, then the general schedule), checked with
// run_program against evaluate_graph at dividing, non-dividing, size-1 and symbolic shapes;
// gemv_2d (the skinny-matmul schedule) alone and under specialize; the rejected uses.
#include "test_util.hpp"
#include "webtx/ir/scalar_eval.hpp"

namespace webtx::testing {
namespace {

using ::testing::HasSubstr;

struct Matmul {
  Expr m = sym("M"), n = sym("N"), k = sym("K");
  ir::Operation a, b, c;
  Matmul() {
    a = placeholder("A", {m, k});
    b = placeholder("B", {k, n});
    auto r = reduce_axis(k, "k");
    c = compute("C", {m, n}, [&](const Vars& v) {
      return sum(ir::Mul::make(at(a, {v[0], r->var}), at(b, {r->var, v[1]})), {r});
    });
  }
  eval::TensorMap values(int64_t m, int64_t n, int64_t k) const {
    return {{"A", random_tensor({m, k}, 3)}, {"B", random_tensor({k, n}, 4)}};
  }
};

// Names of the kernels a call with these symbols launches (a non-empty grid).
std::vector<std::string> launched(const ir::Program& p, const ir::ScalarBindings& syms) {
  std::vector<std::string> names;
  for (auto& k : p.kernels) {
    bool run = true;
    for (auto& g : k.grid) run = run && ir::eval_scalar(g, syms) > 0;
    if (run) names.push_back(k.name);
  }
  return names;
}

ir::ScalarBindings mnk(const ir::Program& p, int64_t m, int64_t n, int64_t k) {
  ir::ScalarBindings s;
  for (auto& v : p.symbols) {
    const auto& name = v.as<ir::Variable>()->name;
    s[v.get()] = name == "M" ? m : name == "N" ? n : k;
  }
  return s;
}

TEST(Specialize, SkinnyMatmulTakesTheGemvKernel) {
  Matmul g;
  auto s = create_schedule({g.c});
  auto& small = s[g.c].specialize(ir::LE::make(g.m, 8));
  gemv_2d(small.schedule(), g.c, {.rows = 8, .cols = 16, .vec = 4, .k_threads = 4, .k_unroll = 2});
  tile_2d(s, g.c, {16, 16, 4, 4, 4});
  struct C {
    int64_t m, n, k;
    bool special;
  };
  for (C c : {C{1, 32, 16, true}, C{8, 64, 64, true}, C{5, 30, 13, true}, C{1, 1, 1, true},
              C{9, 32, 16, false}, C{20, 33, 7, false}}) {
    SCOPED_TRACE("M=" + std::to_string(c.m) + " N=" + std::to_string(c.n) +
                 " K=" + std::to_string(c.k));
    auto p = check_schedule(s, {g.a, g.b}, {g.c}, g.values(c.m, c.n, c.k), {}, 1e-5);
    auto names = launched(p, mnk(p, c.m, c.n, c.k));
    ASSERT_FALSE(names.empty());
    for (auto& n : names) EXPECT_EQ(n.rfind("C_spec0", 0) == 0, c.special) << "launched " << n;
  }
  auto p = lower(s, "t", {g.a, g.b}, {g.c});
  bool general = false, special = false;
  for (auto& k : p.kernels) {
    special |= k.variant.rfind("where (M <= 8)", 0) == 0;
    general |= k.variant.rfind("where !(M <= 8)", 0) == 0;
  }
  EXPECT_TRUE(special && general) << ir::to_string(p.kernels.front());
}

TEST(Specialize, FirstMatchWinsThenTheGeneralSchedule) {
  Matmul g;
  auto s = create_schedule({g.c});
  auto& one = s[g.c].specialize(ir::EQ::make(g.m, 1));
  gemv_2d(one.schedule(), g.c, {.rows = 1, .cols = 8, .vec = 4, .k_threads = 2, .k_unroll = 1});
  auto& few = s[g.c].specialize(ir::And::make(ir::LE::make(g.m, 4), ir::GE::make(g.n, 8)));
  gemv_2d(few.schedule(), g.c, {.rows = 4, .cols = 8, .vec = 4, .k_threads = 4, .k_unroll = 2});
  parallelize(s, g.c, 16);
  struct C {
    int64_t m, n, k;
    const char* prefix;
  };
  for (C c : {C{1, 8, 8, "C_spec0"}, C{1, 3, 5, "C_spec0"}, C{3, 8, 9, "C_spec1"},
              C{4, 7, 9, "C\0"}, C{6, 12, 4, "C\0"}}) {
    SCOPED_TRACE("M=" + std::to_string(c.m) + " N=" + std::to_string(c.n));
    auto p = check_schedule(s, {g.a, g.b}, {g.c}, g.values(c.m, c.n, c.k), {}, 1e-5);
    for (auto& n : launched(p, mnk(p, c.m, c.n, c.k))) {
      if (std::string(c.prefix) == "C")
        EXPECT_EQ(n.find("_spec"), std::string::npos) << n;
      else
        EXPECT_EQ(n.rfind(c.prefix, 0), 0u) << n;
    }
  }
}

// A specialization's condition bounds its symbols (LowerContext::facts): under `K <= 16` (and
// `16 >= K`, the constant on the left), the symbolic reduction loop unrolls into 16 guarded
// steps, and a private copy of A's row, computed at the row, is sized for the longest K; the
// general schedule, whose K is unbounded, keeps a serial loop. Checked at K on both sides of
// the bound and at K = 1.
TEST(Specialize, ConditionBoundsUnrolledLoopsAndBuffers) {
  Matmul g;
  auto s = create_schedule({g.c});
  for (auto cond : {ir::LE::make(g.k, 16), ir::GE::make(Expr(16), g.k)}) {
    auto s1 = create_schedule({g.c});
    auto& sp = s1[g.c].specialize(cond);
    Schedule& c = sp.schedule();
    auto& st = c[g.c];
    Stage& ar = c.cache_read(g.a, ir::MemScope::Private, {g.c});
    ar.compute_at(st, st.axis(0));
    ar.unroll(ar.axis(1));
    st.unroll(st.reduce_axis(0));
    const ir::Program p = lower(s1, "m", {g.a, g.b}, {g.c});
    const std::string text = ir::to_string(p.kernels.front().body);
    EXPECT_NE(text.find("private f32[1 * 16]"), std::string::npos) << text;
    EXPECT_NE(text.find("unrolled (k, 0, 16)"), std::string::npos) << text;
    for (int64_t k : {1, 9, 16, 17, 40})
      check_schedule(s1, {g.a, g.b}, {g.c}, g.values(3, 5, k), {}, 1e-5);
  }
  // Without a bound the unrolled symbolic loop is an error naming stage and axis.
  s[g.c].unroll(s[g.c].reduce_axis(0));
  EXPECT_USER_ERROR(
      lower(s, "m", {g.a, g.b}, {g.c}),
      AllOf(HasSubstr("stage 'C'"), HasSubstr("unroll axis 'k'"), HasSubstr("has no bound")));
}

TEST(Specialize, GemvAloneAtConstantShapes) {
  for (auto [m, n, k] : {std::tuple{1, 64, 32}, std::tuple{3, 10, 7}, std::tuple{8, 4, 1}}) {
    auto a = placeholder("A", {m, k}), b = placeholder("B", {k, n});
    auto r = reduce_axis(k, "k");
    auto c = compute("C", {m, n}, [&](const Vars& v) {
      return sum(ir::Mul::make(at(a, {v[0], r->var}), at(b, {r->var, v[1]})), {r});
    });
    auto s = create_schedule({c});
    gemv_2d(s, c, {.rows = 4, .cols = 16, .vec = 4, .k_threads = 4, .k_unroll = 2});
    check_schedule(s, {a, b}, {c},
                   {{"A", random_tensor({m, k}, 1)}, {"B", random_tensor({k, n}, 2)}});
  }
}

TEST(Specialize, GemvWithAnEpilogue) {
  Matmul g;
  auto bias = placeholder("bias", {g.n});
  auto out = compute("out", {g.m, g.n}, [&](const Vars& v) {
    return ir::Max::make(ir::Add::make(at(g.c, v), at(bias, {v[1]})),
                         ir::FloatImm::make(ir::DType::f32(), 0.0));
  });
  auto s = create_schedule({out});
  auto& small = s[out].specialize(ir::LT::make(g.m, 4));
  gemv_2d(small.schedule(), g.c, {.rows = 4, .cols = 8, .vec = 4, .k_threads = 2}, {out});
  tile_2d(s, g.c, {8, 8, 2, 2, 4}, {out});
  for (auto [m, n, k] : {std::tuple{1, 16, 8}, std::tuple{3, 9, 5}, std::tuple{7, 8, 8}}) {
    auto v = g.values(m, n, k);
    v["bias"] = random_tensor({n}, 9);
    check_schedule(s, {g.a, g.b, bias}, {out}, v);
  }
}

TEST(Specialize, Errors) {
  Matmul g;
  auto s = create_schedule({g.c});
  EXPECT_USER_ERROR(s[g.c].specialize(ir::LE::make(ir::IntImm::make(ir::DType::i32(), 3), 8)),
                    HasSubstr("stage 'C': the condition (3 <= 8) uses no symbol"));
  EXPECT_USER_ERROR(s[g.c].specialize(g.m), HasSubstr("must be a bool expression"));
  EXPECT_USER_ERROR(s[g.a].specialize(ir::LE::make(g.m, 8)), HasSubstr("'A': a placeholder"));
  EXPECT_USER_ERROR(s[g.c].specialize(ir::LT::make(at(g.a, {Expr(0), Expr(0)}),
                                                   ir::FloatImm::make(ir::DType::f32(), 1.0))),
                    HasSubstr("holds a"));

  // A symbol the model does not have.
  {
    auto s2 = create_schedule({g.c});
    s2[g.c].specialize(ir::LE::make(sym("batch"), 8));
    EXPECT_USER_ERROR(lower(s2, "t", {g.a, g.b}, {g.c}),
                      HasSubstr("condition uses 'batch', which is not a symbol of the model"));
  }
  // On a constant-shape model no symbol exists.
  {
    auto a = placeholder("A", {4, 4});
    auto c = compute("C", {4, 4}, [&](const Vars& v) { return at(a, v); });
    auto s3 = create_schedule({c});
    s3[c].specialize(ir::LE::make(sym("M"), 8));
    EXPECT_USER_ERROR(lower(s3, "t", {a}, {c}), HasSubstr("it has none: every shape is constant"));
  }
  // compute_at / inline of a specialized stage, and specialize of an attached stage.
  {
    auto a = placeholder("A", {g.m});
    auto p = compute("P", {g.m}, [&](const Vars& v) { return at(a, v); });
    auto c = compute("Q", {g.m}, [&](const Vars& v) { return at(p, v); });
    auto s4 = create_schedule({c});
    s4[p].specialize(ir::LE::make(g.m, 8));
    EXPECT_USER_ERROR(s4[p].compute_at(s4[c], s4[c].axis(0)),
                      HasSubstr("stage 'P': compute_at after specialize"));
    EXPECT_USER_ERROR(s4[p].compute_inline(), HasSubstr("compute_inline after specialize"));
    auto s5 = create_schedule({c});
    s5[p].compute_at(s5[c], s5[c].axis(0));
    EXPECT_USER_ERROR(s5[p].specialize(ir::LE::make(g.m, 8)),
                      HasSubstr("stage 'P': it is computed at stage 'Q'"));
    // The specialization computes the stage inside another.
    auto s6 = create_schedule({c});
    auto& sp = s6[p].specialize(ir::LE::make(g.m, 8));
    sp.compute_at(sp.schedule()[c], sp.schedule()[c].axis(0));
    EXPECT_USER_ERROR(lower(s6, "t", {a}, {c}),
                      HasSubstr("the specialization computes it at stage 'Q'"));
    // Stages of two schedules do not mix.
    auto s7 = create_schedule({c});
    auto& q = s7[c].specialize(ir::LE::make(g.m, 8));
    EXPECT_USER_ERROR(s7[p].compute_at(q, q.axis(0)), HasSubstr("of another schedule"));
  }
}

// A root stage only the specialization has (the general schedule inlines it): its own tensor,
// empty for the calls the general schedule serves, and its own kernel before the stage's.
TEST(Specialize, OwnRootStage) {
  Matmul g;
  auto a = placeholder("A", {g.m});
  auto p = compute("P", {g.m}, [&](const Vars& v) { return at(a, v); });
  auto c = compute("Q", {g.m}, [&](const Vars& v) { return ir::Add::make(at(p, v), at(a, v)); });
  auto s = create_schedule({c});
  auto& q = s[c].specialize(ir::LE::make(g.m, 8));
  parallelize(q.schedule(), p, 4);
  parallelize(q.schedule(), c, 4);
  s[p].compute_inline();
  parallelize(s, c, 4);
  for (int64_t m : {1, 5, 8, 9, 20}) {
    ir::Program prog = check_schedule(s, {a}, {c}, {{"A", random_tensor({m}, 3)}}, {{"M", m}});
    std::vector<std::string> names;
    for (auto& k : prog.kernels) names.push_back(k.name);
    EXPECT_EQ(names, (std::vector<std::string>{"Q_spec0_P", "Q_spec0", "Q"}));
    std::unordered_map<const ir::ExprNode*, int64_t> syms{{prog.symbols.at(0).get(), m}};
    for (auto& t : prog.tensors) {
      if (t.buffer->name == "P") {
        EXPECT_EQ(ir::eval_scalar(t.buffer->shape.at(0), syms), m <= 8 ? m : 0) << m;
      }
    }
  }
}

// auto_schedule's GEMV rule: a constant row count <= 64 gets gemv_2d's schedule; a symbolic
// one gets it in specializations (M <= 1, M <= 64) beside the general rule.
struct Dense {
  ir::Operation a, b, bias, c, out;
  Dense(Expr m, Expr n, Expr k) {
    a = placeholder("A", {m, k}), b = placeholder("B", {k, n}), bias = placeholder("bias", {n});
    auto r = reduce_axis(k, "k");
    c = compute("C", {m, n}, [&](const Vars& v) {
      return sum(ir::Mul::make(at(a, {v[0], r->var}), at(b, {r->var, v[1]})), {r});
    });
    out = compute("out", {m, n},
                  [&](const Vars& v) { return ir::Add::make(at(c, v), at(bias, {v[1]})); });
  }
  eval::TensorMap values(int64_t m, int64_t n, int64_t k) const {
    return {{"A", random_tensor({m, k}, 3)},
            {"B", random_tensor({k, n}, 4)},
            {"bias", random_tensor({n}, 5)}};
  }
};

TEST(AutoScheduleGemv, ConstantFewRows) {
  for (int m : {1, 6, 8, 13}) {
    SCOPED_TRACE("M=" + std::to_string(m));
    Dense g(m, 40, 130);
    auto s = create_schedule({g.out});
    auto groups = auto_schedule(s);
    ASSERT_EQ(groups.size(), 1u);
    EXPECT_EQ(groups[0].rule, "gemv");
    check_schedule(s, {g.a, g.b, g.bias}, {g.out}, g.values(m, 40, 130), {}, 1e-5);
  }
  Dense many(65, 40, 130), short_k(4, 40, 16);  // the other rules
  for (Dense* g : {&many, &short_k}) {
    auto s = create_schedule({g->out});
    EXPECT_EQ(auto_schedule(s)[0].rule, "reduction");
  }
}

TEST(AutoScheduleGemv, SymbolicRowsAreSpecialized) {
  Dense g(sym("M"), sym("N"), sym("K"));
  auto s = create_schedule({g.out});
  auto groups = auto_schedule(s);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].rule, "reduction + gemv where M <= 64");
  struct C {
    int64_t m, n, k;
    const char* kernel;  // the prefix of every launched kernel
  };
  for (C c : {C{1, 64, 256, "out_spec0"}, C{8, 64, 256, "out_spec1"}, C{5, 33, 7, "out_spec1"},
              C{1, 1, 1, "out_spec0"}, C{64, 32, 16, "out_spec1"}, C{65, 32, 16, "out"}}) {
    SCOPED_TRACE("M=" + std::to_string(c.m));
    auto p = check_schedule(s, {g.a, g.b, g.bias}, {g.out}, g.values(c.m, c.n, c.k), {}, 1e-5);
    for (auto& n : launched(p, mnk(p, c.m, c.n, c.k))) {
      EXPECT_EQ(n.rfind(c.kernel, 0), 0u) << n;
      if (std::string(c.kernel) == "out") {
        EXPECT_EQ(n.find("_spec"), std::string::npos) << n;
      }
    }
  }
}

// A stage the author specialized stays a kernel of its own: auto_schedule schedules its
// general version (and the specialization's untouched stages) without fusing it away.
TEST(AutoScheduleGemv, AuthorSpecializedStageKeepsItsKernel) {
  Dense g(sym("M"), sym("N"), sym("K"));
  auto s = create_schedule({g.out});
  auto& small = s[g.c].specialize(ir::LE::make(g.a->shape[0], 4));
  gemv_2d(small.schedule(), g.c, {.rows = 4, .cols = 8, .vec = 4, .k_threads = 4});
  auto groups = auto_schedule(s);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].root, "C");
  EXPECT_EQ(groups[1].root, "out");
  for (auto [m, n, k] : {std::tuple{3, 16, 20}, std::tuple{9, 10, 5}})
    check_schedule(s, {g.a, g.b, g.bias}, {g.out}, g.values(m, n, k), {}, 1e-5);
}

// Unscheduled elementwise ops past 65535 workgroups get a 2-D grid (1 invocation per
// workgroup here, so the sizes stay small for the CPU evaluator).
TEST(AutoScheduleInjective, WideGridsAreTwoDimensional) {
  auto relu = [](ir::Operation a, std::vector<Expr> shape) {
    return compute("relu", shape, [&](const Vars& v) {
      return ir::Max::make(at(a, v), ir::FloatImm::make(ir::DType::f32(), 0.0));
    });
  };
  {
    auto a = placeholder("A", {70001});
    auto y = relu(a, {70001});
    auto s = create_schedule({y});
    EXPECT_EQ(auto_schedule(s, {.injective_threads = 1, .injective_vector = 1})[0].rule,
              "injective-2d");
    auto p = check_schedule(s, {a}, {y}, {{"A", random_tensor({70001}, 1)}});
    ASSERT_EQ(p.kernels.size(), 1u);
    EXPECT_LE(ir::as_const(p.kernels[0].grid[0]).value_or(1 << 30), 65535);
    EXPECT_EQ(ir::as_const(p.kernels[0].grid[1]), 2);
  }
  Expr n = sym("n");
  auto a = placeholder("A", {n});
  auto y = relu(a, {n});
  auto s = create_schedule({y});
  EXPECT_EQ(auto_schedule(s, {.injective_threads = 1, .injective_vector = 1})[0].rule,
            "injective + 2-d grid where n > 65535");
  for (int64_t len : {1, 100, 65535, 65536, 70001}) {
    SCOPED_TRACE("n=" + std::to_string(len));
    auto p = check_schedule(s, {a}, {y}, {{"A", random_tensor({len}, 2)}});
    ir::ScalarBindings b;
    b[p.symbols.at(0).get()] = len;
    for (auto& k : p.kernels) {
      const bool runs = ir::eval_scalar(k.grid[0], b) * ir::eval_scalar(k.grid[1], b) > 0;
      if (!runs) continue;
      EXPECT_LE(ir::eval_scalar(k.grid[0], b), 65535) << k.name;
      EXPECT_EQ(k.name.find("_spec") != std::string::npos, len > 65535) << k.name;
    }
  }
  // With 4 elements per invocation (the default injective_vector) the 2-D grid starts past
  // 4 * 65535 elements; either side of it, aligned or not, against the CPU reference.
  auto s4 = create_schedule({y});
  EXPECT_EQ(auto_schedule(s4, {.injective_threads = 1})[0].rule,
            "injective + 2-d grid where ((n + 3) / 4) > 65535");
  for (int64_t len : {3, 262140, 262141, 262144}) {
    SCOPED_TRACE("vec4, n=" + std::to_string(len));
    auto p = check_schedule(s4, {a}, {y}, {{"A", random_tensor({len}, 3)}});
    ir::ScalarBindings b;
    b[p.symbols.at(0).get()] = len;
    for (auto& k : p.kernels) {
      if (ir::eval_scalar(k.grid[0], b) * ir::eval_scalar(k.grid[1], b) == 0) continue;
      EXPECT_LE(ir::eval_scalar(k.grid[0], b), 65535) << k.name;
      EXPECT_EQ(k.name.find("_spec") != std::string::npos, len > 4 * 65535) << k.name;
      EXPECT_EQ(k.name.find("_vec4") != std::string::npos, len % 4 == 0) << k.name;
    }
  }
}

}  // namespace
}  // namespace webtx::testing
