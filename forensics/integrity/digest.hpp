// SHA-256 through OpenSSL EVP (SHA-NI is picked up automatically).
#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "forensics/core/result.hpp"

namespace shodo {

// Incremental SHA-256. Not thread-safe; one per thread.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view bytes);
  // Lower-case hex digest; the object must not be used afterwards.
  std::string finish_hex();

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

std::string sha256_hex(std::string_view bytes);
// Streams a file through SHA-256. Errors: not_found / io_error.
Result<std::string> sha256_file_hex(const std::filesystem::path& path);

std::string to_hex(std::string_view bytes);
// Returns false on odd length or non-hex characters.
bool from_hex(std::string_view hex, std::string& out);

}  // namespace shodo
