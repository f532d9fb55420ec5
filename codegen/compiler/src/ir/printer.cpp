// The IR printer (declared in webtx/ir/printer.hpp).
#include "webtx/ir/printer.hpp"

#include <ostream>
#include <sstream>
#include <unordered_map>

#include "webtx/ir/functor.hpp"
#include "webtx/ir/op_graph.hpp"
#include "webtx/ir/operation.hpp"

namespace webtx::ir {

namespace {
class IRPrinter : public IRVisitor {
 public:
  explicit IRPrinter(std::ostream& os) : os_(os) {}
  using IRVisitor::visit;

  void print(const Expr& e) { visit(e); }
  void print(const Stmt& s) { visit(s); }

  std::string name_of(const void* node, const std::string& base) {
    auto it = names_.find(node);
    if (it != names_.end()) return it->second;
    int& n = counts_[base];
    std::string name = n == 0 ? base : base + "_" + std::to_string(n);
    ++n;
    return names_[node] = name;
  }

 protected:
  void visit_IntImm(const IntImm& op) override {
    if (op.type.is_bool()) {
      os_ << (op.value ? "true" : "false");
    } else {
      os_ << op.value << (op.type.is_uint() ? "u" : "");
    }
  }
  void visit_FloatImm(const FloatImm& op) override {
    std::ostringstream s;
    s.precision(9);
    s << op.value;
    std::string t = s.str();
    if (t.find_first_of(".e") == std::string::npos) t += ".0";
    os_ << t << (op.type.bits == 16 ? "h" : "f");
  }
  void visit_Variable(const Variable& op) override { os_ << name_of(&op, op.name); }
  void visit_binary(const BinaryExpr& op) override {
    const char* sym = binary_infix(op.kind);
    if (!sym) return call(op.kind == ExprKind::Min ? "min" : "max", {op.a, op.b});
    os_ << "(";
    visit(op.a);
    os_ << " " << sym << " ";
    visit(op.b);
    os_ << ")";
  }
  void visit_Not(const Not& op) override {
    os_ << "!";
    visit(op.a);
  }
  void visit_Select(const Select& op) override { call("select", {op.cond, op.t, op.f}); }
  void visit_Cast(const Cast& op) override { call(op.type.str(), {op.value}); }
  void visit_Call(const Call& op) override { call(intrinsic_name(op.func), op.args); }
  void visit_Load(const Load& op) override {
    os_ << name_of(op.buffer.get(), op.buffer->name) << "[";
    visit(op.index);
    os_ << (op.lanes > 1 ? " +: " + std::to_string(op.lanes) : std::string()) << "]";
  }
  void visit_ProducerLoad(const ProducerLoad& op) override {
    call(name_of(op.producer.get(), op.producer->name), op.indices);
  }
  void visit_Reduce(const Reduce& op) override {
    os_ << reduce_op_name(op.op) << "(";
    visit(op.source);
    os_ << ", axes=[";
    for (size_t i = 0; i < op.axes.size(); ++i) {
      if (i) os_ << ", ";
      visit(op.axes[i]->var);
      os_ << " in [";
      visit(op.axes[i]->min);
      os_ << ", +";
      visit(op.axes[i]->extent);
      os_ << ")";
    }
    os_ << "])";
  }
  void visit_ThreadIndex(const ThreadIndex& op) override {
    os_ << (op.axis == ThreadAxis::WorkgroupId ? "workgroup_id." : "local_id.") << "xyz"[op.dim];
  }
  void visit_Subgroup(const Subgroup& op) override {
    if (op.what == SubgroupOp::Lane) {
      os_ << "subgroup_lane";
    } else if (op.what == SubgroupOp::Size) {
      os_ << "subgroup_size";
    } else if (op.what == SubgroupOp::Id) {
      os_ << "subgroup_id";
    } else {
      call(std::string("subgroup_") + reduce_op_name(op.op), {op.value});
    }
  }

  void visit_VectorLane(const VectorLane& op) override {
    visit(op.vector);
    os_ << "."
        << "xyzw"[op.lane % 4];
  }
  void visit_MakeVector(const MakeVector& op) override {
    call("vec" + std::to_string(op.elements.size()), op.elements);
  }

  void visit_LetStmt(const LetStmt& op) override {
    indent();
    os_ << "let ";
    visit(op.var);
    os_ << " = ";
    visit(op.value);
    os_ << "\n";
    visit(op.body);
  }
  void visit_For(const For& op) override {
    indent();
    os_ << for_kind_name(op.for_kind) << " (";
    visit(op.var);
    os_ << ", ";
    visit(op.min);
    os_ << ", ";
    visit(op.extent);
    os_ << ") {\n";
    nested(op.body);
    indent();
    os_ << "}\n";
  }
  void visit_Store(const Store& op) override {
    indent();
    os_ << name_of(op.buffer.get(), op.buffer->name) << "[";
    visit(op.index);
    os_ << (op.lanes > 1 ? " +: " + std::to_string(op.lanes) : std::string()) << "] = ";
    visit(op.value);
    os_ << "\n";
  }
  void visit_ProducerStore(const ProducerStore& op) override {
    indent();
    call(name_of(op.producer.get(), op.producer->name), op.indices);
    os_ << " = ";
    visit(op.value);
    os_ << "\n";
  }
  void visit_IfThenElse(const IfThenElse& op) override {
    indent();
    os_ << "if (";
    visit(op.cond);
    os_ << ") {\n";
    nested(op.then_case);
    if (op.else_case.defined()) {
      indent();
      os_ << "} else {\n";
      nested(op.else_case);
    }
    indent();
    os_ << "}\n";
  }
  void visit_Allocate(const Allocate& op) override {
    indent();
    os_ << "allocate " << name_of(op.buffer.get(), op.buffer->name) << ": "
        << (op.buffer->matrix != MatrixRole::None
                ? std::string("matrix_") + matrix_role_name(op.buffer->matrix)
                : std::string(scope_name(op.buffer->scope)))
        << " " << op.buffer->type.str() << "[";
    for (size_t i = 0; i < op.buffer->shape.size(); ++i) {
      if (i) os_ << " * ";
      visit(op.buffer->shape[i]);
    }
    os_ << "]\n";
    visit(op.body);
  }
  void visit_Barrier(const Barrier&) override {
    indent();
    os_ << "barrier()\n";
  }
  void visit_MatrixOp(const MatrixOp& op) override {
    indent();
    const std::string f = name_of(op.frag.get(), op.frag->name);
    if (op.op == MatrixOpKind::MultiplyAccumulate) {
      os_ << f << " = matrix_mma(" << name_of(op.left.get(), op.left->name) << ", "
          << name_of(op.right.get(), op.right->name) << ", " << f << ")\n";
      return;
    }
    auto mem = [&] {
      os_ << name_of(op.mem.get(), op.mem->name);
      if (op.slice.defined()) os_ << "[", visit(op.slice), os_ << "]";
      os_ << ", ";
      visit(op.offset);
      os_ << ", ";
      visit(op.stride);
      os_ << (op.col_major ? ", col_major" : "");
    };
    if (op.op == MatrixOpKind::Load) {
      os_ << f << " = matrix_load(";
      mem();
      os_ << ")\n";
    } else {
      os_ << "matrix_store(" << f << ", ";
      mem();
      os_ << ")\n";
    }
  }

 private:
  void indent() {
    for (int i = 0; i < depth_; ++i) os_ << "  ";
  }
  void nested(const Stmt& s) {
    ++depth_;
    visit(s);
    --depth_;
  }
  void call(const std::string& f, const std::vector<Expr>& args) {
    os_ << f << "(";
    for (size_t i = 0; i < args.size(); ++i) {
      if (i) os_ << ", ";
      visit(args[i]);
    }
    os_ << ")";
  }

  std::ostream& os_;
  int depth_ = 0;
  std::unordered_map<const void*, std::string> names_;
  std::unordered_map<std::string, int> counts_;
};
}  // namespace

std::string to_string(const Expr& e) {
  std::ostringstream os;
  IRPrinter(os).print(e);
  return os.str();
}
std::string to_string(const Stmt& s) {
  std::ostringstream os;
  IRPrinter(os).print(s);
  return os.str();
}
std::string to_string(const Kernel& k) {
  std::ostringstream os;
  IRPrinter p(os);
  if (!k.variant.empty()) os << "// variant: " << k.variant << "\n";
  os << "kernel " << k.name << "(";
  for (size_t i = 0; i < k.buffers.size(); ++i) {
    auto& b = k.buffers[i].buffer;
    os << (i ? ", " : "") << p.name_of(b.get(), b->name) << ": " << b->type.str()
       << (k.buffers[i].written ? " rw" : " r");
  }
  for (auto& s : k.scalars) {
    os << ", ";
    p.print(s);
    os << ": i32";
  }
  os << ") workgroup_size(" << k.workgroup_size[0] << ", " << k.workgroup_size[1] << ", "
     << k.workgroup_size[2] << ") grid(";
  for (int i = 0; i < 3; ++i) {
    if (i) os << ", ";
    p.print(k.grid[i]);
  }
  os << ") {\n";
  p.print(k.body);
  os << "}\n";
  return os.str();
}

}  // namespace webtx::ir

namespace webtx {

// Declared in webtx/dsl/print.hpp; one printer for the whole graph keeps names consistent.
std::string graph_to_string(const std::vector<ir::Operation>& outputs) {
  std::ostringstream os;
  ir::IRPrinter p(os);
  for (auto& op : ir::topo_order(outputs)) {
    os << (op->is_placeholder() ? "placeholder " : "compute ") << p.name_of(op.get(), op->name)
       << ": " << op->type.str() << "[";
    for (int i = 0; i < op->ndim(); ++i) {
      if (i) os << ", ";
      p.print(op->shape[i]);
    }
    os << "]";
    if (!op->is_placeholder()) {
      os << " (";
      for (size_t i = 0; i < op->axis.size(); ++i) {
        if (i) os << ", ";
        p.print(op->axis[i]->var);
      }
      os << ") = ";
      p.print(op->body);
    }
    os << "\n";
  }
  return os.str();
}

}  // namespace webtx
