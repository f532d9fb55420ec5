// The WGSL printer: one visit per IR node (after Halide's CodeGen_WebGPU_Dev and TVM's
// codegen_webgpu). Expressions print fully parenthesised; statements go to the entry point's
// body, module-scope declarations (workgroup arrays, helpers) to a separate stream that is
// joined in front.
#include <optional>
#include <sstream>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "webtx/codegen/wgsl.hpp"
#include "webtx/ir/functor.hpp"
#include "webtx/ir/printer.hpp"
#include "webtx/ir/substitute.hpp"
#include "webtx/ir/vector_access.hpp"
#include "webtx/lower/prune_guards.hpp"
#include "webtx/target_check.hpp"
#include "wgsl_internal.hpp"

namespace webtx::codegen {
namespace {

using namespace ir;
using wgsl_detail::float_literal;
using wgsl_detail::int_literal;
using wgsl_detail::storage_type;
using wgsl_detail::value_type;

struct BufferInfo {
  std::string name;
  bool bool_as_u32 = false;  // a Global bool buffer: stored as u32 0/1
  bool writable = true;
  int lanes = 1;  // > 1: declared as array<vecN<T>> (vector copies; see ir/vector_access.hpp)
  int64_t slice_len = 0;  // > 0: declared array<array<vecN<T>, slice_len>, slices>
};

class WgslPrinter : public IRVisitor {
 public:
  WgslPrinter(const Kernel& k, const Target& target)
      : k_(k), target_(target), scope_(k.workgroup_size, k.name) {}

  std::string emit() {
    internal_assert(k_.body.defined()) << "kernel " << k_.name << " has no body";
    for (int d = 0; d < 3; ++d)
      internal_assert(k_.workgroup_size[d] >= 1)
          << "kernel " << k_.name << ": workgroup_size[" << d << "] = " << k_.workgroup_size[d];
    // The backend's own names first, so user names can never take them.
    names_.claim(kWgslEntryPoint);
    wg_id_ = names_.fresh("webtx_workgroup_id");
    local_id_ = names_.fresh("webtx_local_id");
    sg_lane_ = names_.fresh("webtx_subgroup_lane");
    sg_size_ = names_.fresh("webtx_subgroup_size");
    sg_id_ = names_.fresh("webtx_subgroup_id");

    lanes_ = buffer_lanes(k_.body);
    struct Sliced : IRVisitor {
      std::unordered_set<const BufferNode*> s;
      bool id = false;
      void visit_Subgroup(const Subgroup& op) override {
        id |= op.what == SubgroupOp::Id;
        IRVisitor::visit_Subgroup(op);
      }
      void visit_MatrixOp(const MatrixOp& op) override {
        if (op.slice.defined()) s.insert(op.mem.get());
      }
    } sliced;
    sliced.visit(k_.body);
    sliced_ = std::move(sliced.s);
    uses_subgroup_id_ = sliced.id;
    std::ostringstream decls;
    for (size_t i = 0; i < k_.buffers.size(); ++i) {
      auto& kb = k_.buffers[i];
      internal_assert(kb.buffer && kb.buffer->scope == MemScope::Global)
          << "kernel " << k_.name << ": binding " << i << " is not a global buffer";
      BufferInfo info{names_.fresh(kb.buffer->name), kb.buffer->type.is_bool(), kb.written,
                      lanes_of(kb.buffer.get())};
      decls << "@group(0) @binding(" << i << ") var<storage, " << wgsl_buffer_access(kb) << "> "
            << info.name << ": array<" << vec(stype(kb.buffer->type), info.lanes) << ">;\n";
      internal_assert(buffers_.emplace(kb.buffer.get(), std::vector{info}).second)
          << "kernel " << k_.name << " binds buffer " << kb.buffer->name << " twice";
    }
    std::ostringstream pre;  // start of main: scalars read from the uniform block
    if (!k_.scalars.empty()) {
      std::string st = names_.fresh("WebtxUniforms"), u = names_.fresh("webtx_uniforms");
      decls << "struct " << st << " {\n";
      int index = 0;
      for (auto& s : k_.scalars) {
        auto* v = s.as<Variable>();
        internal_assert(v && s.type() == DType::i32())
            << "kernel " << k_.name << ": scalars must be i32 Vars";
        // Fields live in the struct's own namespace, but fresh() keeps them unique anyway.
        std::string f = names_.fresh(v->name);
        decls << "  " << f << ": i32,\n";
        // The marker names the i-th scalar: a shape-specialized pipeline's module has the line
        // as `const <local>: i32 = <value>i;` (docs/web.md; web/src/specialize.js).
        std::string local = names_.fresh(v->name);
        pre << "  let " << local << ": i32 = " << u << "." << f << ";  // webtx:symbol " << index++
            << "\n";
        bind(v, local);
      }
      for (size_t i = k_.scalars.size(); i % 4 != 0; ++i)
        decls << "  " << names_.fresh("webtx_pad") << ": i32,\n";
      decls << "}\n@group(0) @binding(" << k_.buffers.size() << ") var<uniform> " << u << ": " << st
            << ";\n";
    }

    depth_ = 1;
    visit(scope_.drop_out_of_bounds(k_.body));

    internal_assert(!uses_f16_ || k_.uses_f16)
        << "kernel " << k_.name << " uses f16 but Kernel::uses_f16 is not set";
    std::ostringstream out;
    std::string title = k_.name;
    for (char& c : title)
      if (c == '\n' || c == '\r') c = ' ';
    out << "// webtx kernel: " << title << "\n";
    if (k_.uses_f16) out << "enable f16;\n";
    if (k_.uses_subgroups) out << "enable subgroups;\n";
    if (k_.subgroup_matrix_size > 0) out << "enable chromium_experimental_subgroup_matrix;\n";
    out << "\n" << decls.str() << module_.str() << "\n";
    out << "@compute @workgroup_size(" << k_.workgroup_size[0] << ", " << k_.workgroup_size[1]
        << ", " << k_.workgroup_size[2] << ")\n";
    out << "fn " << kWgslEntryPoint << "(@builtin(workgroup_id) " << wg_id_
        << ": vec3<u32>, @builtin(local_invocation_id) " << local_id_ << ": vec3<u32>";
    if (k_.uses_subgroups) {
      out << ", @builtin(subgroup_invocation_id) " << sg_lane_ << ": u32, @builtin(subgroup_size) "
          << sg_size_ << ": u32";
      if (uses_subgroup_id_) out << ", @builtin(subgroup_id) " << sg_id_ << ": u32";
    }
    out << ") {\n";
    out << pre.str() << body_.str() << "}\n";
    return out.str();
  }

 protected:
  using IRVisitor::visit;

  // ---- expressions: each sets e_ ----------------------------------------------------------
  void visit_IntImm(const IntImm& op) override { e_ = int_literal(op.type, op.value); }
  void visit_FloatImm(const FloatImm& op) override {
    stype(op.type);
    e_ = float_literal(op.type, op.value);
    if (!e_.empty()) return;
    // inf/NaN have no WGSL literal and would be a const-expression error: build them from a
    // private variable's bits, which the compiler must treat as a run-time value.
    if (zero_.empty()) {
      zero_ = names_.fresh("webtx_runtime_zero");
      module_ << "var<private> " << zero_ << ": u32;\n";
    }
    std::ostringstream s;
    s << "0x" << std::hex << wgsl_detail::nonfinite_bits(op.type, op.value) << "u";
    if (op.type.bits == 16) {
      e_ = "bitcast<vec2<f16>>(" + zero_ + " | " + s.str() + ").x";
    } else {
      e_ = "bitcast<f32>(" + zero_ + " | " + s.str() + ")";
    }
  }
  void visit_Variable(const Variable& op) override {
    auto it = vars_.find(&op);
    internal_assert(it != vars_.end() && !it->second.empty())
        << "kernel " << k_.name << ": variable '" << op.name << "' is used but not bound";
    e_ = it->second.back();
  }
  // Integer / and % truncate toward zero like the IR's Div/Mod; WGSL defines x / 0 = x,
  // x % 0 = 0 and INT_MIN / -1 = INT_MIN where C leaves them undefined. Float % is
  // x - y * trunc(x / y), as in the IR. And/Or on integers are bitwise.
  void visit_binary(const BinaryExpr& op) override {
    if (op.kind == ExprKind::Min || op.kind == ExprKind::Max) {
      e_ = call(op.kind == ExprKind::Min ? "min" : "max", {op.a, op.b});
      return;
    }
    const char* sym = binary_infix(op.kind);
    if (!op.type.is_bool() && op.kind == ExprKind::And) sym = "&";
    if (!op.type.is_bool() && op.kind == ExprKind::Or) sym = "|";
    std::string a = expr(op.a), b = expr(op.b);
    e_ = std::string("(") + a + " " + sym + " " + b + ")";
  }
  void visit_Not(const Not& op) override { e_ = "(!" + expr(op.a) + ")"; }
  void visit_Select(const Select& op) override {
    std::string c = expr(op.cond), t = expr(op.t), f = expr(op.f);
    e_ = "select(" + f + ", " + t + ", " + c + ")";
  }
  void visit_Cast(const Cast& op) override {
    // WGSL's conversions match the IR: float->int truncates toward zero (and saturates),
    // bool->number is 0/1, number->bool is != 0, i32<->u32 keeps the bits.
    e_ = vtype(op.type) + "(" + expr(op.value) + ")";
  }
  void visit_Call(const Call& op) override {
    vtype(op.type);  // notes f16 use
    auto one = [&](const char* v) { return float_literal(op.type, std::stod(v)); };
    switch (op.func) {
      case Intrinsic::Exp:
        e_ = call("exp", op.args);
        return;
      case Intrinsic::Log:
        e_ = call("log", op.args);
        return;
      case Intrinsic::Sqrt:
        e_ = call("sqrt", op.args);
        return;
      case Intrinsic::Rsqrt:
        e_ = call("inverseSqrt", op.args);
        return;
      case Intrinsic::Pow:
        e_ = call("pow", op.args);
        return;
      case Intrinsic::Abs:
        e_ = call("abs", op.args);
        return;
      case Intrinsic::Floor:
        e_ = call("floor", op.args);
        return;
      case Intrinsic::Ceil:
        e_ = call("ceil", op.args);
        return;
      case Intrinsic::Sin:
        e_ = call("sin", op.args);
        return;
      case Intrinsic::Cos:
        e_ = call("cos", op.args);
        return;
      case Intrinsic::Tanh:
        // tanh(+-15) is +-1 in f32 and f16; clamping first keeps drivers that compute tanh
        // through exp() from returning inf/inf = NaN for large inputs.
        e_ = "tanh(clamp(" + expr(op.args[0]) + ", " + one("-15") + ", " + one("15") + "))";
        return;
      case Intrinsic::Sigmoid:
        e_ = "(" + one("1") + " / (" + one("1") + " + exp(-" + expr(op.args[0]) + ")))";
        return;
      case Intrinsic::Erf:
        internal_error << "kernel " << k_.name
                       << ": erf reached the WGSL backend; legalize_intrinsics must rewrite it";
    }
    internal_error << "unknown intrinsic";
  }
  void visit_Load(const Load& op) override {
    const BufferInfo& b = buffer(op.buffer);
    e_ = access(b, op.index, op.lanes);
    if (b.bool_as_u32) e_ = "(" + e_ + " != 0u)";
  }
  void visit_ThreadIndex(const ThreadIndex& op) override {
    const std::string& v = op.axis == ThreadAxis::WorkgroupId ? wg_id_ : local_id_;
    e_ = std::string("i32(") + v + "." + "xyz"[op.dim] + ")";
  }
  void visit_Subgroup(const Subgroup& op) override {
    internal_assert(k_.uses_subgroups)
        << "kernel " << k_.name << " uses subgroups but Kernel::uses_subgroups is not set";
    if (op.what != SubgroupOp::Reduce) {
      e_ = "i32(" +
           (op.what == SubgroupOp::Lane ? sg_lane_
            : op.what == SubgroupOp::Id ? sg_id_
                                        : sg_size_) +
           ")";
      return;
    }
    static const char* const kFn[] = {"subgroupAdd", "subgroupMax", "subgroupMin"};
    e_ = std::string(kFn[static_cast<int>(op.op)]) + "(" + expr(op.value) + ")";
  }
  void visit_VectorLane(const VectorLane& op) override {
    e_ = expr(op.vector) + "." + "xyzw"[op.lane];
  }
  void visit_MakeVector(const MakeVector& op) override {
    std::string args;
    for (auto& el : op.elements) args += (args.empty() ? "" : ", ") + expr(el);
    e_ = vec(vtype(op.type), static_cast<int>(op.elements.size())) + "(" + args + ")";
  }
  void visit_ProducerLoad(const ProducerLoad&) override {
    internal_error << "kernel " << k_.name << ": ProducerLoad reached the WGSL backend";
  }
  void visit_Reduce(const Reduce&) override {
    internal_error << "kernel " << k_.name << ": Reduce reached the WGSL backend";
  }

  // ---- statements ---------------------------------------------------------------------------
  void visit_LetStmt(const LetStmt& op) override {
    auto* v = op.var.as<Variable>();
    std::string value = expr(op.value), name = names_.fresh(v->name);
    // A vector load's variable (read by VectorLane) holds the vector.
    auto* vload = op.value.as<Load>();
    const int lanes = vload ? vload->lanes : 1;
    line("let " + name + ": " + vec(vtype(op.var.type()), lanes) + " = " + value + ";");
    bind(v, name);
    scope_.push_let(op.var, op.value);
    visit(op.body);
    scope_.pop();
    unbind(v);
  }
  void visit_For(const For& op) override {
    auto* v = op.var.as<Variable>();
    std::string t = vtype(op.var.type());
    auto* unroll_ext = op.extent.as<IntImm>();
    if (op.for_kind != ForKind::Serial) {
      internal_assert(unroll_ext) << "kernel " << k_.name << ": " << for_kind_name(op.for_kind)
                                  << " loop over '" << v->name << "' needs a constant extent";
    }
    // Unrolled and Vectorized loops (not turned into vector copies) of at most the target's
    // maxUnrollIterations are unrolled here: one block per iteration with the index bound to
    // its value. Longer ones stay loops, as in the SPIR-V backend.
    if (op.for_kind != ForKind::Serial && unroll_ext->value <= target_.limits.maxUnrollIterations) {
      auto* ext = unroll_ext;
      auto* mn = op.min.as<IntImm>();
      std::string base = mn ? "" : expr(op.min);
      std::string name = names_.fresh(v->name);
      bind(v, name);
      for (int64_t i = 0; i < ext->value; ++i) {
        std::string value = mn ? int_literal(op.var.type(), mn->value + i)
                               : "(" + base + " + " + int_literal(op.var.type(), i) + ")";
        line("{");
        ++depth_;
        if (mn) {
          // The literal itself: indices built from it are const-expressions, which Tint folds
          // and bounds-checks at compile time (no run-time clamps), so register arrays
          // indexed by unrolled loops stay in registers. Bounds-checks even in dead code: the
          // iteration is simplified first, so guards that are false for it (a split tail past
          // a small cache) drop the accesses they would make out of bounds.
          vars_[v].back() = value;
          ir::Stmt body = scope_.prune(op.body, op.var, mn->value + i);
          scope_.push_value(op.var, mn->value + i);
          visit(body);
          scope_.pop();
        } else {
          std::string decl = "let ";
          decl.append(name).append(": ").append(t).append(" = ").append(value).append(";");
          line(decl);
          scope_.push_loop(op.var, op.min, op.extent);
          visit(op.body);
          scope_.pop();
        }
        --depth_;
        line("}");
      }
      unbind(v);
      return;
    }
    std::string lo = expr(op.min), hi;
    auto* mn = op.min.as<IntImm>();
    auto* ext = op.extent.as<IntImm>();
    if (mn && ext) {
      hi = int_literal(op.var.type(), mn->value + ext->value);
    } else {
      std::string ex = expr(op.extent);
      hi = mn && mn->value == 0 ? ex : "(" + lo + " + " + ex + ")";
      // Arithmetic on invariants stays in the condition itself, where a specialized module's
      // constant symbols fold it to a literal and the GPU compiler unrolls the loop (through
      // a let it did not: 74% of copy against 81%, benchmarks/results/specialize_2026-11-28-h200).
      // An end that loads is evaluated once (the body may store where it loads).
      if (ir::reads_memory(op.min) || ir::reads_memory(op.extent)) {
        std::string end = names_.fresh(v->name + "_end");
        line("let " + end + ": " + t + " = " + hi + ";");
        hi = end;
      }
    }
    std::string name = names_.fresh(v->name);
    line("for (var " + name + ": " + t + " = " + lo + "; " + name + " < " + hi + "; " + name +
         "++) {");
    bind(v, name);
    scope_.push_loop(op.var, op.min, op.extent);
    nested(op.body);
    scope_.pop();
    unbind(v);
    line("}");
  }
  void visit_Store(const Store& op) override {
    const BufferInfo& b = buffer(op.buffer);
    internal_assert(b.writable) << "kernel " << k_.name << " stores to buffer " << op.buffer->name
                                << ", which is not marked written";
    std::string target = access(b, op.index, op.lanes), value = expr(op.value);
    if (b.bool_as_u32) value = "select(0u, 1u, " + value + ")";
    line(target + " = " + value + ";");
  }
  void visit_IfThenElse(const IfThenElse& op) override {
    line("if (" + expr(op.cond) + ") {");
    nested(op.then_case);
    if (op.else_case.defined()) {
      line("} else {");
      nested(op.else_case);
    }
    line("}");
  }
  void visit_Allocate(const Allocate& op) override {
    const BufferNode* b = op.buffer.get();
    if (b->matrix != MatrixRole::None) {
      // A fragment: a function variable, zero when declared.
      std::string name = names_.fresh(b->name);
      line("var " + name + " = " + matrix_type(*b) + "();");
      buffers_[b].push_back(BufferInfo{name, false, true, 1});
      visit(op.body);
      buffers_[b].pop_back();
      return;
    }
    int64_t n = 1;
    for (auto& d : b->shape) {
      auto* c = d.as<IntImm>();
      internal_assert(c && c->value > 0) << "kernel " << k_.name << ": allocation " << b->name
                                         << " needs a constant positive shape";
      n *= c->value;
    }
    int lanes = lanes_of(b);
    std::string type =
        "array<" + vec(vtype(b->type), lanes) + ", " + std::to_string(n / lanes) + ">";
    int64_t slice_len = 0;
    if (sliced_.count(b)) {
      // One row per subgroup, so fragment loads get constant offsets within a fixed length.
      internal_assert(b->shape.size() == 2 && b->scope == MemScope::Workgroup)
          << "kernel " << k_.name << ": sliced buffer " << b->name << " is not 2-D workgroup";
      slice_len = *as_const_int(b->shape[1]) / lanes;
      type = "array<array<" + vec(vtype(b->type), lanes) + ", " + std::to_string(slice_len) +
             ">, " + std::to_string(*as_const_int(b->shape[0])) + ">";
    }
    if (b->scope == MemScope::Workgroup) {
      // WGSL only allows workgroup variables at module scope: one per buffer node, even if an
      // unrolled loop visits its Allocate several times.
      auto it = workgroup_.find(b);
      if (it == workgroup_.end()) {
        it = workgroup_.emplace(b, names_.fresh(b->name)).first;
        module_ << "var<workgroup> " << it->second << ": " << type << ";\n";
      }
      buffers_[b].push_back(BufferInfo{it->second, false, true, lanes, slice_len});
    } else {
      std::string name = names_.fresh(b->name);
      line("var " + name + ": " + type + ";");
      buffers_[b].push_back(BufferInfo{name, false, true, lanes});
    }
    visit(op.body);
    buffers_[b].pop_back();
  }
  void visit_Seq(const Seq& op) override {
    for (auto& s : op.stmts) visit(s);
  }
  void visit_Barrier(const Barrier&) override { line("workgroupBarrier();"); }
  void visit_MatrixOp(const MatrixOp& op) override {
    internal_assert(k_.subgroup_matrix_size > 0)
        << "kernel " << k_.name << " uses subgroup matrices but subgroup_matrix_size is not set";
    const std::string f = buffer(op.frag).name;
    if (op.op == MatrixOpKind::MultiplyAccumulate) {
      line(f + " = subgroupMatrixMultiplyAccumulate(" + buffer(op.left).name + ", " +
           buffer(op.right).name + ", " + f + ");");
      return;
    }
    std::string m = matrix_memory(op);
    size_t p1 = m.find('|'), p2 = m.rfind('|');
    std::string ptr = m.substr(0, p1), off = m.substr(p1 + 1, p2 - p1 - 1), str = m.substr(p2 + 1);
    const char* layout = op.col_major ? "col_major" : "row_major";
    if (op.op == MatrixOpKind::Load) {
      line(f + " = subgroupMatrixLoad<" + matrix_type(*op.frag) + ", " + layout + ">(" + ptr +
           ", " + off + ", " + str + ");");
    } else {
      line(std::string("subgroupMatrixStore<") + layout + ">(" + ptr + ", " + off + ", " + f +
           ", " + str + ");");
    }
  }
  void visit_ProducerStore(const ProducerStore&) override {
    internal_error << "kernel " << k_.name << ": ProducerStore reached the WGSL backend";
  }

 private:
  // buffer[index]; a sliced workgroup buffer (declared array<array<T, L>, S>) is indexed
  // [slice][within], read off an index built as slice * L + within (lower/tensorize.cpp).
  std::string access(const BufferInfo& b, const Expr& index, int lanes) {
    if (b.slice_len == 0) return element(b, expr(index), lanes);
    internal_assert(lanes == b.lanes)
        << "kernel " << k_.name << ": access of " << lanes << " lanes to sliced buffer " << b.name;
    if (auto* add = index.as<Add>())
      if (auto* m = add->a.as<Mul>())
        if (auto* l = m->b.as<IntImm>(); l && l->value == b.slice_len)
          return b.name + "[" + expr(m->a) + "][" + expr(add->b) + "]";
    std::string i = expr(index), L = std::to_string(b.slice_len) + "i";
    return b.name + "[(" + i + ") / " + L + "][(" + i + ") % " + L + "]";
  }
  // Where a subgroup matrix lives: the pointer, and offset and stride in array elements.
  std::string matrix_memory(const MatrixOp& op) {
    const BufferInfo& b = buffer(op.mem);
    const int lanes = b.lanes;
    std::string ptr = "&" + b.name;
    if (op.slice.defined()) ptr = "&" + b.name + "[" + expr(op.slice) + "]";
    auto units = [&](const Expr& e, const char* what) {
      if (auto c = as_const_int(e)) {
        internal_assert(*c % lanes == 0)
            << "kernel " << k_.name << ": subgroup-matrix " << what << " " << *c << " of "
            << op.mem->name << " is not a multiple of its " << lanes << "-lane vectors";
        return std::to_string(*c / lanes) + "u";
      }
      std::string v = "u32(" + expr(e) + ")";
      return lanes == 1 ? v : "(" + v + " / " + std::to_string(lanes) + "u)";
    };
    std::string offset = units(op.offset, "offset"), stride = units(op.stride, "stride");
    return ptr + "|" + offset + "|" + stride;
  }
  std::string matrix_type(const BufferNode& f) {
    static const char* const kRole[] = {"", "subgroup_matrix_left", "subgroup_matrix_right",
                                        "subgroup_matrix_result"};
    // WGSL names columns before rows: left<T, K, M>, right<T, N, K>, result<T, N, M>.
    return std::string(kRole[static_cast<int>(f.matrix)]) + "<" + vtype(f.type) + ", " +
           std::to_string(*as_const_int(f.shape[1])) + ", " +
           std::to_string(*as_const_int(f.shape[0])) + ">";
  }
  static std::optional<int64_t> as_const_int(const Expr& e) {
    if (auto* c = e.as<IntImm>()) return c->value;
    return std::nullopt;
  }

  std::string expr(const Expr& e) {
    internal_assert(e.defined()) << "kernel " << k_.name << ": undefined expression";
    visit(e);
    std::string out = std::move(e_);
    e_.clear();  // leave the moved-from buffer in a known state for the next visit
    return out;
  }
  std::string call(const char* f, const std::vector<Expr>& args) {
    std::string s = std::string(f) + "(";
    for (size_t i = 0; i < args.size(); ++i) s += (i ? ", " : "") + expr(args[i]);
    return s + ")";
  }
  std::string vtype(DType t) {
    if (t.is_float() && t.bits == 16) uses_f16_ = true;
    return value_type(t);
  }
  int lanes_of(const BufferNode* b) const {
    auto it = lanes_.find(b);
    return it == lanes_.end() ? 1 : it->second;
  }
  // 8 halves (16 bytes) travel as vec4<u32>: WGSL has no vec8, and subgroupMatrixLoad reads
  // f16 matrices out of vec4<u32> arrays.
  static std::string vec(const std::string& t, int lanes) {
    if (lanes == 8) {
      internal_assert(t == "f16") << "8-lane vectors of " << t;
      return "vec4<u32>";
    }
    return lanes == 1 ? t : "vec" + std::to_string(lanes) + "<" + t + ">";
  }
  // An access of `lanes` elements at `index` (vectors count in vectors; a scalar access to a
  // vector-declared buffer picks its component).
  static std::string element(const BufferInfo& b, const std::string& index, int lanes) {
    if (lanes > 1 || b.lanes == 1) return b.name + "[" + index + "]";
    internal_assert(b.lanes != 8) << "scalar access to " << b.name << ", held as vec4<u32>";
    int shift = b.lanes == 4 ? 2 : 1;
    return b.name + "[(" + index + ") >> " + std::to_string(shift) + "u][(" + index + ") & " +
           std::to_string(b.lanes - 1) + "]";
  }
  std::string stype(DType t) {
    if (t.is_float() && t.bits == 16) uses_f16_ = true;
    return storage_type(t);
  }
  const BufferInfo& buffer(const Buffer& b) {
    auto it = buffers_.find(b.get());
    internal_assert(it != buffers_.end() && !it->second.empty())
        << "kernel " << k_.name << " accesses buffer " << b->name
        << ", which is neither bound nor allocated";
    return it->second.back();
  }
  void bind(const Variable* v, std::string name) { vars_[v].push_back(std::move(name)); }
  void unbind(const Variable* v) { vars_[v].pop_back(); }
  void line(const std::string& s) {
    for (int i = 0; i < depth_; ++i) body_ << "  ";
    body_ << s << "\n";
  }
  void nested(const Stmt& s) {
    ++depth_;
    visit(s);
    --depth_;
  }

  const Kernel& k_;
  const Target& target_;
  lowering::GuardScope scope_;  // ranges in scope, for pruning unrolled iterations
  wgsl_detail::Namer names_;
  std::string wg_id_, local_id_, zero_;
  std::unordered_map<const ExprNode*, std::vector<std::string>> vars_;
  std::unordered_map<const BufferNode*, int> lanes_;  // buffers accessed as vectors
  std::unordered_map<const BufferNode*, std::vector<BufferInfo>> buffers_;
  std::unordered_map<const BufferNode*, std::string> workgroup_;
  std::unordered_set<const BufferNode*> sliced_;  // workgroup buffers read by slice
  std::ostringstream body_, module_;
  std::string e_;
  int depth_ = 0;
  bool uses_f16_ = false;
  std::string sg_lane_, sg_size_, sg_id_;
  bool uses_subgroup_id_ = false;
};

}  // namespace

const char* wgsl_buffer_access(const ir::KernelBuffer& b) {
  return b.written ? "read_write" : "read";
}

std::string emit_wgsl(const ir::Kernel& kernel, const Target& target) {
  check_kernel_target(kernel, target);
  return WgslPrinter(kernel, target).emit();
}

}  // namespace webtx::codegen
