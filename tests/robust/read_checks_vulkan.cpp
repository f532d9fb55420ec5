// The read check of robust_read_model (c[i] = a[i] + 1 for i < m, m free) on the native Vulkan
// runtime (lavapipe): a call with m > n is a UserError naming the stage, tensor, axis and the
// symbols' values before anything is dispatched; correct calls on the same model afterwards
// give a[i] + 1.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../common/user_error_of.hpp"
#include "webtx/runtime/vulkan/model_runner.hpp"

namespace rt = webtx::runtime::vulkan;
using ::testing::AllOf;
using ::testing::HasSubstr;
using webtx::testing::user_error_of;

TEST(ReadChecksVulkan, RejectsThenRuns) {
  rt::VulkanDevice device;
  auto model = rt::VulkanModel::load(device, WEBTX_READ_MODEL_MANIFEST);
  const std::vector<float> a = {0, 3, 6, 9, 12, 15, 18, 21};
  auto call = [&](int64_t m) {
    rt::TensorMap t;
    t["a"] = rt::tensor_from<float>("f32", {8}, a);
    rt::RunOptions o;
    o.symbols["m"] = m;
    model->run(t, o);
    return rt::tensor_values<float>(t.at("c"));
  };
  EXPECT_THAT(user_error_of([&] { call(9); }),
              AllOf(HasSubstr("stage 'c' reads input 'a' axis 0 at indices [0, m)"),
                    HasSubstr("needs m <= n, got 9 > 8")));
  for (int64_t m : {8, 3, 0}) {
    auto c = call(m);
    ASSERT_EQ(c.size(), static_cast<size_t>(m));
    for (int64_t i = 0; i < m; ++i) EXPECT_EQ(c[i], a[i] + 1) << "m = " << m << ", i = " << i;
  }
}
