// Unit tests of the WGSL printer's text: literals, identifiers and the IR it must refuse.
// (Whether the text compiles and computes the right numbers is checked through Dawn by the
// run_cases_* scripts.)
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>

#include "ir_build.hpp"
#include "webtx/codegen/wgsl.hpp"
#include "wgsl_internal.hpp"

namespace wgsl_test {
namespace {

using webtx::codegen::emit_wgsl;
namespace d = webtx::codegen::wgsl_detail;

// A one-buffer kernel storing `value` to out[0].
Kernel store_kernel(Expr value, bool written = true) {
  Kernel k;
  k.name = "k";
  Buffer out = global("out", value.type(), {i32(1)});
  k.buffers = {{out, false, written}};
  k.grid = {i32(1), i32(1), i32(1)};
  k.body = store(out, value, i32(0));
  return k;
}

float parse_f32_literal(std::string s) {
  if (s.front() == '(') s = s.substr(1, s.size() - 2);
  EXPECT_EQ(s.back(), 'f');
  s.pop_back();
  return std::strtof(s.c_str(), nullptr);  // strtof reads both decimal and hex floats
}

TEST(WgslLiterals, F32RoundTripsExactly) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<uint32_t> bits;
  int checked = 0;
  while (checked < 20000) {
    uint32_t b = bits(rng);
    float f;
    std::memcpy(&f, &b, 4);
    if (!std::isfinite(f)) continue;
    std::string lit = d::float_literal(DType::f32(), f);
    float back = parse_f32_literal(lit);
    ASSERT_EQ(std::memcmp(&back, &f, 4) == 0 || (f == 0 && back == 0), true) << lit << " vs " << f;
    ++checked;
  }
}

TEST(WgslLiterals, SpecialValues) {
  EXPECT_EQ(d::float_literal(DType::f32(), 1.5), "1.5f");
  EXPECT_EQ(d::float_literal(DType::f32(), 3), "3.0f");
  EXPECT_EQ(d::float_literal(DType::f32(), -0.25), "(-0.25f)");
  EXPECT_EQ(d::float_literal(DType::f32(), 3.4028234663852886e38), "0x1.fffffep+127f");
  EXPECT_EQ(d::float_literal(DType::f32(), INFINITY), "");
  EXPECT_EQ(d::float_literal(DType::f32(), 1e39), "");  // overflows f32
  EXPECT_EQ(d::float_literal(DType::f16(), 0.1), "0.099975586h");
  EXPECT_EQ(d::float_literal(DType::f16(), 65504), "0x1.ffcp+15h");
  EXPECT_EQ(d::float_literal(DType::f16(), 70000), "");  // beyond f16
  EXPECT_EQ(d::int_literal(DType::i32(), INT32_MIN), "(-2147483647i - 1i)");
  EXPECT_EQ(d::int_literal(DType::i32(), -3), "(-3i)");
  EXPECT_EQ(d::int_literal(DType::u32(), 4000000000u), "4000000000u");
  EXPECT_EQ(d::int_literal(DType::boolean(), 1), "true");
}

TEST(WgslNames, ReservedDuplicateAndInvalid) {
  d::Namer n;
  EXPECT_EQ(n.fresh("x"), "x");
  EXPECT_EQ(n.fresh("x"), "x_1");
  EXPECT_EQ(n.fresh("let"), "let_");
  EXPECT_EQ(n.fresh("exp"), "exp_");
  EXPECT_EQ(n.fresh("__a"), "_a");
  EXPECT_EQ(n.fresh("_"), "v_");
  EXPECT_EQ(n.fresh("3d"), "v3d");
  EXPECT_EQ(n.fresh("a.b-c"), "a_b_c");
  EXPECT_EQ(n.fresh(""), "v");
}

TEST(WgslEmit, EntryPointAndLayout) {
  std::string s = emit_wgsl(store_kernel(f32(2)));
  EXPECT_NE(s.find("@group(0) @binding(0) var<storage, read_write> out: array<f32>;"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("@compute @workgroup_size(1, 1, 1)"), std::string::npos);
  EXPECT_NE(s.find("fn main("), std::string::npos);
  EXPECT_EQ(s.find("enable f16"), std::string::npos);
}

// A symbol is read on one line marked with its index (web/src/specialize.js rewrites it as a
// const); a loop's end that reads no memory is written in the loop's condition (a GPU compiler
// unrolls a loop whose bound folds to a literal, not one bound through a let), one that loads
// is evaluated once before the loop.
TEST(WgslEmit, SymbolLinesAndLoopEnds) {
  Expr n = var("n"), m = var("m"), j = var("j");
  Buffer out = global("out", DType::f32(), {n}), len = global("len", DType::i32(), {i32(1)});
  Kernel k;
  k.name = "k";
  k.buffers = {{out, false, true}, {len, false, false}};
  k.scalars = {n, m};
  k.grid = {i32(1), i32(1), i32(1)};
  k.body = seq({for_(j, i32(0), div(n, i32(4)), store(out, f32(1), j)),
                for_(j, i32(1), load(len, i32(0)), store(out, f32(2), j))});
  std::string s = emit_wgsl(k);
  EXPECT_NE(s.find("let n_1: i32 = webtx_uniforms.n;  // webtx:symbol 0\n"), std::string::npos)
      << s;
  EXPECT_NE(s.find("let m_1: i32 = webtx_uniforms.m;  // webtx:symbol 1\n"), std::string::npos)
      << s;
  EXPECT_NE(s.find("j < (n_1 / 4i); j++)"), std::string::npos) << s;
  EXPECT_NE(s.find("let j_end: i32 = (1i + len[0i]);"), std::string::npos) << s;
  EXPECT_NE(s.find("< j_end;"), std::string::npos) << s;
}

TEST(WgslEmit, BoolStoredAsU32) {
  std::string s = emit_wgsl(store_kernel(lt(i32(1), i32(2))));
  EXPECT_NE(s.find("array<u32>"), std::string::npos) << s;
  EXPECT_NE(s.find("select(0u, 1u, (1i < 2i))"), std::string::npos) << s;
}

TEST(WgslEmit, RefusesIRThatMustNotReachIt) {
  EXPECT_THROW(emit_wgsl(store_kernel(Call::make(Intrinsic::Erf, {f32(1)}))), webtx::InternalError);
  EXPECT_THROW(emit_wgsl(store_kernel(var("unbound"))), webtx::InternalError);
  EXPECT_THROW(emit_wgsl(store_kernel(f32(1), /*written=*/false)), webtx::InternalError);
  EXPECT_THROW(emit_wgsl(store_kernel(f16(1))), webtx::InternalError);  // uses_f16 not set
  Kernel k = store_kernel(f16(1));
  k.uses_f16 = true;
  EXPECT_NE(emit_wgsl(k, webtx::target_by_name("webgpu-f16")).find("enable f16;"),
            std::string::npos);
  // An unrolled loop needs a constant extent.
  Kernel u = store_kernel(f32(1));
  Expr j = var("j");
  u.body = for_(j, i32(0), var("n"), u.body, ForKind::Unrolled);
  u.scalars = {};
  EXPECT_THROW(emit_wgsl(u), webtx::InternalError);
}

std::string user_error_of(const Kernel& k, const webtx::Target& t = {}) {
  try {
    emit_wgsl(k, t);
  } catch (const webtx::UserError& e) {
    return e.what();
  }
  return "";
}

TEST(WgslTarget, LimitsAndFeaturesOfTheTarget) {
  Kernel k = store_kernel(f16(1));
  k.uses_f16 = true;
  EXPECT_EQ(user_error_of(k),
            "kernel 'k' uses f16, which needs WebGPU feature 'shader-f16'; target 'webgpu' does "
            "not enable it: build for 'webgpu-f16'");
  EXPECT_EQ(user_error_of(k, webtx::target_by_name("webgpu-f16")), "");
  Kernel big = store_kernel(f32(1));
  big.workgroup_size = {512, 1, 1};
  EXPECT_EQ(user_error_of(big),
            "kernel 'k' has workgroup size 512 in x; target 'webgpu' allows 256 "
            "(maxComputeWorkgroupSizeX): build for 'webgpu-large' or bind fewer threads to "
            "local_id.x");
  EXPECT_EQ(user_error_of(big, webtx::target_by_name("webgpu-large")), "");
  Kernel shared = store_kernel(f32(1));
  shared.workgroup_bytes = 20000;
  EXPECT_NE(user_error_of(shared).find("uses 20000 bytes of workgroup memory; target 'webgpu' "
                                       "allows 16384 (maxComputeWorkgroupStorageSize)"),
            std::string::npos);
}

// Unrolled loops up to the target's maxUnrollIterations are unrolled, longer ones stay loops
// (the SPIR-V backend does the same: tests/spirv, SpirvKernels.LoopKinds).
TEST(WgslTarget, UnrollLimitFromTheTarget) {
  Kernel u = store_kernel(f32(1));
  Expr j = var("j");
  const Stmt store_one = u.body;
  u.body = for_(j, i32(0), i32(100), store_one, ForKind::Unrolled);
  std::string loop = emit_wgsl(u);
  EXPECT_NE(loop.find("for (var j"), std::string::npos) << loop;
  webtx::Target t;
  t.limits.maxUnrollIterations = 100;
  std::string unrolled = emit_wgsl(u, t);
  EXPECT_EQ(unrolled.find("for ("), std::string::npos) << unrolled;
  u.body = for_(j, i32(0), i32(64), store_one, ForKind::Unrolled);
  EXPECT_EQ(emit_wgsl(u).find("for ("), std::string::npos);  // 64: the default, unrolled
}

// Tint rejects a constant out-of-bounds index even in dead code: an unrolled iteration whose
// guard is false for it must not print its accesses. The fuzzer's seed 3855: a one-element
// workgroup cache filled by a vectorized loop split by 7 (tests/fuzz/cases/).
TEST(WgslEmit, UnrolledIterationsDropAccessesTheirGuardsExclude) {
  Kernel k;
  k.name = "k";
  Buffer in = global("in", DType::f32(), {i32(2)}), out = global("out", DType::f32(), {i32(2)});
  Buffer cache = local("cache", DType::f32(), MemScope::Workgroup, 1);
  k.buffers = {{in, true, false}, {out, false, true}};
  k.grid = {i32(1), i32(1), i32(1)};
  k.workgroup_bytes = 4;
  Expr x = var("x"), v = var("v");
  Stmt fill = if_(lt(add(x, v), add(x, i32(1))), store(cache, load(in, add(x, v)), v));
  k.body = for_(x, i32(0), i32(2),
                Allocate::make(cache, seq({for_(v, i32(0), i32(7), fill, ForKind::Vectorized),
                                           store(out, load(cache, i32(0)), x)})));
  std::string w = emit_wgsl(k);
  EXPECT_NE(w.find("cache[0i] = "), std::string::npos) << w;
  for (int i = 1; i < 7; ++i)
    EXPECT_EQ(w.find("cache[" + std::to_string(i) + "i]"), std::string::npos) << w;
}

// The same with what holds where the loop is: `t * 6 + x + v < x + 1` (t a local id through a
// let, x an enclosing serial loop, both >= 0) is false for v >= 1, so 5 of the 6 guarded
// copies go (seeds 358 and 6813: minutes of SwiftShader compile after a barrier). A guard that
// holds only for some invocations (`t * 2 + v < 3`) keeps the copies it may run.
int count_of(const std::string& s, const std::string& what) {
  int n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

TEST(WgslEmit, UnrolledIterationsPrunedWithThreadAndLoopRanges) {
  Kernel k;
  k.name = "k";
  Buffer in = global("in", DType::f32(), {i32(64)}), out = global("out", DType::f32(), {i32(64)});
  k.buffers = {{in, true, false}, {out, false, true}};
  k.grid = {i32(1), i32(1), i32(1)};
  k.workgroup_size = {4, 1, 1};
  Expr t = var("t"), x = var("x"), v = var("v");
  Expr at = add(add(mul(t, i32(6)), x), v);
  Stmt copy = if_(lt(at, add(x, i32(1))), store(out, load(in, at), at));
  Stmt some = if_(lt(add(mul(lid(0), i32(2)), v), i32(3)), store(out, f32(1), v));
  k.body = let(t, lid(0),
               for_(x, i32(0), i32(2),
                    seq({for_(v, i32(0), i32(6), copy, ForKind::Unrolled),
                         for_(v, i32(0), i32(6), some, ForKind::Unrolled)})));
  std::string w = emit_wgsl(k);
  EXPECT_EQ(count_of(w, "= in["), 1) << w;
  // lid * 2 + v < 3: v = 0..2 may hold (lid 0 or 1), v = 3..5 never (lid >= 0).
  EXPECT_EQ(count_of(w, "= 1.0f;"), 3) << w;
}

// The safety net (webtx/lower/constant_index.hpp): an access at a constant index outside a
// fixed-size private/workgroup buffer never runs in a valid program, so the branch holding it
// goes even where its guard (here on data) is undecided; outside every guard it is an
// internal error naming the kernel and the buffer. Seed 8510: NVIDIA's compiler crashed on
// such dead accesses (tests/fuzz/cases/).
Kernel oob_kernel(bool guarded, ForKind kind) {
  Kernel k;
  k.name = "oob";
  Buffer in = global("in", DType::f32(), {i32(2)}), out = global("out", DType::f32(), {i32(2)});
  Buffer cache = local("cache", DType::f32(), MemScope::Private, 2);
  k.buffers = {{in, true, false}, {out, false, true}};
  k.grid = {i32(1), i32(1), i32(1)};
  Expr v = var("v");
  Stmt put = store(cache, f32(1), add(v, i32(1)));
  Stmt body = guarded ? if_(lt(load(in, i32(0)), f32(0.5)), put, store(out, f32(2), i32(1))) : put;
  k.body = Allocate::make(
      cache, seq({for_(v, i32(0), i32(2), body, kind), store(out, load(cache, i32(0)), i32(0))}));
  return k;
}

TEST(WgslEmit, ConstantOutOfBoundsAccessesDropTheirBranch) {
  std::string w = emit_wgsl(oob_kernel(true, ForKind::Unrolled));
  EXPECT_NE(w.find("cache[(0i + 1i)] = 1.0f;"), std::string::npos) << w;  // v = 0: guarded
  EXPECT_EQ(count_of(w, "cache[(1i + 1i)]"), 0) << w;  // v = 1: its else branch only
  EXPECT_EQ(count_of(w, "= 1.0f;"), 1) << w;
  EXPECT_EQ(count_of(w, "out[1i] = 2.0f;"), 2) << w;
  // Outside unrolled loops too: a literal index under a guard on data.
  Kernel k = oob_kernel(true, ForKind::Serial);
  Expr v = var("w");
  Buffer cache = local("cache", DType::f32(), MemScope::Private, 2);
  k.body = Allocate::make(
      cache, if_(lt(load(k.buffers[0].buffer, i32(0)), f32(0.5)), store(cache, f32(1), i32(2)),
                 store(k.buffers[1].buffer, f32(2), i32(0))));
  w = emit_wgsl(k);
  EXPECT_EQ(w.find("cache[2i]"), std::string::npos) << w;
  EXPECT_NE(w.find("out[0i] = 2.0f;"), std::string::npos) << w;
}

TEST(WgslEmit, UnguardedConstantOutOfBoundsAccessIsAnInternalError) {
  try {
    emit_wgsl(oob_kernel(false, ForKind::Unrolled));
    FAIL();
  } catch (const webtx::InternalError& e) {
    EXPECT_NE(std::string(e.what()).find("kernel 'oob'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("cache[2] (2 elements)"), std::string::npos) << e.what();
  }
}

TEST(WgslEmit, ErfMessageNamesThePass) {
  try {
    emit_wgsl(store_kernel(Call::make(Intrinsic::Erf, {f32(1)})));
    FAIL();
  } catch (const webtx::InternalError& e) {
    EXPECT_NE(std::string(e.what()).find("legalize_intrinsics"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace wgsl_test
