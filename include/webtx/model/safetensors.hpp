#pragma once
// Weights files in the safetensors format (https://github.com/huggingface/safetensors): an
// 8-byte little-endian header length N, N bytes of JSON {name: {dtype, shape, data_offsets},
// "__metadata__"?: {string: string}}, then the raw little-endian data (offsets are relative to
// its start). The one reader and writer of C++ (the native runtime, the CPU-reference tool);
// web/src/safetensors.js reads the same format with the same checks and messages.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "webtx/model/model_spec.hpp"

namespace webtx::model {

struct SafetensorsEntry {
  std::string name;
  std::string dtype;  // the file's name: "F32", "F16", "I32", "U32", "BF16", ...
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0;  // byte range in the data section
};

struct Safetensors {
  std::string source;                     // the file name (or "<bytes>"), named in errors
  std::vector<SafetensorsEntry> tensors;  // in the header's order
  std::map<std::string, std::string> metadata;
  std::string bytes;    // the whole file
  uint64_t data_start;  // 8 + header length

  const SafetensorsEntry* find(const std::string& name) const;
  const uint8_t* data(const SafetensorsEntry& e) const {
    return reinterpret_cast<const uint8_t*>(bytes.data()) + data_start + e.begin;
  }
};

// Parses and checks a whole file: header length within the file, JSON an object, every
// tensor's dtype known, shape whole numbers >= 0, data_offsets inside the data section and
// exactly (elements x element size) bytes. UserError naming `source` and the tensor.
Safetensors parse_safetensors(std::string bytes, const std::string& source);
Safetensors read_safetensors(const std::filesystem::path& path);

// The safetensors dtype of a model dtype ("f32" -> "F32"); UserError for one that has none
// (bool, stored as u32 on the GPU but one byte in safetensors).
std::string safetensors_dtype(const std::string& model_dtype);

// Checks `file` against the weights of `m` (tensors with role Weight): each present with the
// model's dtype and shape (weight extents are constants), and no tensor the model does not
// declare. UserError naming the file and the tensor(s).
void check_weights(const ModelSpec& m, const Safetensors& file);

// One tensor to write: model dtype, shape and exactly its little-endian bytes.
struct SafetensorsTensor {
  std::string name;
  std::string dtype;  // model dtype ("f32", ...)
  std::vector<int64_t> shape;
  std::string bytes;
};
// The file's bytes: header (names in the given order, data 8-byte aligned) then the data.
std::string write_safetensors(const std::vector<SafetensorsTensor>& tensors,
                              const std::map<std::string, std::string>& metadata = {});

}  // namespace webtx::model
