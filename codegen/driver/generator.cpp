#include "webtx/generator.hpp"

#include <algorithm>

#include "webtx/ir/printer.hpp"

namespace webtx {

std::vector<RegisteredModel>& registered_models() {
  static std::vector<RegisteredModel> models;
  return models;
}

ir::Operation ModelContext::input(const std::string& name, ir::DType t,
                                  std::vector<ir::Expr> shape) {
  for (auto& in : inputs_) {
    user_assert(in->name != name) << "model " << name_ << ": input '" << name << "' declared twice";
  }
  for (size_t i = 0; i < shape.size(); ++i) {
    user_assert(shape[i].defined() && shape[i].type() == ir::DType::i32())
        << "model " << name_ << ": input '" << name << "' axis " << i
        << " must be an i32 constant or symbol";
  }
  auto op = ir::make_placeholder(name, t, std::move(shape));
  inputs_.push_back(op);
  return op;
}

void ModelContext::record_input(const ir::Operation& op) {
  for (auto& in : inputs_) {
    user_assert(in->name != op->name)
        << "model " << name_ << ": input '" << op->name << "' declared twice";
  }
  inputs_.push_back(op);
}

void ModelContext::record_weight(const ir::Operation& op) {
  user_assert(op->type != ir::DType::boolean())
      << "model " << name_ << ": weight '" << op->name
      << "' is bool, which safetensors stores in one byte: declare it u32";
  for (size_t i = 0; i < op->shape.size(); ++i) {
    user_assert(op->shape[i].as<ir::IntImm>())
        << "model " << name_ << ": weight '" << op->name << "' axis " << i << " is "
        << ir::to_string(op->shape[i]) << ": weight extents must be constants";
  }
  weights_.push_back(op->name);
}

bool ModelContext::is_weight(const std::string& name) const {
  return std::find(weights_.begin(), weights_.end(), name) != weights_.end();
}

void ModelContext::output(const std::string& name, ir::Operation op) {
  user_assert(op != nullptr) << "model " << name_ << ": output '" << name << "' is empty";
  for (auto& [n, _] : outputs_) {
    user_assert(n != name) << "model " << name_ << ": output '" << name << "' declared twice";
  }
  outputs_.emplace_back(name, std::move(op));
}

void ModelContext::set_program(ir::Program p) {
  if (p.name.empty()) p.name = name_;
  user_assert(p.name == name_) << "model " << name_ << ": set_program got a program named '"
                               << p.name << "'";
  program_ = std::move(p);
  has_program_ = true;
}

}  // namespace webtx
