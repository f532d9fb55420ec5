// webtx::model's safetensors reader and writer, and the weights check against a model.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

#include "../common/user_error_of.hpp"
#include "webtx/error.hpp"
#include "webtx/model/safetensors.hpp"

namespace webtx::model {
namespace {

using ::testing::HasSubstr;

using webtx::testing::user_error_of;

std::string f32_bytes(std::vector<float> v) {
  std::string s(v.size() * 4, '\0');
  std::memcpy(s.data(), v.data(), s.size());
  return s;
}

// A file written by hand: header length, header text, data.
std::string raw(const std::string& header, const std::string& data = "") {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((header.size() >> (8 * i)) & 0xff);
  return out + header + data;
}

ModelSpec mlp() {
  ModelSpec m;
  m.name = m.function = "mlp";
  m.symbols = {{"batch", "x", 0}};
  m.tensors = {{"x", TensorRole::Input, "f32", {Extent::sym("batch"), Extent::constant(2)}},
               {"y", TensorRole::Output, "f32", {Extent::sym("batch"), Extent::constant(3)}},
               {"w", TensorRole::Weight, "f32", {Extent::constant(2), Extent::constant(3)}},
               {"b", TensorRole::Weight, "f16", {Extent::constant(3)}}};
  m.args = {"x", "y", "w", "b"};
  return m;
}

TEST(Safetensors, WritesWhatItReads) {
  const std::string bytes = write_safetensors({{"w", "f32", {2, 3}, f32_bytes({1, 2, 3, 4, 5, 6})},
                                               {"b", "f16", {3}, std::string(6, '\1')}},
                                              {{"format", "pt"}});
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  EXPECT_EQ((8 + n) % 8, 0u) << "the data starts 8-byte aligned";
  Safetensors f = parse_safetensors(bytes, "m.safetensors");
  EXPECT_EQ(f.metadata.at("format"), "pt");
  ASSERT_EQ(f.tensors.size(), 2u);
  EXPECT_EQ(f.tensors[0].name, "w");
  EXPECT_EQ(f.tensors[0].dtype, "F32");
  EXPECT_EQ(f.tensors[0].shape, (std::vector<int64_t>{2, 3}));
  float w[6];
  std::memcpy(w, f.data(*f.find("w")), 24);
  EXPECT_EQ(w[5], 6.0f);
  EXPECT_EQ(f.find("b")->end - f.find("b")->begin, 6u);
  check_weights(mlp(), f);
  // Another writer's order and dtypes we do not run still parse.
  Safetensors g =
      parse_safetensors(raw(R"({"z": {"dtype": "BF16", "shape": [1], "data_offsets": [4, 6]},
              "a": {"dtype": "I64", "shape": [], "data_offsets": [0, 8]}})",
                            std::string(8, '\0')),
                        "g");
  EXPECT_EQ(g.find("a")->shape.size(), 0u);
}

TEST(Safetensors, BadFilesNameTheProblemAndTheFile) {
  auto err = [](const std::string& bytes) {
    return user_error_of([&] { parse_safetensors(bytes, "w.st"); });
  };
  EXPECT_THAT(err("12345"), HasSubstr("weights file 'w.st' has 5 bytes, too short"));
  const std::string good =
      raw(R"({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}})", std::string(16, 0));
  EXPECT_THAT(err(good.substr(0, 20)),
              HasSubstr("runs past the end of the file (20 bytes): truncated"));
  EXPECT_THAT(err(good.substr(0, good.size() - 1)),
              HasSubstr("weights file 'w.st' is truncated: tensor 'a' ends at byte 16 of the data, "
                        "which has only 15 bytes"));
  EXPECT_THAT(err(raw(R"({"a": )")), HasSubstr("the header is not valid JSON"));
  EXPECT_THAT(err(raw("[1]")), HasSubstr("the header is not a JSON object"));
  EXPECT_THAT(err(raw(R"({"a": {"dtype": "F32", "shape": [1]}})")),
              HasSubstr("tensor 'a' needs dtype, shape and data_offsets"));
  EXPECT_THAT(err(raw(R"({"a": {"dtype": "Q4", "shape": [1], "data_offsets": [0, 4]}})", "abcd")),
              HasSubstr("tensor 'a' has unknown dtype 'Q4'"));
  EXPECT_THAT(err(raw(R"({"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}})", "abcd")),
              HasSubstr("tensor 'a' has shape [-1]: extents must be whole numbers >= 0"));
  EXPECT_THAT(err(raw(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}})", "abcd")),
              HasSubstr("tensor 'a' (F32 [2]) needs 8 bytes, but data_offsets [0,4] give 4"));
  EXPECT_THAT(user_error_of([] { read_safetensors("/nonexistent/w.safetensors"); }),
              HasSubstr("cannot read weights file '/nonexistent/w.safetensors'"));
}

// Every cut of a file is a named error (never a crash or a read past the end), and so is every
// single-byte corruption of its header length.
TEST(Safetensors, EveryPrefixIsRefused) {
  const std::string bytes = write_safetensors(
      {{"w", "f32", {2, 3}, f32_bytes({1, 2, 3, 4, 5, 6})}, {"b", "f16", {3}, std::string(6, 1)}});
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_THAT(user_error_of([&] { parse_safetensors(bytes.substr(0, n), "cut"); }),
                HasSubstr("weights file 'cut'"))
        << n << " bytes";
  }
  for (int i = 0; i < 8; ++i) {
    std::string b = bytes;
    b[i] = static_cast<char>(b[i] ^ 0x80);
    EXPECT_THAT(user_error_of([&] { parse_safetensors(b, "flip"); }),
                HasSubstr("weights file 'flip'"))
        << "byte " << i;
  }
}

TEST(Safetensors, WeightsCheckedAgainstTheModel) {
  auto check = [](std::vector<SafetensorsTensor> ts) {
    return user_error_of(
        [&] { check_weights(mlp(), parse_safetensors(write_safetensors(ts), "mlp.st")); });
  };
  const SafetensorsTensor w{"w", "f32", {2, 3}, std::string(24, '\0')};
  const SafetensorsTensor b{"b", "f16", {3}, std::string(6, '\0')};
  EXPECT_EQ(check({w, b}), "(no error)");
  EXPECT_THAT(check({b}), HasSubstr("weights file 'mlp.st' lacks weight(s) 'w' of model 'mlp'"));
  EXPECT_THAT(check({w, b, {"x", "f32", {1}, std::string(4, '\0')}}),
              HasSubstr("has tensor 'x', which is not a weight of model 'mlp' (weights: w, b)"));
  EXPECT_THAT(check({{"w", "i32", {2, 3}, std::string(24, '\0')}, b}),
              HasSubstr("weight 'w' has dtype I32, but model 'mlp' needs F32"));
  EXPECT_THAT(check({{"w", "f32", {3, 2}, std::string(24, '\0')}, b}),
              HasSubstr("weight 'w' has shape [3, 2], but model 'mlp' needs [2, 3]"));
  EXPECT_THAT(user_error_of([] {
                write_safetensors({{"w", "f32", {2}, "abc"}});
              }),
              HasSubstr("tensor 'w' has 3 bytes, its F32 [2] needs 8"));
}

TEST(Safetensors, WeightRoleInTheDescription) {
  ModelSpec m = mlp();
  validate(m);
  EXPECT_EQ(from_json(to_json(m)).tensors[2].role, TensorRole::Weight);
  m.tensors[2].shape[0] = Extent::sym("batch");
  EXPECT_THAT(user_error_of([&] { validate(m); }),
              HasSubstr("weight 'w' axis 0 is batch: weight extents must be constants"));
  m = mlp();
  m.args = {"x", "y", "w"};
  EXPECT_THAT(user_error_of([&] { validate(m); }),
              HasSubstr("tensor 'b' (weight) is not an argument"));
}

}  // namespace
}  // namespace webtx::model
