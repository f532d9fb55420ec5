#pragma once
// A structured extent of the model description (docs/abi.md, "Extents"): a tensor axis or a
// kernel's grid size as a constant, a symbol, or + - * / % min max of two extents. Values are
// i32 as in the IR: every operation wraps to 32 bits, / and % truncate toward zero, and a
// division by zero is a UserError. This header and its .cpp depend on nothing but std, so the
// native runtime can evaluate extents without linking the compiler.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace webtx::model {

enum class ExtentOp : uint8_t { Const, Symbol, Add, Sub, Mul, Div, Mod, Min, Max };

struct Extent {
  ExtentOp op = ExtentOp::Const;
  int64_t value = 0;         // Const
  std::string symbol;        // Symbol
  std::vector<Extent> args;  // the two operands of a binary op

  static Extent constant(int64_t v);
  static Extent sym(std::string name);
  static Extent binary(ExtentOp op, Extent a, Extent b);

  bool is_const() const { return op == ExtentOp::Const; }
  bool is_symbol() const { return op == ExtentOp::Symbol; }
  bool operator==(const Extent&) const = default;
};

// "+", "-", "*", "/", "%", "min", "max" (the JSON and printed names); "" for leaves.
const char* op_name(ExtentOp op);
std::optional<ExtentOp> binary_op_from_name(const std::string& name);

// As the IR printer writes it: "n", "4", "(n + 1)", "min(n, 3)".
std::string to_string(const Extent& e);

// Symbol names `e` mentions, each once, in first-use order.
std::vector<std::string> symbols_of(const Extent& e);

using SymbolValues = std::map<std::string, int64_t>;

// The i32 value of `e`. UserError for an unbound symbol or a division by zero; `where` names
// the extent in the message ("tensor 'y' axis 0").
int64_t evaluate(const Extent& e, const SymbolValues& symbols, const std::string& where = "");

}  // namespace webtx::model
