#include "webtx/model/extent.hpp"

#include <algorithm>

#include "webtx/error.hpp"

namespace webtx::model {

Extent Extent::constant(int64_t v) {
  Extent e;
  e.value = v;
  return e;
}

Extent Extent::sym(std::string name) {
  Extent e;
  e.op = ExtentOp::Symbol;
  e.symbol = std::move(name);
  return e;
}

Extent Extent::binary(ExtentOp op, Extent a, Extent b) {
  internal_assert(op != ExtentOp::Const && op != ExtentOp::Symbol) << "Extent::binary of a leaf";
  Extent e;
  e.op = op;
  e.args = {std::move(a), std::move(b)};
  return e;
}

const char* op_name(ExtentOp op) {
  switch (op) {
    case ExtentOp::Add:
      return "+";
    case ExtentOp::Sub:
      return "-";
    case ExtentOp::Mul:
      return "*";
    case ExtentOp::Div:
      return "/";
    case ExtentOp::Mod:
      return "%";
    case ExtentOp::Min:
      return "min";
    case ExtentOp::Max:
      return "max";
    default:
      return "";
  }
}

std::optional<ExtentOp> binary_op_from_name(const std::string& name) {
  for (auto op : {ExtentOp::Add, ExtentOp::Sub, ExtentOp::Mul, ExtentOp::Div, ExtentOp::Mod,
                  ExtentOp::Min, ExtentOp::Max}) {
    if (name == op_name(op)) return op;
  }
  return std::nullopt;
}

std::string to_string(const Extent& e) {
  switch (e.op) {
    case ExtentOp::Const:
      return std::to_string(e.value);
    case ExtentOp::Symbol:
      return e.symbol;
    case ExtentOp::Min:
    case ExtentOp::Max:
      return std::string(op_name(e.op)) + "(" + to_string(e.args[0]) + ", " + to_string(e.args[1]) +
             ")";
    default:
      return "(" + to_string(e.args[0]) + " " + op_name(e.op) + " " + to_string(e.args[1]) + ")";
  }
}

namespace {

void collect(const Extent& e, std::vector<std::string>& out) {
  if (e.is_symbol() && std::find(out.begin(), out.end(), e.symbol) == out.end())
    out.push_back(e.symbol);
  for (auto& a : e.args) collect(a, out);
}

int64_t wrap(int64_t v) { return static_cast<int32_t>(static_cast<uint32_t>(v)); }

int64_t eval(const Extent& e, const SymbolValues& s, const std::string& where) {
  if (e.is_const()) return wrap(e.value);
  if (e.is_symbol()) {
    auto it = s.find(e.symbol);
    user_assert(it != s.end()) << "symbol '" << e.symbol << "'" << (where.empty() ? "" : " in ")
                               << where << " is not bound";
    return wrap(it->second);
  }
  internal_assert(e.args.size() == 2) << "extent " << op_name(e.op) << " needs two operands";
  const int64_t a = eval(e.args[0], s, where), b = eval(e.args[1], s, where);
  switch (e.op) {
    case ExtentOp::Add:
      return wrap(a + b);
    case ExtentOp::Sub:
      return wrap(a - b);
    case ExtentOp::Mul:
      return wrap(a * b);
    case ExtentOp::Div:
    case ExtentOp::Mod:
      user_assert(b != 0) << "division by zero in " << to_string(e) << (where.empty() ? "" : " in ")
                          << where;
      // In 64 bits INT_MIN / -1 does not overflow; wrap() gives the IR's i32 result.
      return wrap(e.op == ExtentOp::Div ? a / b : a % b);
    case ExtentOp::Min:
      return std::min(a, b);
    case ExtentOp::Max:
      return std::max(a, b);
    default:
      break;
  }
  internal_error << "unknown extent op " << static_cast<int>(e.op);
}

}  // namespace

std::vector<std::string> symbols_of(const Extent& e) {
  std::vector<std::string> out;
  collect(e, out);
  return out;
}

int64_t evaluate(const Extent& e, const SymbolValues& symbols, const std::string& where) {
  return eval(e, symbols, where);
}

}  // namespace webtx::model
