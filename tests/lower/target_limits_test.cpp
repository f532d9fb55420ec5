// Target limits and features in lowering: a kernel over a limit of the target it is built for
// is a UserError naming the kernel (or stage and axis), the value, the limit, the target and a
// named target that allows it; the same schedule lowers (and computes the right numbers) for
// that target.
#include "test_util.hpp"

namespace webtx::testing {
namespace {

using ir::MemScope;
using ir::ThreadAxis;
using ::testing::HasSubstr;

std::string lower_error(const Schedule& s, const std::vector<ir::Operation>& in,
                        const std::vector<ir::Operation>& out, const Target& t = {}) {
  LowerOptions lo;
  lo.target = t;
  try {
    lower(s, "test", in, out, lo);
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

struct Matmul {
  ir::Operation a, b, c;
  Matmul(int m, int n, int k) {
    a = placeholder("A", {m, k});
    b = placeholder("B", {k, n});
    auto r = reduce_axis(k, "r");
    c = compute("C", {m, n}, [&](const Vars& v) {
      return sum(ir::Mul::make(at(a, {v[0], r->var}), at(b, {r->var, v[1]})), {r});
    });
  }
};

// 16x16 invocations per 16x16 tile of C; each K step of `kstep` stages a 16 x kstep tile of A
// and a kstep x 16 tile of B in workgroup memory (2 * 16 * kstep * 4 bytes).
Schedule staged_matmul(const Matmul& g, int64_t kstep) {
  auto s = create_schedule({g.c});
  auto& aa = s.cache_read(g.a, MemScope::Workgroup, {g.c});
  auto& bb = s.cache_read(g.b, MemScope::Workgroup, {g.c});
  auto& st = s[g.c];
  auto t = st.tile(st.axis(0), st.axis(1), 16, 16);
  st.bind(t.xo, ThreadAxis::WorkgroupId, 1).bind(t.yo, ThreadAxis::WorkgroupId, 0);
  st.bind(t.xi, ThreadAxis::LocalId, 1).bind(t.yi, ThreadAxis::LocalId, 0);
  auto [ko, ki] = st.split(st.reduce_axis(0), kstep);
  (void)ki;
  for (Stage* cache : {&aa, &bb}) {
    cache->compute_at(st, ko);
    auto f = cache->fuse(cache->axis(0), cache->axis(1));
    auto [fo, fi] = cache->split(f, 256);
    (void)fo;
    auto [fy, fx] = cache->split(fi, 16);
    cache->bind(fx, ThreadAxis::LocalId, 0).bind(fy, ThreadAxis::LocalId, 1);
  }
  return s;
}

TEST(TargetLimits, WorkgroupMemoryOverTheTarget) {
  Matmul g(32, 32, 384);
  auto s = staged_matmul(g, 192);  // 2 * 16 * 192 * 4 = 24576 bytes
  EXPECT_EQ(lower_error(s, {g.a, g.b}, {g.c}),
            "kernel 'C' uses 24576 bytes of workgroup memory; target 'webgpu' allows 16384 "
            "(maxComputeWorkgroupStorageSize): build for 'webgpu-large' or shrink the tile");
  auto p = check_schedule(s, {g.a, g.b}, {g.c},
                          {{"A", random_tensor({32, 384}, 1)}, {"B", random_tensor({384, 32}, 2)}},
                          {}, 1e-4, target_by_name("webgpu-large"));
  EXPECT_EQ(p.kernels[0].workgroup_bytes, 24576);
  // Within the default target's 16 KiB: no error.
  EXPECT_EQ(lower_error(staged_matmul(g, 128), {g.a, g.b}, {g.c}), "");
}

struct VecAdd {
  ir::Operation a, b, c;
  explicit VecAdd(Expr n, ir::DType t = ir::DType::f32()) {
    a = placeholder("A", {n}, t);
    b = placeholder("B", {n}, t);
    c = compute("C", {n},
                [&](const Vars& v) { return ir::Add::make(at(a, {v[0]}), at(b, {v[0]})); });
  }
};

Schedule split_bind(const VecAdd& g, int64_t threads) {
  auto s = create_schedule({g.c});
  auto [xo, xi] = s[g.c].split(s[g.c].axis(0), threads);
  s[g.c].bind(xo, ThreadAxis::WorkgroupId, 0).bind(xi, ThreadAxis::LocalId, 0);
  return s;
}

TEST(TargetLimits, WorkgroupSizeNamesStageAndAxis) {
  VecAdd g(2048);
  auto s = split_bind(g, 512);
  std::string e = lower_error(s, {g.a, g.b}, {g.c});
  EXPECT_THAT(e, HasSubstr("stage 'C': axis 'i_inner' is bound to local_id.x with extent 512"));
  EXPECT_THAT(e, HasSubstr("target 'webgpu' allows 256 (maxComputeWorkgroupSizeX): build for "
                           "'webgpu-large'"));
  auto p = check_schedule(s, {g.a, g.b}, {g.c},
                          {{"A", random_tensor({2048}, 3)}, {"B", random_tensor({2048}, 4)}}, {},
                          1e-5, target_by_name("webgpu-large"));
  EXPECT_EQ(p.kernels[0].workgroup_size[0], 512);
}

TEST(TargetLimits, InvocationsPerWorkgroup) {
  Matmul g(64, 64, 8);
  auto s = create_schedule({g.c});
  auto t = s[g.c].tile(s[g.c].axis(0), s[g.c].axis(1), 32, 32);
  s[g.c].bind(t.xo, ThreadAxis::WorkgroupId, 1).bind(t.yo, ThreadAxis::WorkgroupId, 0);
  s[g.c].bind(t.xi, ThreadAxis::LocalId, 1).bind(t.yi, ThreadAxis::LocalId, 0);
  EXPECT_EQ(lower_error(s, {g.a, g.b}, {g.c}),
            "kernel 'C' has 1024 invocations per workgroup (32x32x1); target 'webgpu' allows "
            "256 (maxComputeInvocationsPerWorkgroup): build for 'webgpu-large' or bind fewer "
            "threads per workgroup");
  check_schedule(s, {g.a, g.b}, {g.c},
                 {{"A", random_tensor({64, 8}, 5)}, {"B", random_tensor({8, 64}, 6)}}, {}, 1e-5,
                 target_by_name("webgpu-large"));
}

TEST(TargetLimits, WorkgroupsPerDimension) {
  VecAdd g(70000 * 64);
  auto s = split_bind(g, 64);
  std::string e = lower_error(s, {g.a, g.b}, {g.c});
  EXPECT_THAT(e, HasSubstr("stage 'C': axis 'i_outer' is bound to workgroup_id.x with extent "
                           "70000 (workgroups); target 'webgpu' allows 65535 "
                           "(maxComputeWorkgroupsPerDimension): split it further"));
  Target big = target_by_name("webgpu-large");
  big.name = "custom";
  big.limits.maxComputeWorkgroupsPerDimension = 100000;
  EXPECT_EQ(lower_error(s, {g.a, g.b}, {g.c}, big), "");
}

TEST(TargetLimits, StorageBindingSize) {
  VecAdd g(64 << 20);  // 256 MiB per f32 tensor
  auto s = split_bind(g, 256);
  // 2^20 workgroups would also be too many: give the grid room, so the tensor size is checked.
  Target t;
  t.limits.maxComputeWorkgroupsPerDimension = int64_t{1} << 20;
  EXPECT_THAT(lower_error(s, {g.a, g.b}, {g.c}, t),
              HasSubstr("kernel 'C' binds tensor 'A' of 268435456 bytes; target 'webgpu' allows "
                        "134217728 (maxStorageBufferBindingSize): build for 'webgpu-large'"));
  t.limits.maxStorageBufferBindingSize = int64_t{1} << 30;
  EXPECT_EQ(lower_error(s, {g.a, g.b}, {g.c}, t), "");
}

TEST(TargetLimits, StorageBuffersPerStage) {
  std::vector<ir::Operation> in;
  for (int i = 0; i < 9; ++i) in.push_back(placeholder("X" + std::to_string(i), {16}));
  auto c = compute("C", {16}, [&](const Vars& v) {
    Expr e = at(in[0], {v[0]});
    for (size_t i = 1; i < in.size(); ++i) e = ir::Add::make(e, at(in[i], {v[0]}));
    return e;
  });
  auto s = create_schedule({c});
  s[c].bind(s[c].axis(0), ThreadAxis::LocalId, 0);
  EXPECT_EQ(lower_error(s, in, {c}),
            "kernel 'C' binds 10 storage buffers; target 'webgpu' allows 8 "
            "(maxStorageBuffersPerShaderStage): split the kernel");
}

TEST(TargetLimits, F16NeedsTheFeature) {
  VecAdd g(64, ir::DType::f16());
  auto s = split_bind(g, 64);
  EXPECT_EQ(lower_error(s, {g.a, g.b}, {g.c}),
            "kernel 'C' uses f16, which needs WebGPU feature 'shader-f16'; target 'webgpu' does "
            "not enable it: build for 'webgpu-f16'");
  // Keeping the target's other features: webgpu-large + f16.
  EXPECT_THAT(lower_error(s, {g.a, g.b}, {g.c}, target_by_name("webgpu-large-subgroups")),
              HasSubstr("target 'webgpu-large-subgroups' does not enable it"));
  auto p = check_schedule(s, {g.a, g.b}, {g.c},
                          {{"A", random_tensor({64}, 7, ir::DType::f16())},
                           {"B", random_tensor({64}, 8, ir::DType::f16())}},
                          {}, 1e-3, target_by_name("webgpu-f16"));
  EXPECT_TRUE(p.kernels[0].uses_f16);
}

// Per-invocation arrays over WGSL's 8192 bytes (NVIDIA's driver fails the pipeline from ~16 KB,
// fuzz seed 8064): each invocation accumulates a rows x 48 block of C in a private cache.
Schedule private_block_matmul(const Matmul& g, int64_t rows) {
  auto s = create_schedule({g.c});
  auto& acc = s.cache_write(g.c, MemScope::Private);
  auto& st = s[g.c];
  auto [xo, xi] = st.split(st.axis(0), rows);
  (void)xi;
  st.bind(xo, ThreadAxis::WorkgroupId, 0);
  acc.compute_at(st, xo);
  return s;
}

TEST(TargetLimits, PrivateMemoryNamesKernelAndBuffer) {
  Matmul g(96, 48, 4);
  auto s = private_block_matmul(g, 48);  // 48 * 48 * 4 = 9216 bytes per invocation
  EXPECT_EQ(lower_error(s, {g.a, g.b}, {g.c}),
            "kernel 'C' uses 9216 bytes of private (per-invocation) memory (stage 'C_private': "
            "9216); target 'webgpu' allows 8192 (maxPrivateStorageSize): cache into workgroup "
            "memory (MemScope::Workgroup) or give each invocation a smaller tile");
  // Every named target has WGSL's limit; a target that allows more lowers it, right numbers.
  Target more = target_by_name("webgpu-large");
  EXPECT_EQ(more.limits.maxPrivateStorageSize, 8192);
  more.name = "custom";
  more.limits.maxPrivateStorageSize = 9216;
  check_schedule(s, {g.a, g.b}, {g.c},
                 {{"A", random_tensor({96, 4}, 9)}, {"B", random_tensor({4, 48}, 10)}}, {}, 1e-5,
                 more);
  // 32 rows: 6144 bytes, within the default target.
  EXPECT_EQ(lower_error(private_block_matmul(g, 32), {g.a, g.b}, {g.c}), "");
}

TEST(TargetLimits, NamedTargets) {
  Target d = target_by_name("webgpu");
  EXPECT_EQ(d.limits.maxComputeWorkgroupStorageSize, 16384);
  EXPECT_EQ(d.limits.maxComputeInvocationsPerWorkgroup, 256);
  EXPECT_TRUE(d.features.empty());
  Target l = target_by_name("webgpu-large-f16");
  EXPECT_EQ(l.limits.maxComputeInvocationsPerWorkgroup, 1024);
  EXPECT_TRUE(l.has(Feature::ShaderF16));
  EXPECT_EQ(limit_value(l.limits, "maxComputeWorkgroupStorageSize"), 32768);
  try {
    target_by_name("webgpu-huge");
    ADD_FAILURE() << "no error";
  } catch (const UserError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("unknown target 'webgpu-huge' (known targets: "
                                                 "webgpu, webgpu-f16, webgpu-large"));
  }
  EXPECT_THROW(target_by_name("cuda"), UserError);
  EXPECT_THROW(limit_value(d.limits, "maxColors"), UserError);
}

}  // namespace
}  // namespace webtx::testing
