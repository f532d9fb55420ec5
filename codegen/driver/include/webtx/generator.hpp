#pragma once
// What a model generator writes (run at build time by add_webgpu_model()):
//
//   WEBTX_MODEL(mlp, ctx) {
//     auto x = ctx.input("x", ir::DType::f32(), {batch, 784});   // or ctx.input<f32>(...)
//     ...
//     ctx.output("y", y);
//   }
//
// The macro registers the function; webtx_generator_main's main() runs it, lowers the graph
// and writes the shaders, the host-stub object and the manifest. A generator may also hand
// over an already lowered program with ctx.set_program() (hand-written kernels, tests).
#include <concepts>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "webtx/ir/operation.hpp"
#include "webtx/ir/program.hpp"
#include "webtx/schedule.hpp"
#include "webtx/target.hpp"
#include "webtx/webtx.hpp"

namespace webtx {

class ModelContext {
 public:
  explicit ModelContext(std::string name) : name_(std::move(name)) {}

  const std::string& name() const { return name_; }

  // An input tensor the caller provides at run time. Extents are constants or symbolic Vars.
  ir::Operation input(const std::string& name, ir::DType t, std::vector<ir::Expr> shape);
  // A trained parameter (role weight in the model description): constant extents only; the
  // runtime loads it once from a safetensors file under this name (docs/abi.md, "Weights").
  ir::Operation weight(const std::string& name, ir::DType t, std::vector<ir::Expr> shape) {
    auto op = input(name, t, std::move(shape));
    record_weight(op);
    return op;
  }
  // Typed inputs and weights: ctx.input<f32>("x", {batch, 784}) is a Tensor<f32, 2>.
  template <typename T, std::size_t N>
  Tensor<T, N> input(std::string name, const Extent (&shape)[N]) {
    auto t = placeholder<T>(std::move(name), shape);
    record_input(t.op());
    return t;
  }
  template <typename T, std::size_t N>
  Tensor<T, N> weight(std::string name, const Extent (&shape)[N]) {
    auto t = input<T>(std::move(name), shape);
    record_weight(t.op());
    return t;
  }

  // A result the caller receives, in the order of these calls. Its tensor is named `name`.
  void output(const std::string& name, ir::Operation op);

  // Typed tensors (the DSL's Tensor<T, R>) are accepted through their operation.
  template <typename TensorLike>
  requires requires(const TensorLike& t) {
    { t.op() } -> std::convertible_to<ir::Operation>;
  }
  void output(const std::string& name, const TensorLike& t) { output(name, ir::Operation(t.op())); }

  // The schedule of `outs` (tensors or operations), created on first call; lowering uses
  // it. Keep a reference: `auto& s = ctx.schedule(y);`. Without a call, the outputs get the
  // default schedule.
  template <typename... Ts>
  Schedule& schedule(const Ts&... outs) {
    if (!schedule_)
      schedule_ = std::make_unique<Schedule>(std::vector<ir::Operation>{op_of(outs)...});
    return *schedule_;
  }
  Schedule* schedule_if_any() const { return schedule_.get(); }

  // A build-time parameter (add_webgpu_model(... PARAMS tile=128), the generator's
  // --param tile=128): the given value parsed as T, else `default_value`. T is an integer
  // type, float/double, bool (true/false/1/0/on/off) or std::string. A value that does not
  // parse as T is a user error naming the model and the parameter; so is a given parameter
  // the model never reads (check_params(), after the model ran). The manifest records every
  // parameter read, with the value used.
  template <typename T>
  T param(const std::string& name, const T& default_value) {
    if constexpr (std::is_same_v<T, bool>) {
      return param_bool(name, default_value);
    } else if constexpr (std::is_integral_v<T>) {
      return static_cast<T>(param_int(name, static_cast<int64_t>(default_value),
                                      static_cast<int64_t>(std::numeric_limits<T>::min()),
                                      static_cast<int64_t>(std::numeric_limits<T>::max())));
    } else if constexpr (std::is_floating_point_v<T>) {
      return static_cast<T>(param_float(name, static_cast<double>(default_value)));
    } else {
      static_assert(std::is_same_v<T, std::string>,
                    "ctx.param<T>: T must be an integer, float, double, bool or std::string");
      return param_string(name, default_value);
    }
  }
  // The parameters given to this run (name -> text); set by the generator's main().
  void set_params(std::map<std::string, std::string> given) { given_params_ = std::move(given); }
  // Every parameter the model read, with the value it used (defaults included).
  const std::map<std::string, std::string>& params_used() const { return used_params_; }
  // User error naming the model and the first given parameter the model never read.
  void check_params() const;

  // A program lowered by other means; replaces lowering of the declared graph.
  void set_program(ir::Program p);

  // Every declared placeholder, inputs and weights, in declaration order (lowering's inputs).
  const std::vector<ir::Operation>& inputs() const { return inputs_; }
  // The names of the weights among inputs(), in declaration order.
  const std::vector<std::string>& weights() const { return weights_; }
  bool is_weight(const std::string& name) const;
  const std::vector<std::pair<std::string, ir::Operation>>& outputs() const { return outputs_; }
  bool has_program() const { return has_program_; }
  const ir::Program& program() const { return program_; }

 private:
  int64_t param_int(const std::string& name, int64_t default_value, int64_t lo, int64_t hi);
  double param_float(const std::string& name, double default_value);
  bool param_bool(const std::string& name, bool default_value);
  std::string param_string(const std::string& name, const std::string& default_value);
  const std::string* given_param(const std::string& name);

  void record_input(const ir::Operation& op);
  void record_weight(const ir::Operation& op);
  static ir::Operation op_of(const ir::Operation& op) { return op; }
  template <typename TensorLike>
  static ir::Operation op_of(const TensorLike& t) {
    return t.op();
  }

  std::string name_;
  std::unique_ptr<Schedule> schedule_;
  std::vector<ir::Operation> inputs_;
  std::vector<std::string> weights_;
  std::vector<std::pair<std::string, ir::Operation>> outputs_;
  ir::Program program_;
  bool has_program_ = false;
  std::map<std::string, std::string> given_params_;
  std::map<std::string, std::string> used_params_;
};

using ModelFn = void (*)(ModelContext&);

// The lowered program of a model: ctx's program if it set one, else its outputs lowered with
// its schedule (or the default schedule) for `target`, tensors renamed to the names given to
// output().
ir::Program lower_model(const ModelContext& ctx, bool dump_ir = false, const Target& target = {});

struct RegisteredModel {
  std::string name;
  ModelFn fn;
};

// Models registered by WEBTX_MODEL in this executable, in registration order.
std::vector<RegisteredModel>& registered_models();

struct ModelRegistrar {
  ModelRegistrar(const char* name, ModelFn fn) { registered_models().push_back({name, fn}); }
};

}  // namespace webtx

#define WEBTX_MODEL(model_name, ctx)                                                               \
  static void webtx_model_fn_##model_name(::webtx::ModelContext& ctx);                             \
  static const ::webtx::ModelRegistrar webtx_model_reg_##model_name(#model_name,                   \
                                                                    &webtx_model_fn_##model_name); \
  static void webtx_model_fn_##model_name(::webtx::ModelContext& ctx)
