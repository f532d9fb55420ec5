// Definitions for webtx/lower/tensorize.hpp. The kernel follows the hand-written anchor
// (shared/tools/anchor-matmul-f16.mjs, variant "P"): 16-byte copies (8 halves) from global
// memory into registers, from registers into per-subgroup slices of workgroup memory, fragment
// loads with constant offsets and strides from those slices.
#include "webtx/lower/tensorize.hpp"

#include <sstream>

#include "webtx/ir/printer.hpp"

namespace webtx::lowering {
namespace {

using ir::Expr;
using ir::Stmt;
namespace fold = ir::fold;

Expr i32(int64_t v) { return make_int(v); }
Expr var(const std::string& n) { return ir::Variable::make(ir::DType::i32(), n); }

// A read A[x, y] of the body, with the tensor's stage.
struct Operand {
  const ir::ProducerLoad* load = nullptr;
  StageInfo* stage = nullptr;
};

std::string shapes_of(const Target& t, const std::string& result) {
  std::string s;
  for (auto& c : t.matrix_configs)
    if (c.component == "f16" && c.result == result)
      s += (s.empty() ? "" : ", ") + std::to_string(c.M) + "x" + std::to_string(c.N) + "x" +
           std::to_string(c.K);
  return s.empty() ? std::string("none") : s;
}

class Builder {
 public:
  Builder(LowerContext& ctx, StageInfo& si)
      : ctx_(ctx), si_(si), ts_(*si.stage->tensorized()), c_(ts_.config), t_(*ctx.target) {}

  TensorizedBody build() {
    for (auto& o : ctx_.stages)
      user_assert(o.stage->attach_stage() != si_.stage)
          << st() << "stage '" << o.op->name
          << "' is computed at it; a tensorized stage has no loops to attach to" << where();
    check_target();
    match_body();
    check_shapes();
    return emit();
  }

 private:
  std::string st() const { return "stage '" + si_.op->name + "': tensorize: "; }
  std::string where() const { return ts_.where; }
  std::string ax(const ir::IterVar& v) const { return "axis '" + axis_name(v) + "'"; }

  void check_target() {
    user_assert(t_.has(Feature::SubgroupMatrix))
        << st() << "target '" << t_.name << "' does not enable WebGPU feature '"
        << feature_name(Feature::SubgroupMatrix)
        << "' (subgroup matrices): build for 'webgpu-subgroup-matrix'" << where();
    user_assert(t_.has(Feature::ShaderF16))
        << st() << "target '" << t_.name << "' does not enable WebGPU feature 'shader-f16'"
        << where();
  }

  // sum_k A[i, k] * B[k, j] (NN) or A[i, k] * B[j, k] (NT); f16 reads, cast to an f32 result.
  void match_body() {
    acc_ = si_.op->type;
    user_assert(acc_ == ir::DType::f32() || acc_ == ir::DType::f16())
        << st() << "the result is " << acc_.str()
        << "; subgroup matrices accumulate into f16 or f32" << where();
    auto* red = si_.body.as<ir::Reduce>();
    auto* mul = red ? red->source.as<ir::Mul>() : nullptr;
    user_assert(red && mul && red->op == ir::ReduceOp::Sum && red->axes.size() == 1)
        << st() << "the body is not matmul-like: expected sum(A[i, k] * B[k, j]) (or B[j, k]) "
        << "with f16 A and B, got " << ir::to_string(si_.body) << where();
    k_ = red->axes[0];
    i_ = si_.op->axis[0], j_ = si_.op->axis[1];
    Operand x = operand(mul->a), y = operand(mul->b);
    auto reads = [](const Operand& o, const ir::IterVar& a, const ir::IterVar& b) {
      return o.load->indices.size() == 2 && o.load->indices[0].same_as(a->var) &&
             o.load->indices[1].same_as(b->var);
    };
    if (reads(y, i_, k_)) std::swap(x, y);
    user_assert(reads(x, i_, k_)) << st() << "the body is not matmul-like: no factor reads ["
                                  << axis_name(i_) << ", " << axis_name(k_) << "] (got "
                                  << ir::to_string(red->source) << ")" << where();
    a_ = x;
    b_ = y;
    if (reads(y, j_, k_)) {
      nt_ = true;
    } else {
      user_assert(reads(y, k_, j_))
          << st() << "the body is not matmul-like: the second factor must read [" << axis_name(k_)
          << ", " << axis_name(j_) << "] or [" << axis_name(j_) << ", " << axis_name(k_)
          << "] (got " << ir::to_string(red->source) << ")" << where();
    }
    for (auto* v : {&i_, &j_, &k_})
      user_assert(is_const((*v)->min, 0)) << st() << ax(*v) << " must start at 0" << where();
  }

  Operand operand(const Expr& e) {
    Expr x = e;
    if (auto* c = x.as<ir::Cast>()) x = c->value;
    auto* pl = x.as<ir::ProducerLoad>();
    user_assert(pl) << st() << "the body is not matmul-like: factor " << ir::to_string(e)
                    << " is not a read of a tensor" << where();
    user_assert(pl->type == ir::DType::f16())
        << st() << "tensor '" << pl->producer->name << "' is " << pl->type.str()
        << "; subgroup matrices multiply f16 inputs" << where();
    StageInfo& p = ctx_.info(pl->producer);
    user_assert(p.buffer && p.buffer->scope == ir::MemScope::Global)
        << st() << "tensor '" << pl->producer->name
        << "' must be in global memory (an input or a stage of its own)" << where();
    user_assert(e.type() == acc_) << st() << "factor " << ir::to_string(e) << " is "
                                  << e.type().str() << ", the result " << acc_.str() << where();
    return {pl, &p};
  }

  // The shape against the Target's configurations, then every extent against the tile.
  void check_shapes() {
    const std::string r = acc_.str();
    bool found = false, m_ok = false, n_ok = false, k_ok = false;
    for (auto& cfg : t_.matrix_configs) {
      if (cfg.component != "f16" || cfg.result != r) continue;
      found |= cfg.M == c_.m && cfg.N == c_.n && cfg.K == c_.k;
      m_ok |= cfg.M == c_.m, n_ok |= cfg.N == c_.n, k_ok |= cfg.K == c_.k;
    }
    if (!found) {
      const ir::IterVar& bad = !m_ok ? i_ : !n_ok ? j_ : k_;
      const int have = !m_ok ? c_.m : !n_ok ? c_.n : c_.k;
      user_error << st() << "block " << c_.m << "x" << c_.n << "x" << c_.k << " (M x N x K over "
                 << axis_name(i_) << ", " << axis_name(j_) << ", " << axis_name(k_)
                 << ") is not a subgroup-matrix shape of target '" << t_.name << "' for f16->" << r
                 << ": " << ax(bad) << " has " << have
                 << (m_ok && n_ok && k_ok ? " in this combination" : "")
                 << "; supported shapes (M x N x K): " << shapes_of(t_, r) << where();
    }
    nsg_ = c_.subgroups_m * c_.subgroups_n;
    threads_ = int64_t{t_.matrix_subgroup_size} * nsg_;
    user_assert((c_.block_m * c_.block_k / 8) % threads_ == 0 &&
                (c_.block_k * c_.block_n / 8) % threads_ == 0)
        << st() << "the " << threads_ << " invocations (" << nsg_ << " subgroups of "
        << t_.matrix_subgroup_size << ") cannot share the copies of a " << c_.block_m << "x"
        << c_.block_k << " and a " << c_.block_k << "x" << c_.block_n
        << " tile evenly (8 halves each): change block_k or the subgroups" << where();
    auto divides = [&](const ir::IterVar& v, int64_t f, const char* what) {
      if (!as_const(v->extent)) {
        // Checked per call: the host stub and the runtimes refuse other values.
        checks_.push_back({"stage '" + si_.op->name + "' (tensorized) needs " + ax(v) + " extent " +
                               ir::to_string(v->extent) + " to be a multiple of " + what + " " +
                               std::to_string(f),
                           fold::mod(v->extent, i32(f)), i32(0)});
      }
      if (auto e = as_const(v->extent))
        user_assert(*e % f == 0) << st() << ax(v) << " has extent " << *e << ", not a multiple of "
                                 << what << " " << f
                                 << " (tensorized kernels have no tail: pad the tensor or pick "
                                    "a tile that divides it)"
                                 << where();
    };
    divides(i_, c_.block_m, "block_m");
    divides(j_, c_.block_n, "block_n");
    divides(k_, c_.block_k, "block_k");
    auto row8 = [&](const Operand& o) {
      if (!as_const(o.stage->buffer->shape[1]))
        checks_.push_back({"stage '" + si_.op->name + "' (tensorized) needs the rows of '" +
                               o.stage->buffer->name + "' (" +
                               ir::to_string(o.stage->buffer->shape[1]) + ") to be a multiple of 8",
                           fold::mod(o.stage->buffer->shape[1], i32(8)), i32(0)});
      if (auto e = as_const(o.stage->buffer->shape[1]))
        user_assert(*e % 8 == 0) << st() << "tensor '" << o.stage->buffer->name << "' has rows of "
                                 << *e << " elements; tensorize copies 8 halves at a time, so "
                                 << "rows must be a multiple of 8" << where();
    };
    row8(a_), row8(b_);
  }

  // ---- the kernel -----------------------------------------------------------------------------
  Stmt let(Expr v, Expr value, Stmt body) { return ir::LetStmt::make(v, value, body); }

  TensorizedBody emit() {
    const int64_t BM = c_.block_m, BN = c_.block_n, BK = c_.block_k;
    const int64_t SGM = c_.subgroups_m, SGN = c_.subgroups_n;
    const int64_t WM = BM / SGM, WN = BN / SGN, TM = WM / c_.m, TN = WN / c_.n, KK = BK / c_.k;
    const int64_t BK8 = BK / 8, BN8 = BN / 8, WN8 = WN / 8;
    const int64_t SA = BK + c_.pad, SB = nt_ ? BK + c_.pad : WN + c_.pad;  // staged row, halves
    const int64_t SA8 = SA / 8, SB8 = SB / 8;
    // Slice lengths (halves) with the anchor's slack past the last row read.
    const int64_t ASL = WM * SA + 2 * SA + 128, BSL = (nt_ ? WN : BK) * SB + 2 * SB + 128;
    const int64_t nb = c_.double_buffer ? 2 : 1;
    const int64_t T = threads_, PA = BM * BK / 8 / T, PB = BK * BN / 8 / T;
    const ir::DType h = ir::DType::f16();

    ir::Buffer A = a_.stage->buffer, B = b_.stage->buffer, C = si_.buffer;
    Expr M = i_->extent, N = j_->extent, K = k_->extent;
    Expr lda8 = fold::div(A->shape[1], i32(8)), ldb8 = fold::div(B->shape[1], i32(8));
    Expr ldc = C->shape[1];
    Expr npm = fold::div(M, i32(BM)), npn = fold::div(N, i32(BN)), NK = fold::div(K, i32(BK));
    int64_t g = c_.group_m;
    if (auto c = as_const(npm)) g = std::min<int64_t>(g, *c);

    auto wgbuf = [&](const char* n, int64_t slices, int64_t len) {
      return ir::make_buffer(si_.op->name + n, h, ir::MemScope::Workgroup, {i32(slices), i32(len)});
    };
    ir::Buffer As = wgbuf("_As", nb * SGM, ASL), Bs = wgbuf("_Bs", nb * SGN, BSL);
    ir::Buffer ra = ir::make_buffer(si_.op->name + "_ra", h, ir::MemScope::Private, {i32(PA * 8)});
    ir::Buffer rb = ir::make_buffer(si_.op->name + "_rb", h, ir::MemScope::Private, {i32(PB * 8)});
    std::vector<ir::Buffer> cf, af, bf;
    for (int64_t i = 0; i < TM; ++i)
      for (int64_t j = 0; j < TN; ++j)
        cf.push_back(
            ir::make_fragment(si_.op->name + "_c" + std::to_string(i) + "_" + std::to_string(j),
                              acc_, ir::MatrixRole::Result, c_.m, c_.n));
    // One left/right fragment per (tile, k step), as the anchor's `let`s: no fragment is
    // overwritten while an earlier multiply may still read it.
    for (int64_t kk = 0; kk < KK; ++kk)
      for (int64_t i = 0; i < TM; ++i)
        af.push_back(
            ir::make_fragment(si_.op->name + "_a" + std::to_string(i) + "_" + std::to_string(kk), h,
                              ir::MatrixRole::Left, c_.m, c_.k));
    for (int64_t kk = 0; kk < KK; ++kk)
      for (int64_t j = 0; j < TN; ++j)
        bf.push_back(
            ir::make_fragment(si_.op->name + "_b" + std::to_string(j) + "_" + std::to_string(kk), h,
                              ir::MatrixRole::Right, c_.k, c_.n));

    // Per-invocation values, bound by lets around everything.
    std::vector<std::pair<Expr, Expr>> lets;
    auto bind = [&](const std::string& n, Expr value) {
      Expr v = var(n);
      lets.push_back({v, value});
      return v;
    };
    Expr li = ir::ThreadIndex::make(ir::ThreadAxis::LocalId, 0);
    Expr pid = bind("pid", ir::ThreadIndex::make(ir::ThreadAxis::WorkgroupId, 0));
    // Grouped order (Triton's): g row tiles sweep all column tiles, the last group may be short.
    Expr gn = bind("group_size", fold::mul(i32(g), npn));
    Expr first = bind("first_row", fold::mul(fold::div(pid, gn), i32(g)));
    Expr gs = bind("rows_in_group", ir::Min::make(fold::sub(npm, first), i32(g)));
    Expr inx = bind("in_group", fold::mod(pid, gn));
    Expr m0 = bind("m0", fold::mul(fold::add(first, fold::mod(inx, gs)), i32(BM)));
    Expr n0 = bind("n0", fold::mul(fold::div(inx, gs), i32(BN)));
    // subgroup_id, not local_id / 32: subgroup-matrix operands must be subgroup-uniform.
    Expr sg = bind("subgroup", ir::Subgroup::id());
    Expr wm = bind("sg_m", fold::div(sg, i32(SGN))), wn = bind("sg_n", fold::mod(sg, i32(SGN)));
    struct Copy {
      Expr global, slice, within;
    };
    std::vector<Copy> ca, cb;
    for (int64_t p = 0; p < PA; ++p) {
      std::string s = std::to_string(p);
      Expr ai = fold::add(li, i32(p * T));
      Expr ar = bind("a_row" + s, fold::div(ai, i32(BK8))), ac = fold::mod(ai, i32(BK8));
      ca.push_back({bind("a_src" + s, fold::add(fold::mul(fold::add(m0, ar), lda8), ac)),
                    bind("a_slice" + s, fold::div(ar, i32(WM))),
                    bind("a_dst" + s, fold::add(fold::mul(fold::mod(ar, i32(WM)), i32(SA8)), ac))});
    }
    for (int64_t p = 0; p < PB; ++p) {
      std::string s = std::to_string(p);
      Expr bi = fold::add(li, i32(p * T));
      if (nt_) {
        Expr bn = bind("b_row" + s, fold::div(bi, i32(BK8))), bk = fold::mod(bi, i32(BK8));
        cb.push_back(
            {bind("b_src" + s, fold::add(fold::mul(fold::add(n0, bn), ldb8), bk)),
             bind("b_slice" + s, fold::div(bn, i32(WN))),
             bind("b_dst" + s, fold::add(fold::mul(fold::mod(bn, i32(WN)), i32(SB8)), bk))});
      } else {
        Expr br = bind("b_row" + s, fold::div(bi, i32(BN8)));
        Expr bc = bind("b_col" + s, fold::mod(bi, i32(BN8)));
        cb.push_back(
            {bind("b_src" + s,
                  fold::add(fold::mul(br, ldb8), fold::add(fold::div(n0, i32(8)), bc))),
             bind("b_slice" + s, fold::div(bc, i32(WN8))),
             bind("b_dst" + s, fold::add(fold::mul(br, i32(SB8)), fold::mod(bc, i32(WN8))))});
      }
    }
    // Global -> registers for k tile `kt`; registers -> staging buffer `buf`.
    const Expr a_step = i32(BK8);
    const Expr b_step = nt_ ? i32(BK8) : fold::mul(i32(BK), ldb8);
    auto fetch = [&](Expr kt) {
      std::vector<Stmt> s;
      for (int64_t p = 0; p < PA; ++p)
        s.push_back(ir::Store::make(
            ra, ir::Load::make(A, fold::add(ca[p].global, fold::mul(kt, a_step)), 8), i32(p), 8));
      for (int64_t p = 0; p < PB; ++p)
        s.push_back(ir::Store::make(
            rb, ir::Load::make(B, fold::add(cb[p].global, fold::mul(kt, b_step)), 8), i32(p), 8));
      return s;
    };
    // Index slice * L + within (vectors): the WGSL printer turns it into As[slice][within].
    auto sliced = [](Expr slice, int64_t len8, Expr within) {
      return ir::Add::make(ir::Mul::make(slice, i32(len8)), within);
    };
    auto stage = [&](Expr buf) {
      std::vector<Stmt> s;
      for (int64_t p = 0; p < PA; ++p) {
        Expr sl = buf.defined() ? fold::add(fold::mul(buf, i32(SGM)), ca[p].slice) : ca[p].slice;
        s.push_back(ir::Store::make(As, ir::Load::make(ra, i32(p), 8),
                                    sliced(sl, ASL / 8, ca[p].within), 8));
      }
      for (int64_t p = 0; p < PB; ++p) {
        Expr sl = buf.defined() ? fold::add(fold::mul(buf, i32(SGN)), cb[p].slice) : cb[p].slice;
        s.push_back(ir::Store::make(Bs, ir::Load::make(rb, i32(p), 8),
                                    sliced(sl, BSL / 8, cb[p].within), 8));
      }
      return s;
    };
    auto append = [](std::vector<Stmt>& to, std::vector<Stmt> from) {
      to.insert(to.end(), from.begin(), from.end());
    };

    std::vector<Stmt> top = fetch(i32(0));
    append(top, stage(Expr()));
    top.push_back(ir::Barrier::make());

    // The k loop.
    Expr kt = var("kt");
    std::vector<Stmt> loop;
    Expr nx = var("k_next");
    append(loop, fetch(nx));
    Expr cur = c_.double_buffer ? var("buf") : Expr();
    Expr sa = var("a_slice"), sb = var("b_slice");
    std::vector<Stmt> mma;
    for (int64_t kk = 0; kk < KK; ++kk) {
      const ir::Buffer* a = &af[kk * TM];
      const ir::Buffer* b = &bf[kk * TN];
      for (int64_t i = 0; i < TM; ++i)
        mma.push_back(ir::MatrixOp::load(a[i], As, sa, i32(i * c_.m * SA + kk * c_.k), i32(SA)));
      for (int64_t j = 0; j < TN; ++j) {
        Expr off = nt_ ? i32(j * c_.n * SB + kk * c_.k) : i32(kk * c_.k * SB + j * c_.n);
        mma.push_back(ir::MatrixOp::load(b[j], Bs, sb, off, i32(SB), nt_));
      }
      for (int64_t i = 0; i < TM; ++i)
        for (int64_t j = 0; j < TN; ++j)
          mma.push_back(ir::MatrixOp::multiply_accumulate(cf[i * TN + j], a[i], b[j]));
    }
    // Left and right fragments live in the loop body (the anchor's `let`s): nothing of them
    // is carried from one k step to the next.
    Stmt mma_s = ir::Seq::make(mma);
    for (auto it = bf.rbegin(); it != bf.rend(); ++it) mma_s = ir::Allocate::make(*it, mma_s);
    for (auto it = af.rbegin(); it != af.rend(); ++it) mma_s = ir::Allocate::make(*it, mma_s);
    mma_s = let(sa, cur.defined() ? fold::add(fold::mul(cur, i32(SGM)), wm) : wm,
                let(sb, cur.defined() ? fold::add(fold::mul(cur, i32(SGN)), wn) : wn, mma_s));
    loop.push_back(mma_s);
    if (c_.double_buffer) {
      append(loop, stage(fold::sub(i32(1), cur)));
      loop.push_back(ir::Barrier::make());
    } else {
      loop.push_back(ir::Barrier::make());
      append(loop, stage(Expr()));
      loop.push_back(ir::Barrier::make());
    }
    Stmt loop_body = ir::Seq::make(loop);
    if (cur.defined()) loop_body = let(cur, fold::mod(kt, i32(2)), loop_body);
    loop_body = let(nx, ir::Min::make(fold::add(kt, i32(1)), fold::sub(NK, i32(1))), loop_body);
    top.push_back(ir::For::make(kt, i32(0), NK, ir::ForKind::Serial, loop_body));

    // Result fragments straight to C.
    for (int64_t i = 0; i < TM; ++i)
      for (int64_t j = 0; j < TN; ++j) {
        Expr row = fold::add(m0, fold::add(fold::mul(wm, i32(WM)), i32(i * c_.m)));
        Expr col = fold::add(n0, fold::add(fold::mul(wn, i32(WN)), i32(j * c_.n)));
        top.push_back(ir::MatrixOp::store(cf[i * TN + j], C, Expr(),
                                          fold::add(fold::mul(row, ldc), col), ldc));
      }

    Stmt body = ir::Seq::make(top);
    for (auto it = cf.rbegin(); it != cf.rend(); ++it) body = ir::Allocate::make(*it, body);
    body = ir::Allocate::make(rb, body);
    body = ir::Allocate::make(ra, body);
    body = ir::Allocate::make(Bs, body);
    body = ir::Allocate::make(As, body);
    for (auto it = lets.rbegin(); it != lets.rend(); ++it) body = let(it->first, it->second, body);

    TensorizedBody out;
    out.body = body;
    out.launch.workgroup_size = {T, 1, 1};
    out.launch.grid = {fold::mul(npm, npn), i32(1), i32(1)};
    out.checks = checks_;
    return out;
  }

  LowerContext& ctx_;
  StageInfo& si_;
  const TensorizeSpec& ts_;
  const TensorizeConfig& c_;
  const Target& t_;
  ir::DType acc_;
  ir::IterVar i_, j_, k_;
  Operand a_, b_;
  bool nt_ = false;
  int64_t nsg_ = 1, threads_ = 32;
  std::vector<ir::ProgramCheck> checks_;
};

}  // namespace

TensorizedBody lower_tensorized(LowerContext& ctx, StageInfo& si) {
  internal_assert(si.stage->tensorized() && si.is_root()) << "lower_tensorized: " << si.op->name;
  return Builder(ctx, si).build();
}

}  // namespace webtx::lowering
