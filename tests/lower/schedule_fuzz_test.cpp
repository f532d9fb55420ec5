// Random schedules on a small graph (a reduction feeding an elementwise op, optionally through
// workgroup/private caches): whatever the primitives accept must lower to a program that
// computes the same numbers as the unscheduled graph (run_program also checks races, bounds
// and barrier uniformity). Schedules rejected with a UserError are skipped.
#include "test_util.hpp"

namespace webtx::testing {
namespace {

using ir::MemScope;
using ir::ThreadAxis;

struct Rng {
  std::mt19937 g;
  int operator()(int n) { return std::uniform_int_distribution<int>(0, n - 1)(g); }
};

void random_loop_shape(Stage& st, Rng& r) {
  for (int n = r(4); n > 0; --n) {
    auto& leaves = st.leaf_axes();
    auto ax = leaves[r(static_cast<int>(leaves.size()))];
    int op = r(3);
    if (op == 0) {
      st.split(ax, 1 + r(5));
    } else if (op == 1 && leaves.size() > 1) {
      size_t p = r(static_cast<int>(leaves.size()) - 1);
      if (leaves[p]->kind == leaves[p + 1]->kind) st.fuse(leaves[p], leaves[p + 1]);
    } else {
      auto order = leaves;
      std::shuffle(order.begin(), order.end(), r.g);
      st.reorder(order);
    }
  }
}

void random_binds(Stage& st, Rng& r, bool allow_workgroup, bool allow_local) {
  bool used[2][3] = {};
  for (auto& l : st.leaf_axes()) {
    if (l->kind != ir::IterKind::DataPar || r(3) == 0) continue;
    int t = allow_workgroup && (!allow_local || r(2)) ? 0 : 1;
    if (t == 1 && !allow_local) continue;
    int d = r(3);
    if (used[t][d]) continue;
    if (t == 1 && !l->extent.as<ir::IntImm>()) continue;
    used[t][d] = true;
    st.bind(l, t == 0 ? ThreadAxis::WorkgroupId : ThreadAxis::LocalId, d);
  }
  for (auto& l : st.leaf_axes()) {
    if (st.attr_of(l) || !l->extent.as<ir::IntImm>() || r(4) != 0) continue;
    if (l->kind == ir::IterKind::DataPar && r(2)) {
      st.vectorize(l);
    } else {
      st.unroll(l);
    }
  }
}

TEST(ScheduleFuzz, RandomSchedulesComputeTheSameNumbers) {
  int lowered = 0, rejected = 0;
  for (unsigned seed = 0; seed < 400; ++seed) {
    // FUZZ_SEED=n: only that seed (to dump one case with WEBTX_DUMP_IR).
    if (const char* only = std::getenv("FUZZ_SEED"); only && seed != std::stoul(only)) continue;
    Rng r{std::mt19937(seed)};
    const int m = 3 + r(6), n = 2 + r(6), kk = 1 + r(7);
    const bool symbolic = r(3) == 0;
    Expr em = symbolic ? sym("M") : Expr(m), en = symbolic ? sym("N") : Expr(n);
    auto a = placeholder("A", {em, kk}), b = placeholder("B", {kk, en});
    auto k = reduce_axis(kk, "k");
    auto c = compute("C", {em, en}, [&](const Vars& v) {
      return sum(ir::Mul::make(at(a, {v[0], k->var}), at(b, {k->var, v[1]})), {k});
    });
    auto d = compute("D", {em, en}, [&](const Vars& v) {
      return ir::Sub::make(at(c, v), ir::Mul::make(at(a, {v[0], Expr(0)}), Expr(0.5f)));
    });
    eval::TensorMap in{{"A", random_tensor({m, kk}, seed)},
                       {"B", random_tensor({kk, n}, seed + 1000)}};
    try {
      auto s = create_schedule({d});
      Stage& ds = s[d];
      random_loop_shape(ds, r);
      random_binds(ds, r, true, true);
      Stage& cs = s[c];
      const int variant = r(4);
      if (variant == 3) {
        // Accumulate C in private or workgroup memory, computed inside C's copy-out stage.
        auto& cl = s.cache_write(c, r(2) ? MemScope::Private : MemScope::Workgroup);
        random_loop_shape(cs, r);
        random_binds(cs, r, true, true);
        random_loop_shape(cl, r);
        auto& leaves = cs.leaf_axes();
        cl.compute_at(cs, leaves[r(static_cast<int>(leaves.size()))]);
        if (cl.scope() == MemScope::Workgroup) random_binds(cl, r, false, true);
      } else if (variant >= 1) {
        // C computed inside D (private or workgroup), maybe with A cached in workgroup memory.
        random_loop_shape(cs, r);
        auto& leaves = ds.leaf_axes();
        cs.compute_at(ds, leaves[r(static_cast<int>(leaves.size()))]);
        if (variant == 2) {
          cs.set_scope(MemScope::Workgroup);
          random_binds(cs, r, false, true);
        }
        if (r(2)) {
          auto& ac = s.cache_read(a, MemScope::Workgroup, {cs.op()});
          auto& cl = cs.leaf_axes();
          ac.compute_at(cs, cl[r(static_cast<int>(cl.size()))]);
          random_loop_shape(ac, r);
          random_binds(ac, r, false, true);
        }
      } else {
        random_loop_shape(cs, r);
        random_binds(cs, r, true, true);
        if (r(2)) {
          auto& bc = s.cache_read(b, r(2) ? MemScope::Workgroup : MemScope::Private, {c});
          auto& cl = cs.leaf_axes();
          bc.compute_at(cs, cl[r(static_cast<int>(cl.size()))]);
          random_loop_shape(bc, r);
          if (bc.scope() == MemScope::Workgroup) random_binds(bc, r, false, true);
        }
      }
      ir::Program p = lower(s, "fuzz", {a, b}, {d});
      ++lowered;
      eval::TensorMap got;
      try {
        got = eval::run_program(p, in);
      } catch (const InternalError& e) {
        std::string text;
        for (auto& kn : p.kernels) text += ir::to_string(kn);
        ADD_FAILURE() << "seed " << seed << ": " << e.what() << "\n" << text;
        continue;
      }
      auto want = eval::evaluate_graph({d}, in);
      SCOPED_TRACE("seed " + std::to_string(seed) + "\n" + ir::to_string(p.kernels.back()));
      expect_close(got.at("D"), want.at("D"), "D", 1e-5);
    } catch (const UserError&) {
      ++rejected;
    }
  }
  std::printf("%d lowered, %d rejected\n", lowered, rejected);
  EXPECT_GT(lowered, 250) << "too few random schedules were accepted (" << rejected << " rejected)";
}

// Random specializations (Stage::specialize) of a symbolic C = A B; D = C - A[:, 0] / 2 with
// random conditions on M and N and random schedules in each: at random shapes the numbers
// match, and the launched kernels of D all come from the first specialization whose condition
// holds (the general schedule when none does).
TEST(ScheduleFuzz, RandomSpecializations) {
  int lowered = 0, rejected = 0;
  for (unsigned seed = 0; seed < 400; ++seed) {
    if (const char* only = std::getenv("FUZZ_SEED"); only && seed != std::stoul(only)) continue;
    Rng r{std::mt19937(seed + 31337)};
    const int kk = 1 + r(7);
    Expr em = sym("M"), en = sym("N");
    auto a = placeholder("A", {em, kk}), b = placeholder("B", {kk, en});
    auto k = reduce_axis(kk, "k");
    auto c = compute("C", {em, en}, [&](const Vars& v) {
      return sum(ir::Mul::make(at(a, {v[0], k->var}), at(b, {k->var, v[1]})), {k});
    });
    auto d = compute("D", {em, en}, [&](const Vars& v) {
      return ir::Sub::make(at(c, v), ir::Mul::make(at(a, {v[0], Expr(0)}), Expr(0.5f)));
    });
    auto random_cond = [&]() -> Expr {
      Expr x = r(2) ? em : en, lim = Expr(1 + r(6));
      Expr cmp = r(3) == 0 ? Expr(ir::GT::make(x, lim))
                 : r(2)    ? Expr(ir::LE::make(x, lim))
                           : Expr(ir::EQ::make(ir::Mod::make(x, Expr(2)), Expr(0)));
      if (r(3) == 0) cmp = ir::And::make(cmp, ir::LT::make(r(2) ? en : em, Expr(5)));
      return cmp;
    };
    // C computed inside D, or its own kernel, then D's loops; in schedule `sch`.
    auto random_schedule = [&](Schedule& sch) {
      Stage& ds = sch[d];
      Stage& cs = sch[c];
      if (r(2)) {
        random_loop_shape(ds, r);
        random_binds(ds, r, true, true);
        random_loop_shape(cs, r);
        auto& leaves = ds.leaf_axes();
        cs.compute_at(ds, leaves[r(static_cast<int>(leaves.size()))]);
      } else {
        random_loop_shape(cs, r);
        random_binds(cs, r, true, true);
        random_loop_shape(ds, r);
        random_binds(ds, r, true, true);
      }
    };
    try {
      auto s = create_schedule({d});
      std::vector<Expr> conds;
      for (int i = 0, n = 1 + r(2); i < n; ++i) {
        conds.push_back(random_cond());
        random_schedule(s[d].specialize(conds.back()).schedule());
      }
      random_schedule(s);
      ir::Program p = lower(s, "fuzz", {a, b}, {d});
      ++lowered;
      for (int t = 0; t < 3; ++t) {
        const int m = 1 + r(7), n = 1 + r(7);
        eval::TensorMap in{{"A", random_tensor({m, kk}, seed)},
                           {"B", random_tensor({kk, n}, seed + 1000)}};
        ir::ScalarBindings syms{{em.get(), m}, {en.get(), n}};
        int want_spec = -1;
        for (size_t i = 0; i < conds.size() && want_spec < 0; ++i)
          if (ir::eval_scalar(conds[i], syms)) want_spec = static_cast<int>(i);
        const std::string prefix = want_spec < 0 ? "D" : "D_spec" + std::to_string(want_spec);
        ir::ScalarBindings by_program;
        for (auto& v : p.symbols) by_program[v.get()] = v.as<ir::Variable>()->name == "M" ? m : n;
        for (auto& kern : p.kernels) {
          int64_t g = 1;
          for (auto& e : kern.grid) g *= ir::eval_scalar(e, by_program);
          if (g == 0 || kern.name.rfind("D", 0) != 0) continue;
          const bool spec = kern.name.find("_spec") != std::string::npos;
          EXPECT_TRUE(want_spec < 0 ? !spec : kern.name.rfind(prefix, 0) == 0)
              << "seed " << seed << " M=" << m << " N=" << n << ": launched " << kern.name;
        }
        eval::TensorMap got;
        try {
          got = eval::run_program(p, in, {{"M", m}, {"N", n}});
        } catch (const InternalError& e) {
          ADD_FAILURE() << "seed " << seed << ": " << e.what();
          continue;
        }
        auto want = eval::evaluate_graph({d}, in, {{"M", m}, {"N", n}});
        SCOPED_TRACE("seed " + std::to_string(seed) + " M=" + std::to_string(m) +
                     " N=" + std::to_string(n));
        expect_close(got.at("D"), want.at("D"), "D", 1e-5);
      }
    } catch (const UserError&) {
      ++rejected;
    }
  }
  std::printf("%d lowered, %d rejected\n", lowered, rejected);
  EXPECT_GT(lowered, 150) << "too few random schedules were accepted (" << rejected << " rejected)";
}

// A stencil: C(i) = sum over r < 3 of P(i + r) * W(r), with P = A * 2 + 1 inlined, its own
// kernel, or computed inside C (private or workgroup, with a halo); max-reduced into E.
TEST(ScheduleFuzz, RandomStencilSchedules) {
  int lowered = 0, rejected = 0;
  for (unsigned seed = 0; seed < 300; ++seed) {
    Rng r{std::mt19937(seed + 7919)};
    const int n = 2 + r(12);
    const bool symbolic = r(3) == 0;
    Expr en = symbolic ? sym("n") : Expr(n);
    auto a = placeholder("A", {ir::Add::make(en, Expr(2))}), w = placeholder("W", {Expr(3)});
    auto p = compute("P", {ir::Add::make(en, Expr(2))}, [&](const Vars& v) {
      return ir::Add::make(ir::Mul::make(at(a, v), Expr(2.0f)), Expr(1.0f));
    });
    auto rr = reduce_axis(3, "r");
    auto c = compute("C", {en}, [&](const Vars& v) {
      return sum(ir::Mul::make(at(p, {ir::Add::make(v[0], rr->var)}), at(w, {rr->var})), {rr});
    });
    auto q = reduce_axis(2, "q", 1);
    auto e = compute("E", {en, 2}, [&](const Vars& v) {
      return rmax(ir::Mul::make(at(c, {v[0]}),
                                ir::Cast::make(ir::DType::f32(), ir::Sub::make(q->var, v[1]))),
                  {q});
    });
    eval::TensorMap in{{"A", random_tensor({n + 2}, seed)}, {"W", random_tensor({3}, seed + 1)}};
    try {
      auto s = create_schedule({e});
      Stage& es = s[e];
      random_loop_shape(es, r);
      random_binds(es, r, true, true);
      Stage& cs = s[c];
      random_loop_shape(cs, r);
      if (r(2)) {
        auto& leaves = es.leaf_axes();
        cs.compute_at(es, leaves[r(static_cast<int>(leaves.size()))]);
      } else {
        random_binds(cs, r, true, true);
      }
      Stage& ps = s[p];
      int where = r(3);
      if (where == 0) {
        ps.compute_inline();
      } else if (where == 1) {
        random_loop_shape(ps, r);
        auto& leaves = cs.leaf_axes();
        ps.compute_at(cs, leaves[r(static_cast<int>(leaves.size()))]);
        if (r(2)) {
          ps.set_scope(MemScope::Workgroup);
          random_binds(ps, r, false, true);
        }
      } else {
        random_loop_shape(ps, r);
        random_binds(ps, r, true, true);
      }
      ir::Program prog = lower(s, "stencil", {a, w}, {e});
      ++lowered;
      eval::TensorMap got;
      try {
        got = eval::run_program(prog, in, {{"n", n}});
      } catch (const InternalError& err) {
        std::string text;
        for (auto& kn : prog.kernels) text += ir::to_string(kn);
        ADD_FAILURE() << "seed " << seed << ": " << err.what() << "\n" << text;
        continue;
      }
      auto want = eval::evaluate_graph({e}, in, {{"n", n}});
      SCOPED_TRACE("seed " + std::to_string(seed) + "\n" + ir::to_string(prog.kernels.back()));
      expect_close(got.at("E"), want.at("E"), "E", 1e-5);
    } catch (const UserError&) {
      ++rejected;
    }
  }
  std::printf("%d lowered, %d rejected\n", lowered, rejected);
  EXPECT_GT(lowered, 150) << "too few random schedules were accepted";
}

// Reductions across invocations: reduction leaves bound to local_id (after random splits,
// fuses and reorders), sometimes after an rfactor of a random reduction leaf, the result
// stored or computed inside its reader in private or workgroup memory.
TEST(ScheduleFuzz, RandomCrossInvocationReductions) {
  int lowered = 0, rejected = 0, crossed = 0;
  for (unsigned seed = 0; seed < 300; ++seed) {
    Rng r{std::mt19937(seed + 104729)};
    const int m = 1 + r(5), kk = 1 + r(40);
    const bool symbolic = r(3) == 0;
    Expr em = symbolic ? sym("M") : Expr(m), ek = symbolic ? sym("K") : Expr(kk);
    auto a = placeholder("A", {em, ek});
    auto k = reduce_axis(ek, "k");
    const auto op = std::array{ir::ReduceOp::Sum, ir::ReduceOp::Max, ir::ReduceOp::Min}[r(3)];
    auto c = compute("C", {em}, [&](const Vars& v) {
      return ir::Reduce::make(op, ir::Mul::make(at(a, {v[0], k->var}), Expr(1.5f)), {k});
    });
    auto d = compute("D", {em, 3}, [&](const Vars& v) {
      return ir::Add::make(at(c, {v[0]}), at(a, {v[0], Expr(0)}));
    });
    eval::TensorMap in{{"A", random_tensor({m, kk}, seed)}};
    try {
      auto s = create_schedule({d});
      Stage* cs = &s[c];
      auto [ko, ki] = cs->split(k, 1 + r(9));
      random_loop_shape(*cs, r);
      if (r(3) == 0) {
        std::vector<ir::IterVar> red;
        for (auto& l : cs->leaf_axes())
          if (l->kind == ir::IterKind::Reduce) red.push_back(l);
        Stage& rf = s.rfactor(c, red[r(static_cast<int>(red.size()))]);
        random_loop_shape(rf, r);
        random_binds(rf, r, true, true);
        cs = &s[c];
      }
      for (auto& l : cs->leaf_axes()) {
        if (l->kind == ir::IterKind::Reduce && l->extent.as<ir::IntImm>() && r(2) == 0) {
          cs->bind(l, ThreadAxis::LocalId, r(2));
          ++crossed;
          break;
        }
      }
      Stage& ds = s[d];
      random_loop_shape(ds, r);
      random_binds(ds, r, true, true);
      if (r(2)) {
        auto& leaves = ds.leaf_axes();
        cs->set_scope(r(2) ? MemScope::Private : MemScope::Workgroup)
            .compute_at(ds, leaves[r(static_cast<int>(leaves.size()))]);
      } else {
        random_binds(*cs, r, true, true);
      }
      ir::Program p = lower(s, "xinv", {a}, {d});
      ++lowered;
      eval::TensorMap got;
      try {
        got = eval::run_program(p, in);
      } catch (const InternalError& e) {
        std::string text;
        for (auto& kn : p.kernels) text += ir::to_string(kn);
        ADD_FAILURE() << "seed " << seed << ": " << e.what() << "\n" << text;
        continue;
      }
      auto want = eval::evaluate_graph({d}, in);
      SCOPED_TRACE("seed " + std::to_string(seed));
      expect_close(got.at("D"), want.at("D"), "D", 1e-5);
    } catch (const UserError&) {
      ++rejected;
    }
  }
  std::printf("%d lowered (%d bound a reduction axis), %d rejected\n", lowered, crossed, rejected);
  EXPECT_GT(lowered, 100) << rejected << " rejected";
}

}  // namespace
}  // namespace webtx::testing
