// Identifier rules of WGSL (W3C WGSL spec, "Identifiers", "Keywords", "Reserved Words") plus
// every predeclared name the backend may emit, so a user-chosen name never shadows one.
#include <cctype>
#include <string_view>

#include "wgsl_internal.hpp"

namespace webtx::codegen::wgsl_detail {
namespace {

constexpr std::string_view kReserved[] = {
    // keywords
    "alias", "break", "case", "const", "const_assert", "continue", "continuing", "default",
    "diagnostic", "discard", "else", "enable", "false", "fn", "for", "if", "let", "loop",
    "override", "requires", "return", "struct", "switch", "true", "var", "while",
    // reserved words
    "NULL", "Self", "abstract", "active", "alignas", "alignof", "as", "asm", "asm_fragment",
    "async", "attribute", "auto", "await", "become", "binding_array", "cast", "catch", "class",
    "co_await", "co_return", "co_yield", "coherent", "column_major", "common", "compile",
    "compile_fragment", "concept", "const_cast", "consteval", "constexpr", "constinit", "crate",
    "debugger", "decltype", "delete", "demote", "demote_to_helper", "do", "dynamic_cast", "enum",
    "explicit", "export", "extends", "extern", "external", "fallthrough", "filter", "final",
    "finally", "friend", "from", "fxgroup", "get", "goto", "groupshared", "highp", "impl",
    "implements", "import", "inline", "instanceof", "interface", "layout", "lowp", "macro",
    "macro_rules", "match", "mediump", "meta", "mod", "module", "move", "mut", "mutable",
    "namespace", "new", "nil", "noexcept", "noinline", "nointerpolation", "non_coherent",
    "noncoherent", "noperspective", "null", "nullptr", "of", "operator", "package", "packoffset",
    "partition", "pass", "patch", "pixelfragment", "precise", "precision", "premerge", "priv",
    "protected", "pub", "public", "readonly", "ref", "regardless", "register", "reinterpret_cast",
    "require", "resource", "restrict", "self", "set", "shared", "sizeof", "smooth", "snorm",
    "static", "static_assert", "static_cast", "std", "subroutine", "super", "target", "template",
    "this", "thread_local", "throw", "trait", "try", "type", "typedef", "typeid", "typename",
    "typeof", "union", "unless", "unorm", "unsafe", "unsized", "use", "using", "varying", "virtual",
    "volatile", "wgsl", "where", "with", "writeonly", "yield",
    // predeclared types, enumerants and the builtins this backend calls
    "bool", "i32", "u32", "f32", "f16", "vec2", "vec3", "vec4", "array", "atomic", "ptr", "mat2x2",
    "mat3x3", "mat4x4", "sampler", "read", "write", "read_write", "function", "private",
    "workgroup", "uniform", "storage", "handle", "main", "exp", "log", "sqrt", "inverseSqrt",
    "tanh", "pow", "abs", "floor", "ceil", "sin", "cos", "min", "max", "clamp", "select", "bitcast",
    "workgroupBarrier", "storageBarrier", "workgroup_id", "local_invocation_id",
    "global_invocation_id", "num_workgroups", "arrayLength", "trunc"};

bool is_reserved(const std::string& s) {
  for (auto r : kReserved)
    if (r == s) return true;
  return false;
}

// Maps any string onto WGSL's identifier grammar: [A-Za-z_][A-Za-z0-9_]*, not `_` alone and
// not starting with `__`.
std::string legalize(const std::string& hint) {
  std::string s;
  for (char c : hint) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    s += ok && static_cast<unsigned char>(c) < 128 ? c : '_';
  }
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) s = "v" + s;
  while (s.size() >= 2 && s[0] == '_' && s[1] == '_') s.erase(0, 1);
  if (s == "_") s = "v_";
  if (is_reserved(s)) s += "_";
  return s;
}

}  // namespace

Namer::Namer() {}

std::string Namer::fresh(const std::string& hint) {
  std::string base = legalize(hint);
  if (used_.insert(base).second) return base;
  for (int i = 1;; ++i) {
    std::string s = base + "_" + std::to_string(i);
    if (used_.insert(s).second) return s;
  }
}

void Namer::claim(const std::string& name) {
  internal_assert(used_.insert(name).second) << "WGSL identifier '" << name << "' taken twice";
}

}  // namespace webtx::codegen::wgsl_detail
