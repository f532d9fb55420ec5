// Definitions for webtx/lower/cse.hpp.
#include "webtx/lower/cse.hpp"

#include <algorithm>
#include <functional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "webtx/ir/equality.hpp"
#include "webtx/ir/functor.hpp"

namespace webtx::lowering {

namespace {

// The operands of e; null for leaves and for nodes the pass never looks into.
std::vector<ir::Expr> operands(const ir::Expr& e) {
  if (auto* b = e.as_binary()) return {b->a, b->b};
  switch (e.kind()) {
    case ir::ExprKind::Not:
      return {e.as<ir::Not>()->a};
    case ir::ExprKind::Select: {
      auto* s = e.as<ir::Select>();
      return {s->cond, s->t, s->f};
    }
    case ir::ExprKind::Cast:
      return {e.as<ir::Cast>()->value};
    case ir::ExprKind::Call:
      return e.as<ir::Call>()->args;
    case ir::ExprKind::Load:
      return {e.as<ir::Load>()->index};
    default:
      return {};
  }
}

// Per node (memoised by identity): a structural hash and whether the node may be bound (pure,
// float, no memory read below it, not a leaf).
struct NodeInfo {
  size_t hash = 0;
  bool pure = true;  // no Load, ProducerLoad or Reduce in the subtree
};

class Analysis {
 public:
  const NodeInfo& info(const ir::Expr& e) {
    auto it = memo_.find(e.get());
    if (it != memo_.end()) return it->second;
    NodeInfo n;
    n.hash = std::hash<int>()(static_cast<int>(e.kind())) * 31 + e.type().bits;
    switch (e.kind()) {
      case ir::ExprKind::IntImm:
        n.hash ^= std::hash<int64_t>()(e.as<ir::IntImm>()->value);
        break;
      case ir::ExprKind::FloatImm:
        n.hash ^= std::hash<double>()(e.as<ir::FloatImm>()->value);
        break;
      case ir::ExprKind::Variable:
        n.hash ^= std::hash<const void*>()(e.get());
        break;
      case ir::ExprKind::Call:
        n.hash ^= static_cast<size_t>(e.as<ir::Call>()->func) << 8;
        break;
      case ir::ExprKind::Load:
      case ir::ExprKind::ProducerLoad:
      case ir::ExprKind::Reduce:
        n.pure = false;
        break;
      default:
        break;
    }
    for (auto& o : operands(e)) {
      const NodeInfo& c = info(o);
      n.hash = n.hash * 1000003 + c.hash;
      n.pure = n.pure && c.pure;
    }
    return memo_.emplace(e.get(), n).first->second;
  }
  bool candidate(const ir::Expr& e) {
    if (!e.type().is_float() || operands(e).empty()) return false;
    return info(e).pure;
  }

 private:
  std::unordered_map<const ir::ExprNode*, NodeInfo> memo_;
};

// Occurrences of each candidate in the trees under `roots` (every tree position counts).
class Counter {
 public:
  explicit Counter(Analysis& a) : a_(a) {}
  void count(const ir::Expr& e) {
    if (a_.candidate(e)) {
      auto& bucket = buckets_[a_.info(e).hash];
      auto it = std::find_if(bucket.begin(), bucket.end(),
                             [&](auto& p) { return ir::deep_equal(p.first, e); });
      if (it == bucket.end()) {
        bucket.emplace_back(e, 1);
      } else {
        ++it->second;
      }
    }
    for (auto& o : operands(e)) count(o);
  }
  int occurrences(const ir::Expr& e) {
    for (auto& [x, n] : buckets_[a_.info(e).hash])
      if (ir::deep_equal(x, e)) return n;
    return 0;
  }

 private:
  Analysis& a_;
  std::unordered_map<size_t, std::vector<std::pair<ir::Expr, int>>> buckets_;
};

// The first (pre-order) subexpression of e that occurs at least twice.
ir::Expr first_repeat(const ir::Expr& e, Analysis& a, Counter& c) {
  if (a.candidate(e) && c.occurrences(e) >= 2) return e;
  for (auto& o : operands(e)) {
    ir::Expr r = first_repeat(o, a, c);
    if (r.defined()) return r;
  }
  return {};
}

class Replace : public ir::IRMutator {
 public:
  Replace(ir::Expr target, ir::Expr var) : target_(std::move(target)), var_(std::move(var)) {}
  using ir::IRMutator::mutate;
  ir::Expr mutate(const ir::Expr& e) override {
    if (e.defined() && e.kind() == target_.kind() && ir::deep_equal(e, target_)) return var_;
    return ir::IRMutator::mutate(e);
  }
  // Replaces below e's root only (a let's own value).
  ir::Expr below(const ir::Expr& e) { return ir::IRMutator::mutate(e); }

 private:
  ir::Expr target_, var_;
};

bool mentions(const ir::Expr& e, const ir::Expr& var) {
  if (e.same_as(var)) return true;
  for (auto& o : operands(e))
    if (mentions(o, var)) return true;
  return false;
}

class Cse : public ir::IRMutator {
 public:
  using ir::IRMutator::mutate;

 protected:
  ir::Stmt mutate_Store(const ir::Stmt& s, const ir::Store& op) override {
    ir::Expr value = op.value;
    std::vector<std::pair<ir::Expr, ir::Expr>> lets;  // (var, value), in binding order
    for (;;) {
      Analysis a;
      Counter c(a);
      c.count(value);
      for (auto& let : lets) c.count(let.second);
      ir::Expr repeat = first_repeat(value, a, c);
      for (size_t i = 0; !repeat.defined() && i < lets.size(); ++i)
        repeat = first_repeat(lets[i].second, a, c);
      if (!repeat.defined()) break;
      ir::Expr var = ir::Variable::make(repeat.type(), "cse");
      Replace r(repeat, var);
      value = r.mutate(value);
      for (auto& let : lets) let.second = r.below(let.second);
      lets.emplace_back(var, repeat);
    }
    if (lets.empty()) return s;
    ir::Stmt out = ir::Store::make(op.buffer, value, op.index, op.lanes);
    // Each let after those its value mentions: emit in dependency order, innermost last.
    std::vector<std::pair<ir::Expr, ir::Expr>> ordered;
    std::vector<bool> placed(lets.size(), false);
    std::function<void(size_t)> place = [&](size_t i) {
      if (placed[i]) return;
      placed[i] = true;
      for (size_t j = 0; j < lets.size(); ++j)
        if (j != i && mentions(lets[i].second, lets[j].first)) place(j);
      ordered.push_back(lets[i]);
    };
    for (size_t i = 0; i < lets.size(); ++i) place(i);
    for (auto it = ordered.rbegin(); it != ordered.rend(); ++it)
      out = ir::LetStmt::make(it->first, it->second, out);
    return out;
  }
};

}  // namespace

ir::Stmt common_subexpressions(const ir::Stmt& s) { return Cse().mutate(s); }

}  // namespace webtx::lowering
