#include "rename_tensor.hpp"

#include "webtx/ir/functor.hpp"

namespace webtx::codegen {
namespace {

class Replace : public ir::IRMutator {
 public:
  Replace(const ir::Buffer& from, const ir::Buffer& to) : from_(from), to_(to) {}

 protected:
  ir::Expr mutate_Load(const ir::Expr& e, const ir::Load& op) override {
    ir::Expr i = mutate(op.index);
    if (op.buffer != from_ && i.same_as(op.index)) return e;
    return ir::Load::make(op.buffer == from_ ? to_ : op.buffer, i, op.lanes);
  }
  ir::Stmt mutate_Store(const ir::Stmt& s, const ir::Store& op) override {
    ir::Expr v = mutate(op.value), i = mutate(op.index);
    if (op.buffer != from_ && v.same_as(op.value) && i.same_as(op.index)) return s;
    return ir::Store::make(op.buffer == from_ ? to_ : op.buffer, v, i, op.lanes);
  }

 private:
  ir::Buffer from_, to_;
};

}  // namespace

void rename_tensor(ir::Program& p, const std::string& from, const std::string& to) {
  if (from == to) return;
  ir::Buffer old;
  for (auto& t : p.tensors) {
    user_assert(t.buffer->name != to) << "model " << p.name << ": cannot name output '" << from
                                      << "' '" << to << "': another tensor already has that name";
    if (t.buffer->name == from) old = t.buffer;
  }
  internal_assert(old) << "rename_tensor: no tensor '" << from << "' in " << p.name;
  ir::Buffer fresh = ir::make_buffer(to, old->type, old->scope, old->shape);
  for (auto& t : p.tensors) {
    if (t.buffer == old) t.buffer = fresh;
  }
  Replace r(old, fresh);
  for (auto& k : p.kernels) {
    for (auto& kb : k.buffers) {
      if (kb.buffer == old) kb.buffer = fresh;
    }
    k.body = r.mutate(k.body);
  }
}

}  // namespace webtx::codegen
