// auto_schedule: fusion of epilogues into their reduction, inlining of the rest, and the rule
// per group — each graph lowered and run (run_program) against the unscheduled graph, at
// dividing, non-dividing and symbolic shapes, with the kernel count and rules checked.
#include "../common/user_error_of.hpp"
#include "test_util.hpp"
#include "webtx/ir/scalar_eval.hpp"

#include <array>
#include <regex>

namespace webtx::testing {
namespace {

using ::testing::ElementsAre;

Expr relu6(Expr v) { return ir::Min::make(ir::Max::make(v, Expr(0.0f)), Expr(6.0f)); }
Expr clamp(Expr v, Expr lo, Expr hi) { return ir::Min::make(ir::Max::make(v, lo), hi); }

std::vector<std::string> rules(const std::vector<FusedGroup>& g) {
  std::vector<std::string> r;
  for (auto& x : g) r.push_back(x.root + ":" + x.rule);
  return r;
}

// y = relu6(conv(x, w, stride s, pad 1) + b), NCHW with the padding folded into the read.
struct ConvGraph {
  ir::Operation x, w, b, conv, bias, act;
};
ConvGraph conv_bias_relu6(Expr n, int c, int h, int wd, int o, int stride, bool depthwise) {
  ConvGraph g;
  g.x = placeholder("x", {n, c, h, wd});
  g.w = placeholder("w", {o, depthwise ? 1 : c, 3, 3});
  g.b = placeholder("b", {o});
  const int oh = (h + 2 - 3) / stride + 1, ow = (wd + 2 - 3) / stride + 1;
  auto rc = reduce_axis(c, "rc"), ky = reduce_axis(3, "ky"), kx = reduce_axis(3, "kx");
  g.conv = compute("conv", {n, o, oh, ow}, [&](const Vars& v) {
    Expr iy = ir::Sub::make(ir::Add::make(ir::Mul::make(v[2], Expr(stride)), ky->var), Expr(1));
    Expr ix = ir::Sub::make(ir::Add::make(ir::Mul::make(v[3], Expr(stride)), kx->var), Expr(1));
    Expr inside =
        ir::And::make(ir::And::make(ir::GE::make(iy, Expr(0)), ir::LT::make(iy, Expr(h))),
                      ir::And::make(ir::GE::make(ix, Expr(0)), ir::LT::make(ix, Expr(wd))));
    Expr ch = depthwise ? v[1] : rc->var;
    Expr xv = ir::Select::make(
        inside,
        at(g.x, {v[0], ch, clamp(iy, Expr(0), Expr(h - 1)), clamp(ix, Expr(0), Expr(wd - 1))}),
        Expr(0.0f));
    Expr wv = at(g.w, {v[1], depthwise ? Expr(0) : rc->var, ky->var, kx->var});
    std::vector<ir::IterVar> axes{ky, kx};
    if (!depthwise) axes.insert(axes.begin(), rc);
    return sum(ir::Mul::make(xv, wv), axes);
  });
  g.bias = compute("bias", {n, o, oh, ow},
                   [&](const Vars& v) { return ir::Add::make(at(g.conv, v), at(g.b, {v[1]})); });
  g.act = compute("relu6", {n, o, oh, ow}, [&](const Vars& v) { return relu6(at(g.bias, v)); });
  return g;
}

TEST(AutoSchedule, ConvBiasRelu6IsOneBlockedKernel) {
  struct Case {
    int n, c, h, w, o, stride;
  };
  // Dividing, non-dividing and stride 2 with odd sizes; batch symbolic throughout.
  for (auto c : {Case{1, 4, 8, 8, 8, 1}, Case{2, 3, 9, 7, 5, 2}, Case{3, 5, 6, 13, 6, 1}}) {
    Expr n = sym("n");
    auto g = conv_bias_relu6(n, c.c, c.h, c.w, c.o, c.stride, false);
    auto s = create_schedule({g.act});
    auto groups = auto_schedule(s, {.threads = 64, .block = 4});
    ASSERT_EQ(groups.size(), 1u);
    EXPECT_EQ(groups[0].anchor, "conv");
    EXPECT_THAT(groups[0].inlined, ElementsAre("bias"));
    EXPECT_EQ(groups[0].rule, "matmul");
    auto p = check_schedule(s, {g.x, g.w, g.b}, {g.act},
                            {{"x", random_tensor({c.n, c.c, c.h, c.w}, 1)},
                             {"w", random_tensor({c.o, c.c, 3, 3}, 2)},
                             {"b", random_tensor({c.o}, 3)}},
                            {{"n", c.n}});
    ASSERT_EQ(p.kernels.size(), 1u);
    // 4 output channels x 4 columns per invocation, 64 invocations per workgroup.
    EXPECT_THAT(kernel_text(p), ::testing::HasSubstr("unrolled"));
    EXPECT_EQ(p.kernels[0].workgroup_size[0], 64);
    if (getenv("WEBTX_TEST_PRINT")) std::cout << kernel_text(p);
  }
}

TEST(AutoSchedule, DefaultIsOneOutputPerInvocation) {
  // block = 1 (the default): the conv is a per-element reduction, nothing unrolled but taps.
  Expr n = sym("n");
  auto g = conv_bias_relu6(n, 5, 9, 7, 6, 2, false);
  auto s = create_schedule({g.act});
  EXPECT_THAT(rules(auto_schedule(s)), ElementsAre("relu6:reduction"));
  auto p = check_schedule(s, {g.x, g.w, g.b}, {g.act},
                          {{"x", random_tensor({2, 5, 9, 7}, 17)},
                           {"w", random_tensor({6, 5, 3, 3}, 18)},
                           {"b", random_tensor({6}, 19)}},
                          {{"n", 2}});
  ASSERT_EQ(p.kernels.size(), 1u);
  EXPECT_EQ(ir::to_string(p.kernels[0].grid[1]), "n");
  // The output guard is hoisted out of the reduction loops (hoist_guards.hpp): the channel
  // loop's body is straight-line, with no branch per multiply-add.
  const std::string text = kernel_text(p);
  const auto loop = text.find("for (rc");
  ASSERT_NE(loop, std::string::npos) << text;
  EXPECT_EQ(text.find("if (", loop), text.find("if (", text.find("}\n", loop))) << text;
  if (getenv("WEBTX_TEST_PRINT")) std::cout << text;
}

TEST(AutoSchedule, DepthwiseIsPerElementReduction) {
  Expr n = sym("n");
  auto g = conv_bias_relu6(n, 6, 9, 10, 6, 2, true);
  auto s = create_schedule({g.act});
  auto groups = auto_schedule(s);
  EXPECT_THAT(rules(groups), ElementsAre("relu6:reduction"));
  auto p = check_schedule(s, {g.x, g.w, g.b}, {g.act},
                          {{"x", random_tensor({2, 6, 9, 10}, 4)},
                           {"w", random_tensor({6, 1, 3, 3}, 5)},
                           {"b", random_tensor({6}, 6)}},
                          {{"n", 2}});
  ASSERT_EQ(p.kernels.size(), 1u);
  // The symbolic batch runs over workgroup y, so x holds one image (WebGPU's 65535 limit).
  EXPECT_EQ(ir::to_string(p.kernels[0].grid[1]), "n");
}

TEST(AutoSchedule, DenseBiasResidualAddIsOneKernel) {
  Expr m = sym("m");
  const int k = 19, n = 10;
  auto x = placeholder("x", {m, k}), w = placeholder("w", {n, k}), b = placeholder("b", {n});
  auto r = placeholder("r", {m, n});
  auto rk = reduce_axis(k, "rk");
  auto mm = compute("mm", {m, n}, [&](const Vars& v) {
    return sum(ir::Mul::make(at(x, {v[0], rk->var}), at(w, {v[1], rk->var})), {rk});
  });
  auto bias = compute("bias", {m, n},
                      [&](const Vars& v) { return ir::Add::make(at(mm, v), at(b, {v[1]})); });
  auto add =
      compute("add", {m, n}, [&](const Vars& v) { return ir::Add::make(at(bias, v), at(r, v)); });
  for (int mv : {1, 8, 13}) {
    auto s = create_schedule({add});
    EXPECT_THAT(rules(auto_schedule(s, {.threads = 64, .block = 4})), ElementsAre("add:matmul"));
    auto p = check_schedule(s, {x, w, b, r}, {add},
                            {{"x", random_tensor({mv, k}, 7)},
                             {"w", random_tensor({n, k}, 8)},
                             {"b", random_tensor({n}, 9)},
                             {"r", random_tensor({mv, n}, 10)}},
                            {{"m", mv}});
    EXPECT_EQ(p.kernels.size(), 1u);
  }
}

TEST(AutoSchedule, PoolSumThenScaleAndAReductionOutput) {
  Expr n = sym("n");
  auto x = placeholder("x", {n, 5, 3, 7});
  auto ry = reduce_axis(3, "ry"), rx = reduce_axis(7, "rx");
  auto total = compute("total", {n, 5}, [&](const Vars& v) {
    return sum(at(x, {v[0], v[1], ry->var, rx->var}), {ry, rx});
  });
  auto mean = compute("mean", {n, 5},
                      [&](const Vars& v) { return ir::Mul::make(at(total, v), Expr(1.0f / 21)); });
  // A second output: the row maxima, a reduction with no epilogue (accumulated in registers).
  auto rc = reduce_axis(5, "rc");
  auto best = compute("best", {n}, [&](const Vars& v) {
    return rmax(at(mean, {v[0], rc->var}), {rc});
  });
  auto s = create_schedule({mean, best});
  EXPECT_THAT(rules(auto_schedule(s)), ElementsAre("mean:reduction", "best:reduction"));
  auto p =
      check_schedule(s, {x}, {mean, best}, {{"x", random_tensor({3, 5, 3, 7}, 11)}}, {{"n", 3}});
  EXPECT_EQ(p.kernels.size(), 2u);
}

TEST(AutoSchedule, SoftmaxInlinesExpAndKeepsThreeKernels) {
  auto g = softmax_graph(sym("n"));
  auto& [a, mx, e, sm, out] = g;
  auto s = create_schedule({out});
  EXPECT_THAT(rules(auto_schedule(s)),
              ElementsAre("mx:reduction", "sm:reduction", "softmax:injective"));
  EXPECT_EQ(s[e].attach(), AttachKind::Inline);
  auto p = check_schedule(s, {a}, {out}, {{"A", random_tensor({7, 11}, 12)}}, {{"n", 7}});
  EXPECT_EQ(p.kernels.size(), 3u);
}

TEST(AutoSchedule, SharedResultIsWrittenOnce) {
  // t = relu(mm) is read by two stages: mm's group ends at t, which is stored once; u is
  // inlined into the output, which is a kernel of its own.
  const int m = 6, k = 5, n = 7;
  auto x = placeholder("x", {m, k}), w = placeholder("w", {k, n});
  auto rk = reduce_axis(k, "rk");
  auto mm = compute("mm", {m, n}, [&](const Vars& v) {
    return sum(ir::Mul::make(at(x, {v[0], rk->var}), at(w, {rk->var, v[1]})), {rk});
  });
  auto t =
      compute("t", {m, n}, [&](const Vars& v) { return ir::Max::make(at(mm, v), Expr(0.0f)); });
  auto u = compute("u", {m, n}, [&](const Vars& v) { return ir::Mul::make(at(t, v), Expr(2.0f)); });
  auto out =
      compute("out", {m, n}, [&](const Vars& v) { return ir::Add::make(at(t, v), at(u, v)); });
  auto s = create_schedule({out});
  EXPECT_THAT(rules(auto_schedule(s, {.threads = 64, .block = 4})),
              ElementsAre("t:matmul", "out:injective"));
  auto p = check_schedule(s, {x, w}, {out},
                          {{"x", random_tensor({m, k}, 13)}, {"w", random_tensor({k, n}, 14)}});
  EXPECT_EQ(p.kernels.size(), 2u);
}

TEST(AutoSchedule, UserScheduleWins) {
  const int m = 9, k = 4, n = 6;
  auto x = placeholder("x", {m, k}), w = placeholder("w", {k, n});
  auto rk = reduce_axis(k, "rk");
  auto mm = compute("mm", {m, n}, [&](const Vars& v) {
    return sum(ir::Mul::make(at(x, {v[0], rk->var}), at(w, {rk->var, v[1]})), {rk});
  });
  auto act =
      compute("act", {m, n}, [&](const Vars& v) { return ir::Max::make(at(mm, v), Expr(0.0f)); });
  auto s = create_schedule({act});
  parallelize(s, mm, 16);  // the author chose mm's loop nest: it stays a kernel of its own
  EXPECT_THAT(rules(auto_schedule(s)), ElementsAre("act:injective"));
  EXPECT_EQ(s[mm].attrs().size(), 2u);
  auto p = check_schedule(s, {x, w}, {act},
                          {{"x", random_tensor({m, k}, 15)}, {"w", random_tensor({k, n}, 16)}});
  EXPECT_EQ(p.kernels.size(), 2u);
  EXPECT_EQ(p.kernels[0].workgroup_size[0], 16);
}

// The row-reduction rule: rows of symbolic length, or constant and long, are reduced by a
// workgroup's invocations together; softmax's two row reductions join their reader.
TEST(AutoScheduleRows, SoftmaxIsOneKernelWithAWorkgroupPerRow) {
  for (bool symbolic : {true, false}) {
    Expr n = sym("n"), m = symbolic ? sym("m") : Expr(300);
    auto a = placeholder("A", {n, m});
    auto k1 = reduce_axis(m, "k1"), k2 = reduce_axis(m, "k2");
    auto mx = compute("mx", {n}, [&](const Vars& v) { return rmax(at(a, {v[0], k1->var}), {k1}); });
    auto e = compute("e", {n, m}, [&](const Vars& v) {
      return ir::Call::make(ir::Intrinsic::Exp,
                            {ir::Sub::make(at(a, {v[0], v[1]}), at(mx, {v[0]}))});
    });
    auto sm = compute("sm", {n}, [&](const Vars& v) { return sum(at(e, {v[0], k2->var}), {k2}); });
    auto out = compute("softmax", {n, m}, [&](const Vars& v) {
      return ir::Div::make(at(e, {v[0], v[1]}), at(sm, {v[0]}));
    });
    auto s = create_schedule({out});
    auto groups = auto_schedule(s, {.row_threads = 64});
    EXPECT_THAT(rules(groups), ElementsAre("softmax:row-reduction"));
    EXPECT_EQ(groups[0].anchor, "mx, sm");
    for (int64_t rows : {1, 3}) {
      for (int64_t len : symbolic ? std::vector<int64_t>{1, 64, 100} : std::vector<int64_t>{300}) {
        auto p = check_schedule(s, {a}, {out}, {{"A", random_tensor({rows, len}, 17)}}, {}, 1e-5);
        // One stage: its kernel (in versions when partition_loops splits off loop tails).
        for (auto& k : p.kernels) {
          EXPECT_THAT(k.name, ::testing::StartsWith("softmax"));
          EXPECT_EQ(k.workgroup_size[0], 64);
        }
      }
    }
  }
}

// Both sides of a Select run, so storage_flatten clamps a global read inside one into the
// tensor, unless a guard around it keeps the index inside: the row sum of select(A finite,
// exp(A), 1) reads A at the row and the reduction index, which its update's predicate bounds
// (no clamp, symbolic shapes); a padded read select(i >= 1, A(i - 1, j), 0) keeps its clamp.
TEST(StorageFlatten, GuardedSelectReadsAreNotClamped) {
  Expr n = sym("n"), m = sym("m");
  auto a = placeholder("A", {n, m});
  auto k = reduce_axis(m, "k");
  auto sm = compute("sm", {n}, [&](const Vars& v) {
    Expr x = at(a, {v[0], k->var});
    return sum(ir::Select::make(ir::LE::make(x, Expr(3.0e38f)),
                                ir::Call::make(ir::Intrinsic::Exp, {x}), Expr(1.0f)),
               {k});
  });
  auto s = create_schedule({sm});
  auto_schedule(s, {.row_threads = 64});
  for (int64_t rows : {1, 3})
    for (int64_t len : {1, 64, 100}) {
      auto p = check_schedule(s, {a}, {sm}, {{"A", random_tensor({rows, len}, 5)}}, {}, 1e-5);
      for (size_t i = 0; i < p.kernels.size(); ++i)
        EXPECT_EQ(kernel_text(p, i).find("max(0"), std::string::npos) << kernel_text(p, i);
    }
  auto pad = compute("pad", {n, m}, [&](const Vars& v) {
    return ir::Select::make(ir::GE::make(v[0], Expr(1)),
                            at(a, {ir::Sub::make(v[0], Expr(1)), v[1]}), Expr(0.0f));
  });
  auto s2 = create_schedule({pad});
  auto p = check_schedule(s2, {a}, {pad}, {{"A", random_tensor({3, 5}, 6)}});
  EXPECT_NE(kernel_text(p).find("max(0"), std::string::npos) << kernel_text(p);
}

// Softmax over rows [n, m] as three stages (max, sum of exp, the normalized row).
struct SoftmaxGraph {
  ir::Operation a, out;
};
SoftmaxGraph softmax_graph(Expr n, Expr m) {
  SoftmaxGraph g;
  g.a = placeholder("A", {n, m});
  auto k1 = reduce_axis(m, "k1"), k2 = reduce_axis(m, "k2");
  auto mx = compute("mx", {n}, [&](const Vars& v) { return rmax(at(g.a, {v[0], k1->var}), {k1}); });
  auto e = compute("e", {n, m}, [&](const Vars& v) {
    return ir::Call::make(ir::Intrinsic::Exp,
                          {ir::Sub::make(at(g.a, {v[0], v[1]}), at(mx, {v[0]}))});
  });
  auto sm = compute("sm", {n}, [&](const Vars& v) { return sum(at(e, {v[0], k2->var}), {k2}); });
  g.out = compute("softmax", {n, m}, [&](const Vars& v) {
    return ir::Div::make(at(e, {v[0], v[1]}), at(sm, {v[0]}));
  });
  return g;
}

// Unrolled row loops (row_unroll) and several rows of symbolic length per workgroup
// (row_rows): dividing, non-dividing, size-1 and shorter-than-a-step rows, symbolic shapes.
TEST(AutoScheduleRows, UnrolledRowLoopsAndSeveralRowsPerWorkgroup) {
  struct Opt {
    int64_t threads, rows, unroll;
  };
  for (auto o : {Opt{64, 1, 4}, Opt{32, 4, 3}, Opt{32, 2, 8}}) {
    auto g = softmax_graph(sym("n"), sym("m"));
    auto s = create_schedule({g.out});
    auto groups =
        auto_schedule(s, {.row_threads = o.threads, .row_rows = o.rows, .row_unroll = o.unroll});
    EXPECT_THAT(rules(groups), ElementsAre("softmax:row-reduction"));
    for (int64_t rows : {1, 3, 5}) {
      for (int64_t len : {int64_t{1}, int64_t{31}, 32 * o.unroll, 2 * o.threads * o.unroll + 5}) {
        SCOPED_TRACE(::testing::Message()
                     << "threads " << o.threads << " rows " << o.rows << " unroll " << o.unroll
                     << " shape " << rows << "x" << len);
        auto p =
            check_schedule(s, {g.a}, {g.out}, {{"A", random_tensor({rows, len}, 21)}}, {}, 1e-5);
        for (auto& k : p.kernels) {
          EXPECT_EQ(k.workgroup_size[0], o.threads);
          EXPECT_EQ(k.workgroup_size[1], o.rows);
        }
      }
    }
  }
}

// A kernel's symbols for a call at A [rows, len] (softmax_graph(sym("n"), sym("m"))).
ir::ScalarBindings call_bindings(const ir::Kernel& k, int64_t rows, int64_t len) {
  ir::ScalarBindings b;
  for (auto& v : k.scalars) {
    auto* var = v.as<ir::Variable>();
    b[var] = var->name == "n" ? rows : len;
  }
  return b;
}

// The kernels a call at A [rows, len] launches (a grid of at least one workgroup): the
// version the host picks, as the runtime evaluates the grids (web/src/model.js skips empty ones).
std::vector<const ir::Kernel*> launched(const ir::Program& p, int64_t rows, int64_t len) {
  std::vector<const ir::Kernel*> out;
  for (auto& k : p.kernels) {
    const ir::ScalarBindings b = call_bindings(k, rows, len);
    int64_t groups = 1;
    for (auto& g : k.grid) groups *= g.defined() ? ir::eval_scalar(g, b) : 1;
    if (groups > 0) out.push_back(&k);
  }
  return out;
}

// A kernel's text without its name line (versions of one stage differ in their names).
std::string body_text(const ir::Kernel& k) { return ir::to_string(k.body); }

// Without row options the rule picks its configuration per call (docs/schedule.md, "Row
// reductions"): kernel versions for rows of 16384-32768 kept in registers (1024 invocations,
// where the Target allows them), long rows with up to 512 rows (as many invocations as the
// Target allows), long rows, short rows with many rows (4 rows of 64 per workgroup), short
// rows, rows of up to 4096 kept in registers (256 x 16), and the general one (512 x unroll 8). Each
// is checked on both sides of its thresholds: the version a call launches (grids evaluated as the
// host does) is exactly the kernel of that configuration fixed by row options, and small calls run
// against the CPU reference. The benchmark's shapes (4096 x 32768 and the rest of issue 11's) are
// only launched, not run.
TEST(AutoScheduleRows, DefaultConfigurationIsChosenPerCall) {
  struct Config {
    int64_t threads, rows, unroll, cache = 0, groups = 1;
  };
  struct Shape {
    int64_t rows, len;
    Config c;  // the configuration these calls get
    bool run;  // small enough for run_program
  };
  for (int64_t most : {256, 1024}) {
    const Target target = target_by_name(most > 256 ? "webgpu-large" : "webgpu");
    LowerOptions lo;
    lo.target = target;
    auto g = softmax_graph(sym("n"), sym("m"));
    auto s = create_schedule({g.out});
    EXPECT_THAT(rules(auto_schedule(s, {.max_invocations = most})),
                ElementsAre("softmax:row-reduction"));
    const ir::Program p = lower(s, "test", {g.a}, {g.out}, lo);
    const bool large = most > 256;
    // Rows of 16384-32768 in registers where 1024 invocations are allowed (32 each); up to 8
    // such rows written by 8 workgroups each, up to 32 by 4.
    const Config cached{1024, 1, 1, 32}, cached_mid{256, 1, 1, 16};
    const Config cached8{1024, 1, 1, 32, 8}, cached4{1024, 1, 1, 32, 4};
    const Config few_long{large ? 1024 : 256, 1, large ? 4 : 8}, many_long{256, 1, 4},
        many_short{64, 4, 4}, short_row{256, 1, 4}, middle{large ? 512 : 256, 1, 8};
    for (auto sh : {Shape{1, 16384, large ? cached8 : few_long, true},
                    Shape{3, 16389, large ? cached8 : few_long, true},
                    Shape{8, 32768, large ? cached8 : few_long, false},
                    Shape{9, 20000, large ? cached4 : few_long, false},
                    Shape{32, 32768, large ? cached4 : few_long, false},
                    Shape{33, 32768, large ? cached : few_long, false},
                    Shape{512, 32768, large ? cached : few_long, false},
                    Shape{1, 32769, few_long, true},
                    Shape{512, 40000, few_long, false},
                    Shape{513, 16384, large ? cached : many_long, false},
                    Shape{4096, 32768, large ? cached : many_long, false},
                    Shape{4096, 32769, many_long, false},
                    Shape{1, 16383, middle, true},
                    Shape{1024, 33, many_short, true},
                    Shape{1030, 2048, many_short, false},
                    Shape{4096, 1024, many_short, false},
                    Shape{1023, 2048, short_row, false},
                    Shape{2, 1, short_row, true},
                    Shape{64, 1024, short_row, false},
                    Shape{1, 2049, cached_mid, true},
                    Shape{5, 4100, middle, true},
                    Shape{4096, 4096, cached_mid, false},
                    Shape{1, 4096, cached_mid, true},
                    Shape{512, 4097, middle, false}}) {
      SCOPED_TRACE(::testing::Message()
                   << "most " << most << " shape " << sh.rows << "x" << sh.len);
      if (sh.run)
        check_schedule(s, {g.a}, {g.out}, {{"A", random_tensor({sh.rows, sh.len}, 23)}}, {}, 1e-5,
                       target);
      // The same graph with the configuration fixed: its kernels (the version for dividing
      // shapes and the one for the last partial steps) are what this call must launch.
      auto fg = softmax_graph(sym("n"), sym("m"));
      auto fs = create_schedule({fg.out});
      auto_schedule(fs, {.max_invocations = most,
                         .row_threads = sh.c.threads,
                         .row_rows = sh.c.rows,
                         .row_unroll = sh.c.unroll,
                         .row_cache = sh.c.cache,
                         .row_groups = sh.c.groups});
      const ir::Program fixed = lower(fs, "test", {fg.a}, {fg.out}, lo);
      auto got = launched(p, sh.rows, sh.len), want = launched(fixed, sh.rows, sh.len);
      ASSERT_EQ(got.size(), want.size());
      ASSERT_FALSE(got.empty());
      for (size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i]->workgroup_size, (std::array<int64_t, 3>{sh.c.threads, sh.c.rows, 1}));
        EXPECT_EQ(body_text(*got[i]), body_text(*want[i]))
            << got[i]->name << " vs " << want[i]->name;
      }
    }
  }
}

// row_cache: each invocation keeps its elements of the row in private memory (read from A
// once, then every row loop reads the registers), for rows of at most row_threads * row_cache;
// longer rows get the re-reading version. Dividing, non-dividing, size-1, shorter-than-the-
// invocations and too-long rows of symbolic length against the CPU reference.
TEST(AutoScheduleRows, CachedRowsAreReadOnce) {
  auto g = softmax_graph(sym("n"), sym("m"));
  auto s = create_schedule({g.out});
  EXPECT_THAT(rules(auto_schedule(s, {.row_threads = 32, .row_cache = 4})),
              ElementsAre("softmax:row-reduction"));
  const ir::Program p = lower(s, "test", {g.a}, {g.out});
  for (int64_t rows : {1, 3}) {
    for (int64_t len : {1, 31, 32, 100, 128, 129, 200}) {
      SCOPED_TRACE(::testing::Message() << "shape " << rows << "x" << len);
      check_schedule(s, {g.a}, {g.out}, {{"A", random_tensor({rows, len}, 31)}}, {}, 1e-5);
      auto got = launched(p, rows, len);
      ASSERT_FALSE(got.empty());
      for (auto* k : got) {
        const std::string text = body_text(*k);
        auto count = [&](const std::string& what) {
          size_t n = 0;
          for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
            ++n;
          return n;
        };
        if (len <= 128) {
          // Four elements per invocation, loaded from A by one (unrolled) loop in each copy
          // of the code that loop partitioning makes; the three row loops read the registers
          // (the store into the cache and three reads per copy).
          const size_t copies = count("allocate A_private: private f32[1 * 4]");
          EXPECT_GT(copies, 0u) << text;
          EXPECT_EQ(count("A["), copies) << text;
          // (A written row stored as one vector of 4 lanes reads the cache once per lane.)
          EXPECT_EQ(count("A_private["), 4 * copies + 3 * count("] = vec4(")) << text;
          // Every copy indexes the cache by unrolled loops only (registers: constants once
          // the backend unrolls), the rows that do not fill it too, each step guarded; a
          // rolled loop would index it at run time (local memory). The cache's lanes (runs of
          // 4, row_vector) are a vectorized loop where the row is not a multiple of 4: the
          // backends unroll that too.
          const std::regex index(R"(A_private\[([A-Za-z_][A-Za-z0-9_]*)\])");
          for (std::sregex_iterator it(text.begin(), text.end(), index), end; it != end; ++it) {
            const std::string v = (*it)[1].str();
            EXPECT_TRUE(text.find("unrolled (" + v + ",") != std::string::npos ||
                        text.find("vectorized (" + v + ",") != std::string::npos)
                << v;
            EXPECT_EQ(text.find("for (" + v + ","), std::string::npos) << v;
          }
        } else {
          EXPECT_EQ(text.find("A_private"), std::string::npos) << k->name;
        }
      }
    }
  }
}

// row_groups: each row written by that many workgroups (chunks of row_threads * row_cache /
// row_groups elements on workgroup y), each reducing the whole row from its own cache; the
// written chunk is read from A, not from the cache. Against the CPU reference at dividing,
// non-dividing, size-1 and too-long (one workgroup per row, re-reading) rows, and a row sum
// (no elements to share out: one workgroup per row).
TEST(AutoScheduleRows, RowsSharedOutOverWorkgroups) {
  auto g = softmax_graph(sym("n"), sym("m"));
  auto s = create_schedule({g.out});
  EXPECT_THAT(rules(auto_schedule(s, {.row_threads = 32, .row_cache = 4, .row_groups = 2})),
              ElementsAre("softmax:row-reduction"));
  const ir::Program p = lower(s, "test", {g.a}, {g.out});
  for (int64_t rows : {1, 3}) {
    for (int64_t len : {1, 31, 64, 65, 100, 128, 129, 200}) {
      SCOPED_TRACE(::testing::Message() << "shape " << rows << "x" << len);
      check_schedule(s, {g.a}, {g.out}, {{"A", random_tensor({rows, len}, 33)}}, {}, 1e-5);
      auto got = launched(p, rows, len);
      ASSERT_FALSE(got.empty());
      for (auto* k : got) {
        const ir::ScalarBindings b = call_bindings(*k, rows, len);
        const std::string text = body_text(*k);
        if (len <= 128) {
          EXPECT_EQ(ir::eval_scalar(k->grid[1], b), (len + 63) / 64) << k->name;
          EXPECT_NE(text.find("allocate A_private: private f32[1 * 4]"), std::string::npos);
        } else {
          EXPECT_EQ(ir::eval_scalar(k->grid[1], b), 1) << k->name;
          EXPECT_EQ(text.find("A_private"), std::string::npos) << k->name;
        }
      }
    }
  }
  Expr n = sym("n"), m = sym("m");
  auto a = placeholder("A", {n, m});
  auto k = reduce_axis(m, "k");
  auto total = compute("total", {n}, [&](const Vars& v) {
    return sum(at(a, {v[0], k->var}), {k});
  });
  auto rs = create_schedule({total});
  auto_schedule(rs, {.row_threads = 32, .row_cache = 4, .row_groups = 2});
  const ir::Program rp = lower(rs, "test", {a}, {total});
  for (auto& kern : rp.kernels)
    EXPECT_FALSE(kern.grid[1].defined() && !ir::is_const(kern.grid[1], 1)) << kern.name;
  check_schedule(rs, {a}, {total}, {{"A", random_tensor({3, 100}, 34)}}, {}, 1e-4);
}

TEST(AutoScheduleRows, RowOptionsAreChecked) {
  auto g = softmax_graph(sym("n"), sym("m"));
  auto s = create_schedule({g.out});
  EXPECT_THAT(
      user_error_of([&] { auto_schedule(s, {.row_threads = 256, .row_rows = 8}); }),
      ::testing::HasSubstr("row_rows (8) must be >= 1 and row_threads (256) * row_rows <= 1024"));
  EXPECT_THAT(user_error_of([&] { auto_schedule(s, {.row_unroll = 17}); }),
              ::testing::HasSubstr("row_unroll (17) must be in [1, 16]"));
  EXPECT_THAT(user_error_of([&] { auto_schedule(s, {.row_cache = 300}); }),
              ::testing::HasSubstr("row_cache (300) must be in [0, 256]"));
  EXPECT_THAT(user_error_of([&] { auto_schedule(s, {.row_cache = 4, .row_groups = 3}); }),
              ::testing::HasSubstr("row_groups (3) must be 0, 1, or a divisor of row_cache (4)"));
  EXPECT_THAT(user_error_of([&] { auto_schedule(s, {.row_groups = 2}); }),
              ::testing::HasSubstr("row_groups (2) must be 0, 1, or a divisor of row_cache (0)"));
  EXPECT_THAT(user_error_of([&] { auto_schedule(s, {.max_invocations = 128}); }),
              ::testing::HasSubstr("max_invocations (128) must be at least"));
  EXPECT_THAT(user_error_of([&] { auto_schedule(s, {.row_vector = 2}); }),
              ::testing::HasSubstr("row_vector (2) must be 0 (the rule's choice), 1"));
  EXPECT_THAT(user_error_of([&] { auto_schedule(s, {.injective_vector = 0}); }),
              ::testing::HasSubstr("injective_vector (0) must be 1"));
}

// row_vector: cached rows as runs of 4 get a _vec4 version (vec4 loads into the cache and
// vec4 stores of the row) for row lengths that are multiples of 4; row_vector 1 keeps every
// invocations-th element and scalar accesses. Both against the CPU reference, at lengths that
// are and are not multiples of 4.
TEST(AutoScheduleRows, CachedRowsAsVectors) {
  for (int64_t vec : {1, 4}) {
    SCOPED_TRACE(::testing::Message() << "row_vector " << vec);
    auto g = softmax_graph(sym("n"), sym("m"));
    auto s = create_schedule({g.out});
    auto_schedule(s, {.row_threads = 32, .row_cache = 8, .row_vector = vec});
    const ir::Program p = lower(s, "test", {g.a}, {g.out});
    bool any_vec4 = false;
    for (auto& k : p.kernels) any_vec4 = any_vec4 || k.name.find("_vec4") != std::string::npos;
    EXPECT_EQ(any_vec4, vec == 4);
    for (auto [rows, len] : {std::pair<int64_t, int64_t>{2, 256}, {3, 255}, {1, 4}, {2, 130}})
      check_schedule(s, {g.a}, {g.out}, {{"A", random_tensor({rows, len}, 35)}}, {}, 1e-5);
    if (vec == 4) {
      auto got = launched(p, 2, 256);
      ASSERT_EQ(got.size(), 1u);
      const std::string text = body_text(*got.front());
      EXPECT_NE(text.find("A_private[ax1_outer +: 4] = A["), std::string::npos) << text;
      EXPECT_NE(text.find("] = vec4("), std::string::npos) << text;
    }
  }
}

TEST(AutoScheduleRows, ShortRowsShareAWorkgroupAndEpilogueIsFused) {
  Expr n = sym("n");
  auto a = placeholder("A", {n, 40});
  auto k = reduce_axis(40, "k");
  auto total = compute("total", {n}, [&](const Vars& v) {
    return sum(at(a, {v[0], k->var}), {k});
  });
  auto mean = compute("mean", {n},
                      [&](const Vars& v) { return ir::Mul::make(at(total, v), Expr(0.025f)); });
  auto s = create_schedule({mean});
  EXPECT_THAT(rules(auto_schedule(s)), ElementsAre("mean:row-reduction"));
  for (int64_t rows : {1, 4, 6}) {
    auto p = check_schedule(s, {a}, {mean}, {{"A", random_tensor({rows, 40}, 18)}}, {}, 1e-5);
    ASSERT_EQ(p.kernels.size(), 1u);
    EXPECT_EQ(p.kernels[0].workgroup_size[0], 64);  // 40 -> 64 invocations per row
    EXPECT_EQ(p.kernels[0].workgroup_size[1], 4);   // 256 / 64 rows per workgroup
  }
}

TEST(AutoScheduleRows, ReductionOutputWithoutEpilogue) {
  Expr n = sym("n"), m = sym("m");
  auto a = placeholder("A", {n, m});
  auto k = reduce_axis(m, "k");
  auto best = compute("best", {n}, [&](const Vars& v) { return rmax(at(a, {v[0], k->var}), {k}); });
  auto s = create_schedule({best});
  EXPECT_THAT(rules(auto_schedule(s)), ElementsAre("best:row-reduction"));
  for (int64_t len : {1, 255, 700})
    check_schedule(s, {a}, {best}, {{"A", random_tensor({2, len}, 19)}}, {}, 0);
}

}  // namespace
}  // namespace webtx::testing
