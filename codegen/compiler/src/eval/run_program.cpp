// Definitions for webtx/eval/run_program.hpp.
#include "webtx/eval/run_program.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "webtx/eval/expr_eval.hpp"
#include "webtx/ir/printer.hpp"

namespace webtx::eval {

namespace detail {

struct WgMemory {
  std::vector<Value> data;
  std::vector<int64_t> w_epoch, w_lane, r_epoch, r_lane;  // r_lane -2: several readers
};

// Subgroups are kSubgroupSize consecutive invocations of the workgroup's linear index (the
// smallest size WebGPU allows, so code that assumes more lanes shows up).
constexpr int kSubgroupSize = 4;

class KernelRunner {
 public:
  KernelRunner(const ir::Kernel& k, std::unordered_map<const ir::BufferNode*, HostTensor*>& global,
               const ir::ScalarBindings& syms)
      : k_(k), global_(global) {
    nlanes_ = static_cast<int>(k.workgroup_size[0] * k.workgroup_size[1] * k.workgroup_size[2]);
    env_.resize(nlanes_);
    for (auto& s : k.scalars) {
      auto it = syms.find(s.get());
      user_assert(it != syms.end())
          << "kernel " << k.name << ": symbol '" << s.as<ir::Variable>()->name << "' is not bound";
      scalars_.push_back({slot(s.get()), it->second});
    }
    for (auto& b : k.buffers) {
      internal_assert(global_.count(b.buffer.get()))
          << "kernel " << k.name << ": buffer " << b.buffer->name << " has no storage";
      if (b.written) writer_[b.buffer.get()].assign(global_.at(b.buffer.get())->size(), -1);
    }
  }

  void run_workgroup(int64_t gx, int64_t gy, int64_t gz, int64_t linear) {
    wg_[0] = gx, wg_[1] = gy, wg_[2] = gz, wg_linear_ = linear;
    wg_mem_.clear(), private_.clear();
    epoch_ = 0;
    for (auto& e : env_) e.assign(slots_.size(), Value{});
    for (int l = 0; l < nlanes_; ++l)
      for (auto& [s, v] : scalars_) set(l, s, Value::of_int(v));
    std::vector<char> mask(nlanes_, 1);
    exec(k_.body, mask);
  }

  // ---- the context eval_expr calls back into -------------------------------------------------
  struct Lane {
    static constexpr bool kLazySelect = false;
    KernelRunner* r;
    int lane;
    Value var(const ir::Variable& v) {
      auto it = r->slots_.find(&v);
      internal_assert(it != r->slots_.end() && it->second < static_cast<int>(r->env_[lane].size()))
          << "kernel " << r->k_.name << ": variable '" << v.name << "' read before it is defined";
      return r->env_[lane][it->second];
    }
    int64_t thread(ir::ThreadAxis a, int d) {
      if (a == ir::ThreadAxis::WorkgroupId) return r->wg_[d];
      auto& ws = r->k_.workgroup_size;
      int64_t x = lane % ws[0], y = (lane / ws[0]) % ws[1], z = lane / (ws[0] * ws[1]);
      return d == 0 ? x : d == 1 ? y : z;
    }
    Value load(const ir::Load& l, int64_t i) {
      internal_assert(l.lanes == 1)
          << "run_program: vector load of " << l.buffer->name << " outside a vector copy";
      return r->load(lane, l.buffer, i);
    }
    Value producer_load(const ir::ProducerLoad& p, const std::vector<int64_t>&) {
      internal_error << "run_program: ProducerLoad of " << p.producer->name
                     << " in a lowered kernel";
      return {};
    }
    Value reduce(const ir::Reduce&) {
      internal_error << "run_program: Reduce in a lowered kernel";
      return {};
    }
    Value vector_lane(const ir::VectorLane& v) {
      auto it = r->vectors_.find(v.vector.get());
      internal_assert(it != r->vectors_.end() &&
                      it->second[lane].size() > static_cast<size_t>(v.lane))
          << "kernel " << r->k_.name << ": lane " << v.lane << " of " << ir::to_string(v.vector)
          << ", which is not a vector load's variable";
      return it->second[lane][v.lane];
    }
    Value subgroup(const ir::Subgroup& s) {
      if (s.what == ir::SubgroupOp::Lane) return Value::of_int(lane % kSubgroupSize);
      if (s.what == ir::SubgroupOp::Size) return Value::of_int(kSubgroupSize);
      // Kernels with subgroup matrices run with the subgroups they were written for.
      if (s.what == ir::SubgroupOp::Id)
        return Value::of_int(
            lane / (r->k_.subgroup_matrix_size > 0 ? r->k_.subgroup_matrix_size : kSubgroupSize));
      internal_assert(r->subgroup_ready_)
          << "kernel " << r->k_.name << ": a subgroup reduction that is not a store's value";
      return r->subgroup_result_[lane];
    }
  };

 private:
  int slot(const ir::ExprNode* v) {
    auto it = slots_.find(v);
    if (it != slots_.end()) return it->second;
    int s = static_cast<int>(slots_.size());
    slots_[v] = s;
    return s;
  }
  void set(int lane, int s, Value v) {
    auto& e = env_[lane];
    if (static_cast<int>(e.size()) <= s) e.resize(s + 1);
    e[s] = v;
  }
  Value eval(int lane, const ir::Expr& e) {
    Lane c{this, lane};
    // Lanes' environments grow lazily as slots appear.
    if (env_[lane].size() < slots_.size()) env_[lane].resize(slots_.size());
    return eval_expr(e, c);
  }
  int64_t invocation(int lane) const { return wg_linear_ * nlanes_ + lane; }

  std::string where(const ir::Buffer& b, int64_t i) const {
    return "kernel " + k_.name + ": " + ir::scope_name(b->scope) + " buffer '" + b->name + "'[" +
           std::to_string(i) + "]";
  }

  WgMemory& wg_mem(const ir::Buffer& b) {
    auto it = wg_mem_.find(b.get());
    internal_assert(it != wg_mem_.end())
        << "kernel " << k_.name << ": buffer " << b->name << " used outside its Allocate";
    return it->second;
  }

  Value load(int lane, const ir::Buffer& b, int64_t i) {
    if (b->scope == ir::MemScope::Global) {
      HostTensor* h = global_.at(b.get());
      internal_assert(i >= 0 && i < h->size())
          << where(b, i) << " read out of bounds (size " << h->size() << ")";
      auto w = writer_.find(b.get());
      if (w != writer_.end()) {
        int64_t by = w->second[i];
        internal_assert(by == -1 || by == invocation(lane))
            << where(b, i) << ": invocation " << invocation(lane) << " reads what invocation " << by
            << " wrote in the same kernel (race)";
      }
      return read_element(*h, i);
    }
    if (b->scope == ir::MemScope::Private) {
      auto& m = private_.at(b.get())[lane];
      internal_assert(i >= 0 && i < static_cast<int64_t>(m.size()))
          << where(b, i) << " read out of bounds";
      return m[i];
    }
    WgMemory& m = wg_mem(b);
    internal_assert(i >= 0 && i < static_cast<int64_t>(m.data.size()))
        << where(b, i) << " read out of bounds";
    internal_assert(!(m.w_epoch[i] == epoch_ && m.w_lane[i] != lane))
        << where(b, i) << ": invocation " << lane << " reads what invocation " << m.w_lane[i]
        << " wrote with no barrier in between (race)";
    if (m.r_epoch[i] != epoch_) {
      m.r_epoch[i] = epoch_, m.r_lane[i] = lane;
    } else if (m.r_lane[i] != lane) {
      m.r_lane[i] = -2;
    }
    return m.data[i];
  }

  void store(int lane, const ir::Buffer& b, int64_t i, Value v) {
    if (b->scope == ir::MemScope::Global) {
      HostTensor* h = global_.at(b.get());
      internal_assert(i >= 0 && i < h->size())
          << where(b, i) << " written out of bounds (size " << h->size() << ")";
      int64_t& by = writer_.at(b.get())[i];
      internal_assert(by == -1 || by == invocation(lane))
          << where(b, i) << " written by invocations " << by << " and " << invocation(lane)
          << " (race)";
      by = invocation(lane);
      return write_element(*h, i, v);
    }
    if (b->scope == ir::MemScope::Private) {
      auto& m = private_.at(b.get())[lane];
      internal_assert(i >= 0 && i < static_cast<int64_t>(m.size()))
          << where(b, i) << " written out of bounds";
      m[i] = v;
      return;
    }
    WgMemory& m = wg_mem(b);
    internal_assert(i >= 0 && i < static_cast<int64_t>(m.data.size()))
        << where(b, i) << " written out of bounds";
    internal_assert(!(m.w_epoch[i] == epoch_ && m.w_lane[i] != lane))
        << where(b, i) << " written by invocations " << m.w_lane[i] << " and " << lane
        << " with no barrier in between (race)";
    internal_assert(!(m.r_epoch[i] == epoch_ && m.r_lane[i] != lane))
        << where(b, i) << ": invocation " << lane << " overwrites what another invocation read "
        << "with no barrier in between (race)";
    m.w_epoch[i] = epoch_, m.w_lane[i] = lane;
    m.data[i] = v;
  }

  // The value of each active lane's subgroup reduction, for the store about to run.
  void subgroup_reduce(const ir::Subgroup& sg, const std::vector<char>& mask) {
    subgroup_result_.assign(nlanes_, Value{});
    for (int first = 0; first < nlanes_; first += kSubgroupSize) {
      bool any = false;
      Value acc;
      for (int i = first; i < std::min(nlanes_, first + kSubgroupSize); ++i) {
        if (!mask[i]) continue;
        Value v = eval(i, sg.value);
        if (!any) {
          acc = v, any = true;
          continue;
        }
        // As the IR's Add / Max / Min (fmax, fmin for floats).
        const ir::DType t = sg.type;
        const bool f = t.is_float();
        switch (sg.op) {
          case ir::ReduceOp::Sum:
            acc = f ? normalize(t, acc.f + v.f) : Value::of_int(wrap(t, acc.i + v.i));
            break;
          case ir::ReduceOp::Max:
            acc = f ? Value::of_float(std::fmax(acc.f, v.f)) : Value::of_int(std::max(acc.i, v.i));
            break;
          case ir::ReduceOp::Min:
            acc = f ? Value::of_float(std::fmin(acc.f, v.f)) : Value::of_int(std::min(acc.i, v.i));
            break;
        }
      }
      for (int i = first; i < std::min(nlanes_, first + kSubgroupSize); ++i)
        if (mask[i]) subgroup_result_[i] = acc;
    }
    subgroup_ready_ = true;
  }

  static Value garbage() { return Value{0xffffffffLL, std::numeric_limits<double>::quiet_NaN()}; }

  // The L elements a vector Load reads (its index counts vectors).
  std::vector<Value> vector_load(int lane, const ir::Load& ld) {
    const int64_t first = eval(lane, ld.index).i * ld.lanes;
    std::vector<Value> v;
    for (int l = 0; l < ld.lanes; ++l) v.push_back(load(lane, ld.buffer, first + l));
    return v;
  }

  // dst[index*L .. +L) = a vector Load (a copy) or a MakeVector of L scalars: every invocation
  // computes its vector, then all write.
  void vector_store(const ir::Store& st, const std::vector<char>& mask) {
    auto* ld = st.value.as<ir::Load>();
    auto* mv = st.value.as<ir::MakeVector>();
    const int L = st.lanes;
    internal_assert((ld && ld->lanes == L) || (mv && static_cast<int>(mv->elements.size()) == L))
        << "run_program: vector store to " << st.buffer->name
        << " of neither a vector load nor a vector of " << L << " elements";
    std::vector<std::pair<int64_t, std::vector<Value>>> w(nlanes_);
    for (int i = 0; i < nlanes_; ++i) {
      if (!mask[i]) continue;
      w[i].first = eval(i, st.index).i * L;
      if (ld) {
        w[i].second = vector_load(i, *ld);
      } else {
        for (auto& e : mv->elements) w[i].second.push_back(eval(i, e));
      }
    }
    for (int i = 0; i < nlanes_; ++i)
      if (mask[i])
        for (int l = 0; l < L; ++l) store(i, st.buffer, w[i].first + l, w[i].second[l]);
  }

  // A subgroup-matrix operation: each subgroup of Kernel::subgroup_matrix_size consecutive
  // lanes does it once, on the fragments its first lane holds; the products are exact (double)
  // and rounded once to the result type.
  void matrix_op(const ir::MatrixOp& op, const std::vector<char>& mask) {
    const int S = k_.subgroup_matrix_size;
    internal_assert(S > 0 && nlanes_ % S == 0)
        << "kernel " << k_.name << ": subgroup-matrix operation in a kernel of " << nlanes_
        << " invocations with subgroup_matrix_size " << S;
    auto frag = [&](const ir::Buffer& b, int lane) -> std::vector<Value>& {
      return private_.at(b.get())[lane];
    };
    const int64_t rows = *ir::as_const(op.frag->shape[0]), cols = *ir::as_const(op.frag->shape[1]);
    for (int first = 0; first < nlanes_; first += S) {
      int active = 0;
      for (int i = first; i < first + S; ++i) active += mask[i] ? 1 : 0;
      if (active == 0) continue;
      internal_assert(active == S) << "kernel " << k_.name << ": subgroup-matrix operation on "
                                   << op.frag->name << " reached by part of a subgroup";
      auto& f = frag(op.frag, first);
      if (op.op == ir::MatrixOpKind::MultiplyAccumulate) {
        auto &l = frag(op.left, first), &r = frag(op.right, first);
        const int64_t kk = *ir::as_const(op.left->shape[1]);
        for (int64_t i = 0; i < rows; ++i)
          for (int64_t j = 0; j < cols; ++j) {
            double acc = f[i * cols + j].f;
            for (int64_t k = 0; k < kk; ++k) acc += l[i * kk + k].f * r[k * cols + j].f;
            f[i * cols + j] = normalize(op.frag->type, acc);
          }
        continue;
      }
      // Every lane of the subgroup must name the same memory.
      auto uniform = [&](const ir::Expr& e) {
        if (!e.defined()) return int64_t{0};
        int64_t v = eval(first, e).i;
        for (int i = first + 1; i < first + S; ++i)
          internal_assert(eval(i, e).i == v)
              << "kernel " << k_.name << ": subgroup-matrix access of " << op.mem->name
              << " with a value that differs across the subgroup: " << ir::to_string(e);
        return v;
      };
      int64_t base = uniform(op.offset), stride = uniform(op.stride);
      if (op.slice.defined()) base += uniform(op.slice) * *ir::as_const(op.mem->shape[1]);
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < cols; ++j) {
          int64_t at = base + (op.col_major ? j * stride + i : i * stride + j);
          if (op.op == ir::MatrixOpKind::Load) {
            f[i * cols + j] = load(first, op.mem, at);
          } else {
            store(first, op.mem, at, f[i * cols + j]);
          }
        }
    }
  }

  void exec(const ir::Stmt& s, const std::vector<char>& mask) {
    using namespace ir;
    switch (s.kind()) {
      case StmtKind::Seq:
        for (auto& c : s.as<Seq>()->stmts) exec(c, mask);
        return;
      case StmtKind::LetStmt: {
        auto* l = s.as<LetStmt>();
        if (auto* ld = l->value.as<Load>(); ld && ld->lanes > 1) {
          auto& v = vectors_[l->var.get()];
          v.resize(nlanes_);
          for (int i = 0; i < nlanes_; ++i)
            if (mask[i]) v[i] = vector_load(i, *ld);
          exec(l->body, mask);
          return;
        }
        int sl = slot(l->var.get());
        for (int i = 0; i < nlanes_; ++i)
          if (mask[i]) set(i, sl, eval(i, l->value));
        exec(l->body, mask);
        return;
      }
      case StmtKind::For: {
        auto* f = s.as<For>();
        int sl = slot(f->var.get());
        std::vector<int64_t> mn(nlanes_), ex(nlanes_);
        for (int i = 0; i < nlanes_; ++i)
          if (mask[i]) mn[i] = eval(i, f->min).i, ex[i] = eval(i, f->extent).i;
        std::vector<char> m(nlanes_);
        for (int64_t t = 0;; ++t) {
          bool any = false;
          for (int i = 0; i < nlanes_; ++i) {
            m[i] = mask[i] && t < ex[i];
            if (m[i]) set(i, sl, Value::of_int(mn[i] + t)), any = true;
          }
          if (!any) return;
          exec(f->body, m);
        }
      }
      case StmtKind::IfThenElse: {
        auto* c = s.as<IfThenElse>();
        std::vector<char> t(nlanes_, 0), e(nlanes_, 0);
        bool any_t = false, any_e = false;
        for (int i = 0; i < nlanes_; ++i) {
          if (!mask[i]) continue;
          bool v = eval(i, c->cond).i != 0;
          (v ? t : e)[i] = 1;
          (v ? any_t : any_e) = true;
        }
        if (any_t) exec(c->then_case, t);
        if (any_e && c->else_case.defined()) exec(c->else_case, e);
        return;
      }
      case StmtKind::Store: {
        auto* st = s.as<Store>();
        if (st->lanes > 1) return vector_store(*st, mask);
        if (auto* sg = st->value.as<Subgroup>(); sg && sg->what == SubgroupOp::Reduce)
          subgroup_reduce(*sg, mask);
        std::vector<std::pair<int64_t, Value>> w(nlanes_);
        for (int i = 0; i < nlanes_; ++i)
          if (mask[i]) w[i] = {eval(i, st->index).i, eval(i, st->value)};
        for (int i = 0; i < nlanes_; ++i)
          if (mask[i]) store(i, st->buffer, w[i].first, w[i].second);
        subgroup_ready_ = false;
        return;
      }
      case StmtKind::Allocate: {
        auto* a = s.as<Allocate>();
        int64_t n = 1;
        for (auto& e : a->buffer->shape) n *= eval(0, e).i;
        if (a->buffer->scope == MemScope::Workgroup) {
          if (!wg_mem_.count(a->buffer.get())) {
            WgMemory m;
            m.data.assign(n, garbage());
            m.w_epoch.assign(n, -1), m.w_lane.assign(n, -1), m.r_epoch.assign(n, -1),
                m.r_lane.assign(n, -1);
            wg_mem_[a->buffer.get()] = std::move(m);
          }
        } else if (!private_.count(a->buffer.get())) {
          // Fragments start at zero (WGSL zero-initialises them, SPIR-V gets a zero constant).
          const bool fragment = a->buffer->matrix != MatrixRole::None;
          private_[a->buffer.get()].assign(
              nlanes_, std::vector<Value>(n, fragment ? Value::of_float(0) : garbage()));
        }
        exec(a->body, mask);
        return;
      }
      case StmtKind::Barrier:
        for (int i = 0; i < nlanes_; ++i)
          internal_assert(mask[i]) << "kernel " << k_.name << ": barrier reached by only part of "
                                   << "the workgroup (non-uniform control flow)";
        ++epoch_;
        return;
      case StmtKind::MatrixOp:
        return matrix_op(*s.as<MatrixOp>(), mask);
      case StmtKind::ProducerStore:
        internal_error << "run_program: ProducerStore in a lowered kernel";
    }
  }

  const ir::Kernel& k_;
  std::unordered_map<const ir::BufferNode*, HostTensor*>& global_;
  std::unordered_map<const ir::BufferNode*, std::vector<int64_t>> writer_;
  std::vector<std::pair<int, int64_t>> scalars_;
  std::unordered_map<const ir::ExprNode*, int> slots_;
  std::vector<std::vector<Value>> env_;
  std::unordered_map<const ir::BufferNode*, WgMemory> wg_mem_;
  std::unordered_map<const ir::BufferNode*, std::vector<std::vector<Value>>> private_;
  // Variables bound to vector loads: per invocation, the elements loaded.
  std::unordered_map<const ir::ExprNode*, std::vector<std::vector<Value>>> vectors_;
  std::vector<Value> subgroup_result_;
  bool subgroup_ready_ = false;
  int nlanes_ = 1;
  int64_t wg_[3] = {0, 0, 0}, wg_linear_ = 0, epoch_ = 0;
};

}  // namespace detail

// Runs `prog` with its inputs given by name; returns its outputs by name. Symbols are bound
// from the inputs' shapes, or by name from `symbols`.
TensorMap run_program(const ir::Program& prog, const TensorMap& inputs, const SymbolMap& symbols) {
  std::vector<std::pair<std::string, std::vector<ir::Expr>>> declared;
  for (auto& t : prog.tensors)
    if (t.role == ir::TensorRole::Input) declared.push_back({t.buffer->name, t.buffer->shape});
  ir::ScalarBindings syms = bind_symbols(declared, inputs, prog.symbols, symbols);
  for (auto& s : prog.symbols) {
    user_assert(syms.count(s.get()))
        << "run_program: symbol '" << s.as<ir::Variable>()->name
        << "' is not bound (pass it, or an input whose shape names it)";
  }
  for (auto& c : prog.checks) {
    const int64_t l = ir::eval_scalar(c.lhs, syms), r = ir::eval_scalar(c.rhs, syms);
    user_assert(l <= r) << "run_program: " << c.what << " (" << ir::to_string(c.lhs) << " = " << l
                        << ", must be <= " << r << ")";
  }
  TensorMap store;
  std::unordered_map<const ir::BufferNode*, HostTensor*> global;
  for (auto& t : prog.tensors) {
    const std::string& n = t.buffer->name;
    if (t.role == ir::TensorRole::Input) {
      auto it = inputs.find(n);
      user_assert(it != inputs.end()) << "run_program: no value for input '" << n << "'";
      user_assert(it->second.dtype == t.buffer->type)
          << "run_program: input '" << n << "' is " << it->second.dtype.str() << ", expected "
          << t.buffer->type.str();
      store[n] = it->second;
    } else {
      std::vector<int64_t> shape;
      for (auto& e : t.buffer->shape) shape.push_back(ir::eval_scalar(e, syms));
      HostTensor h(t.buffer->type, shape);
      std::fill(h.bytes.begin(), h.bytes.end(), uint8_t{0xff});
      store[n] = std::move(h);
    }
    global[t.buffer.get()] = &store[n];
  }
  for (auto& k : prog.kernels) {
    int64_t g[3];
    for (int d = 0; d < 3; ++d) g[d] = ir::eval_scalar(k.grid[d], syms);
    detail::KernelRunner r(k, global, syms);
    int64_t linear = 0;
    for (int64_t z = 0; z < g[2]; ++z)
      for (int64_t y = 0; y < g[1]; ++y)
        for (int64_t x = 0; x < g[0]; ++x) r.run_workgroup(x, y, z, linear++);
  }
  TensorMap out;
  for (auto& t : prog.tensors)
    if (t.role == ir::TensorRole::Output) out[t.buffer->name] = store.at(t.buffer->name);
  return out;
}

}  // namespace webtx::eval
