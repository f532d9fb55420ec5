// DType's out-of-line members (webtx/ir/dtype.hpp).
#include "webtx/ir/dtype.hpp"

#include <string>

#include "webtx/error.hpp"

namespace webtx::ir {

std::string DType::str() const {
  switch (code) {
    case TypeCode::Int:
      return "i" + std::to_string(bits);
    case TypeCode::UInt:
      return "u" + std::to_string(bits);
    case TypeCode::Float:
      return "f" + std::to_string(bits);
    case TypeCode::Bool:
      return "bool";
  }
  return "?";
}

DType DType::from_code_id(int id) {
  switch (id) {
    case 0:
      return f32();
    case 1:
      return i32();
    case 2:
      return u32();
    case 3:
      return f16();
    case 4:
      return boolean();
  }
  user_error << "unknown dtype code " << id;
}

}  // namespace webtx::ir
