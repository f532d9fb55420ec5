#include "shrink.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace webtx::fuzz {

namespace {

std::string fill_for(ir::DType t) {
  if (t.is_float()) return "float";
  if (t.is_int()) return "int";
  if (t.is_uint()) return "uint";
  return "bool";
}

// Sub-expressions of an s-expression (top level first), as text.
void subexprs(const std::string& s, std::vector<std::string>& out) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '(' || i == 0) continue;
    int depth = 0;
    for (size_t j = i; j < s.size(); ++j) {
      depth += s[j] == '(' ? 1 : s[j] == ')' ? -1 : 0;
      if (depth == 0) {
        out.push_back(s.substr(i, j - i + 1));
        break;
      }
    }
  }
}

bool mentions_stage(const Step& st, const std::string& name) {
  auto is = [&](const std::string& s) {
    return s == name || s.rfind(name + "_", 0) == 0;  // the stage or its cache stages
  };
  if (is(st.stage)) return true;
  size_t p = 0;
  while (p <= st.other.size()) {
    size_t q = st.other.find(',', p);
    if (q == std::string::npos) q = st.other.size();
    if (is(st.other.substr(p, q - p))) return true;
    p = q + 1;
  }
  return false;
}

// Elementwise operands the expression never reads are dropped (the rest renumbered).
void prune_operands(Node& n) {
  if (n.kind != NodeKind::Elementwise) return;
  auto refs = [&](size_t k) {
    const std::string i = std::to_string(k);
    for (const std::string& read : {"(in " + i + ")", "(sh " + i + " ", "(row " + i + ")"})
      if (n.expr.find(read) != std::string::npos) return true;
    return false;
  };
  std::vector<int> renum(n.operands.size(), -1), kept;
  for (size_t k = 0; k < n.operands.size(); ++k)
    if (refs(k)) renum[k] = static_cast<int>(kept.size()), kept.push_back(n.operands[k]);
  if (kept.size() == n.operands.size()) return;
  std::string out;
  for (size_t i = 0; i < n.expr.size();) {
    const size_t head = n.expr.compare(i, 4, "(in ") == 0 || n.expr.compare(i, 4, "(sh ") == 0 ? 4
                        : n.expr.compare(i, 5, "(row ") == 0                                   ? 5
                                                                                               : 0;
    if (head) {
      size_t j = i + head;
      while (j < n.expr.size() && std::isdigit(static_cast<unsigned char>(n.expr[j]))) ++j;
      out += n.expr.substr(i, head) +
             std::to_string(renum[std::stoul(n.expr.substr(i + head, j - i - head))]);
      i = j;
    } else {
      out += n.expr[i++];
    }
  }
  n.expr = out;
  n.operands = kept;
}

}  // namespace

Recipe drop_unused(Recipe r) {
  for (auto& n : r.nodes) prune_operands(n);
  std::vector<bool> live(r.nodes.size());
  for (int o : r.outputs) live[static_cast<size_t>(o)] = true;
  for (size_t i = r.nodes.size(); i-- > 0;)
    if (live[i])
      for (int o : r.nodes[i].operands) live[static_cast<size_t>(o)] = true;
  std::vector<int> index(r.nodes.size(), -1);
  Recipe out = r;
  out.nodes.clear();
  for (size_t i = 0; i < r.nodes.size(); ++i) {
    if (!live[i]) {
      std::vector<Step> kept;
      for (auto& st : out.steps)
        if (!mentions_stage(st, r.nodes[i].name)) kept.push_back(st);
      out.steps = kept;
      continue;
    }
    index[i] = static_cast<int>(out.nodes.size());
    out.nodes.push_back(r.nodes[i]);
  }
  for (auto& n : out.nodes)
    for (int& o : n.operands) o = index[static_cast<size_t>(o)];
  for (int& o : out.outputs) o = index[static_cast<size_t>(o)];
  return out;
}

std::vector<Recipe> shrink_candidates(const Recipe& r) {
  std::vector<Recipe> c;
  // Drop an output (and whatever only it needed).
  if (r.outputs.size() > 1)
    for (size_t i = 0; i < r.outputs.size(); ++i) {
      Recipe x = r;
      x.outputs.erase(x.outputs.begin() + static_cast<long>(i));
      c.push_back(drop_unused(x));
    }
  // All schedule steps at once, then each step.
  if (!r.steps.empty()) {
    Recipe x = r;
    x.steps.clear();
    c.push_back(x);
  }
  for (size_t i = r.steps.size(); i-- > 0;) {
    Recipe x = r;
    x.steps.erase(x.steps.begin() + static_cast<long>(i));
    c.push_back(x);
  }
  // An operation becomes an input of its shape and dtype (its producers drop out).
  for (size_t i = 0; i < r.nodes.size(); ++i) {
    if (r.nodes[i].kind == NodeKind::Input) continue;
    bool is_out =
        std::find(r.outputs.begin(), r.outputs.end(), static_cast<int>(i)) != r.outputs.end();
    if (is_out) continue;
    Recipe x = r;
    Node& n = x.nodes[i];
    n.kind = NodeKind::Input;
    n.fill = fill_for(n.dtype);
    n.operands.clear();
    n.expr.clear();
    std::vector<Step> kept;
    for (auto& st : x.steps)
      if (st.stage != n.name || st.op == "cache_read") kept.push_back(st);
    x.steps = kept;
    c.push_back(drop_unused(x));
  }
  // Simpler expressions: a sub-expression of the same text-level shape replaces the whole.
  for (size_t i = 0; i < r.nodes.size(); ++i) {
    if (r.nodes[i].expr.empty()) continue;
    std::vector<std::string> subs;
    subexprs(r.nodes[i].expr, subs);
    for (auto& s : subs) {
      Recipe x = r;
      x.nodes[i].expr = s;
      c.push_back(x);  // may not type-check: the predicate rejects it
    }
  }
  // Symbols become constants; extents shrink.
  for (size_t d = 0; d < r.dims.size(); ++d) {
    if (!r.dims[d].sym.empty()) {
      Recipe x = r;
      x.dims[d].sym.clear();
      c.push_back(x);
    }
    for (int64_t v : {int64_t{1}, r.dims[d].value / 2, r.dims[d].value - 1}) {
      if (v < 1 || v >= r.dims[d].value) continue;
      Recipe x = r;
      x.dims[d].value = v;
      bool ok = true;
      for (auto& n : x.nodes)
        for (auto& s : n.shape) ok = ok && extent_value(x, s) >= 1;
      if (ok) c.push_back(x);
    }
  }
  return c;
}

Recipe shrink(Recipe r, const FailsBatch& fails, int max_rounds) {
  for (int round = 0; round < max_rounds; ++round) {
    auto cands = shrink_candidates(r);
    if (cands.empty()) break;
    auto f = fails(cands);
    auto it = std::find(f.begin(), f.end(), true);
    if (it == f.end()) break;
    r = cands[static_cast<size_t>(it - f.begin())];
  }
  return r;
}

}  // namespace webtx::fuzz
