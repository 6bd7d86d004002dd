// Digests by algorithm name through OpenSSL EVP: SHA-256 (default), MD5, SHA-1, SHA-512.
// Used by the acquisition pipeline (one Hasher per algorithm, each on its own thread).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "forensics/core/result.hpp"

namespace shodo {

enum class HashAlgo { md5, sha1, sha256, sha512 };

const char* to_string(HashAlgo a);            // "md5", "sha1", "sha256", "sha512"
const char* sum_tool_name(HashAlgo a);        // "md5sum", "sha1sum", ... (hash-file format)
std::size_t digest_hex_length(HashAlgo a);
// Parses "sha256,md5" (also "SHA-256", "sha-1"); order is kept, duplicates removed.
// Errors: invalid_input naming the unknown algorithm.
Result<std::vector<HashAlgo>> parse_hash_algos(std::string_view list);

// One incremental digest. Not thread-safe; one per thread.
class Hasher {
 public:
  explicit Hasher(HashAlgo algo);
  ~Hasher();
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;
  HashAlgo algo() const { return m_algo; }
  void update(const void* data, std::size_t len);
  // Lower-case hex; the hasher is reset afterwards and can be reused.
  std::string finish_hex();

 private:
  HashAlgo m_algo;
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

struct HashValue {
  HashAlgo algo = HashAlgo::sha256;
  std::string hex;
};

}  // namespace shodo
