// The generator's schedules: stages visited consumers first, each given random primitives
// applied to a live schedule (a step the primitive rejects is not recorded).
#include <algorithm>

#include "gen_internal.hpp"

namespace webtx::fuzz::gen {

void Gen::schedule() {
  Built b = build_graph(r_);
  Schedule s = build_schedule(r_, b);
  auto stage = [&](const std::string& n) -> Stage* {
    for (auto& st : s.stages())
      if (st->name() == n) return st.get();
    return nullptr;
  };
  // Applied to the live schedule; kept only when the primitive accepts it.
  auto try_step = [&](Step st) {
    try {
      apply_step(s, st);
    } catch (const UserError&) {
      return false;
    }
    r_.steps.push_back(std::move(st));
    return true;
  };
  auto leaves = [&](Stage* st) { return static_cast<int>(st->leaf_axes().size()); };
  // Where to compute a stage inside `p`: not in an unrolled or vectorized loop (a copy of the
  // stage's whole loop nest per iteration makes lavapipe's LLVM take minutes: a compile-time hazard
  // the fuzzer reports once (docs/testing.md), not in every run).
  auto attach_leaf = [&](Stage* p) {
    std::vector<int> ok;
    for (int l = 0; l < leaves(p); ++l) {
      auto* a = p->attr_of(p->leaf_axes()[static_cast<size_t>(l)]);
      if (!a || (a->for_kind != ir::ForKind::Unrolled && a->for_kind != ir::ForKind::Vectorized))
        ok.push_back(l);
    }
    return ok.empty() ? -1 : ok[static_cast<size_t>(rnd(static_cast<int>(ok.size())))];
  };
  auto loop_shape = [&](const std::string& name) {
    for (int n = rnd(4); n > 0; --n) {
      Stage* st = stage(name);
      if (!st || leaves(st) == 0) return;
      int l = rnd(leaves(st));
      int op = rnd(4);
      if (op == 0) {
        try_step({"split", name, "", {l, 1 + rnd(8)}});
      } else if (op == 1 && leaves(st) > 1) {
        int a = rnd(leaves(st) - 1);
        try_step({"fuse", name, "", {a}});
      } else if (op == 2 && leaves(st) > 1) {
        int a = rnd(leaves(st) - 1);
        try_step({"tile", name, "", {a, a + 1, 1 + rnd(8), 1 + rnd(8)}});
      } else {
        std::vector<int64_t> perm(static_cast<size_t>(leaves(st)));
        for (size_t i = 0; i < perm.size(); ++i) perm[i] = static_cast<int64_t>(i);
        std::shuffle(perm.begin(), perm.end(), g_);
        try_step({"reorder", name, "", perm});
      }
    }
  };
  auto binds = [&](const std::string& name, bool workgroup, bool local) {
    Stage* st = stage(name);
    if (!st) return;
    for (int l = 0; l < leaves(st); ++l) {
      const auto& ax = st->leaf_axes()[static_cast<size_t>(l)];
      if (ax->kind == ir::IterKind::DataPar && chance(0.6)) {
        int t = workgroup && (!local || rnd(2)) ? 0 : 1;
        if (t == 1 && !local) continue;
        try_step({"bind", name, "", {l, t, rnd(3)}});
      } else if (ax->extent.as<ir::IntImm>() && l + 1 == leaves(st) && chance(0.3)) {
        // Innermost only: an unrolled loop around loops makes lavapipe's LLVM take minutes
        // (seeds 1037 and 103 before this rule; docs/testing.md).
        try_step(
            {ax->kind == ir::IterKind::DataPar && rnd(2) ? "vectorize" : "unroll", name, "", {l}});
      }
    }
  };
  // Consumers first: a stage can be placed inside a reader that is already shaped.
  std::vector<std::vector<int>> readers(r_.nodes.size());
  for (size_t i = 0; i < r_.nodes.size(); ++i)
    for (int o : r_.nodes[i].operands)
      readers[static_cast<size_t>(o)].push_back(static_cast<int>(i));
  // A row op (row_op) is left to auto_schedule's row rule most of the time: its stages get no
  // steps. Drawn from the row op's stream: a program without one draws as before.
  const bool rows_free = !row_nodes_.empty() && std::bernoulli_distribution(0.7)(rows_g_);
  for (size_t ii = r_.nodes.size(); ii-- > 0;) {
    const Node& n = r_.nodes[ii];
    if (rows_free && std::count(row_nodes_.begin(), row_nodes_.end(), n.name)) continue;
    if (n.kind == NodeKind::Input) {
      // Stage an input in workgroup or private memory inside one reader.
      if (!readers[ii].empty() && chance(0.15)) {
        const Node& rd = r_.nodes[static_cast<size_t>(readers[ii][0])];
        int scope = 1 + rnd(2);
        if (try_step({"cache_read", n.name, rd.name, {scope}})) {
          std::string cname = n.name + (scope == 1 ? "_workgroup" : "_private");
          Stage* p = stage(rd.name);
          if (int l = p ? attach_leaf(p) : -1; l >= 0)
            try_step({"compute_at", cname, rd.name, {l}});
          loop_shape(cname);
          if (scope == 1) binds(cname, false, true);
        }
      }
      continue;
    }
    bool is_out =
        std::find(r_.outputs.begin(), r_.outputs.end(), static_cast<int>(ii)) != r_.outputs.end();
    int choice = rnd(10);
    if (!is_out && n.kind == NodeKind::Elementwise && choice < 2) {
      try_step({"compute_inline", n.name, "", {}});
      continue;
    }
    if (!is_out && choice < 4 && !readers[ii].empty()) {
      const Node& rd = r_.nodes[static_cast<size_t>(
          readers[ii][static_cast<size_t>(rnd(static_cast<int>(readers[ii].size())))])];
      Stage* p = stage(rd.name);
      loop_shape(n.name);
      int l = p ? attach_leaf(p) : -1;
      if (l >= 0 && try_step({"compute_at", n.name, rd.name, {l}})) {
        if (chance(0.3) && try_step({"set_scope", n.name, "", {1}})) binds(n.name, false, true);
        continue;
      }
    }
    if (n.kind != NodeKind::Elementwise && chance(0.2)) {
      int scope = 1 + rnd(2);
      if (try_step({"cache_write", n.name, "", {scope}})) {
        std::string cname = n.name + (scope == 1 ? "_workgroup" : "_private");
        loop_shape(n.name);
        binds(n.name, true, true);
        loop_shape(cname);
        Stage* p = stage(n.name);
        if (int l = p ? attach_leaf(p) : -1; l >= 0) try_step({"compute_at", cname, n.name, {l}});
        if (scope == 1) binds(cname, false, true);
        continue;
      }
    }
    if (chance(0.15)) {
      try_step({"parallelize", n.name, "", {int64_t{1} << (3 + rnd(4))}});
      continue;
    }
    loop_shape(n.name);
    binds(n.name, true, true);
  }
  // auto_schedule's vector width (row_vector and injective_vector): vec4 accesses mostly.
  const int64_t vector = std::bernoulli_distribution(0.3)(vec_g_) ? 1 : 4;
  if (rows_free) {
    // The row rule with rows in registers, shared out over two workgroups per row (or not).
    std::swap(g_, rows_g_);
    const int64_t block = 1 + rnd(2), row_cache = int64_t{2} << rnd(2);
    if (chance(0.6))
      try_step({"auto_schedule", "", "", {32, block, row_cache, 2, vector}});
    else
      try_step({"auto_schedule", "", "", {32, block, chance(0.7) ? row_cache : 0, 0, vector}});
    std::swap(g_, rows_g_);
  } else if (chance(0.6)) {
    const int64_t threads = int64_t{16} << rnd(3), block = 1 + rnd(2);
    const int64_t row_cache = chance(0.5) ? int64_t{1} << rnd(3) : 0;
    // Cached rows may be shared out over two workgroups per row (row_groups).
    if (row_cache >= 2 && chance(0.5))
      try_step({"auto_schedule", "", "", {threads, block, row_cache, 2, vector}});
    else
      try_step({"auto_schedule", "", "", {threads, block, row_cache, 0, vector}});
  }
}

}  // namespace webtx::fuzz::gen
