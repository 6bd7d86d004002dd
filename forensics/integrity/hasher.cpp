#include "forensics/integrity/hasher.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include <openssl/evp.h>

namespace shodo {

const char* to_string(HashAlgo a) {
  switch (a) {
    case HashAlgo::md5: return "md5";
    case HashAlgo::sha1: return "sha1";
    case HashAlgo::sha256: return "sha256";
    case HashAlgo::sha512: return "sha512";
  }
  return "sha256";
}

const char* sum_tool_name(HashAlgo a) {
  switch (a) {
    case HashAlgo::md5: return "md5sum";
    case HashAlgo::sha1: return "sha1sum";
    case HashAlgo::sha256: return "sha256sum";
    case HashAlgo::sha512: return "sha512sum";
  }
  return "sha256sum";
}

std::size_t digest_hex_length(HashAlgo a) {
  switch (a) {
    case HashAlgo::md5: return 32;
    case HashAlgo::sha1: return 40;
    case HashAlgo::sha256: return 64;
    case HashAlgo::sha512: return 128;
  }
  return 64;
}

Result<std::vector<HashAlgo>> parse_hash_algos(std::string_view list) {
  std::vector<HashAlgo> out;
  std::size_t pos = 0;
  while (pos <= list.size()) {
    std::size_t comma = list.find(',', pos);
    if (comma == std::string_view::npos) comma = list.size();
    std::string name;
    for (char c : list.substr(pos, comma - pos))
      if (c != '-' && c != ' ' && c != '_') name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    pos = comma + 1;
    if (name.empty()) continue;
    HashAlgo a;
    if (name == "md5") a = HashAlgo::md5;
    else if (name == "sha1") a = HashAlgo::sha1;
    else if (name == "sha256") a = HashAlgo::sha256;
    else if (name == "sha512") a = HashAlgo::sha512;
    else
      return make_error(ErrorCode::invalid_input,
                        "知らないハッシュ方式です: " + name + "（md5, sha1, sha256, sha512 から選んでください）",
                        "unknown hash algorithm: " + name + " (choose from md5, sha1, sha256, sha512)");
    if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
  }
  if (out.empty())
    return make_error(ErrorCode::invalid_input, "ハッシュ方式が指定されていません",
                      "no hash algorithm given");
  return out;
}

struct Hasher::Impl {
  EVP_MD_CTX* ctx = nullptr;
  const EVP_MD* md = nullptr;
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

namespace {
const EVP_MD* md_for(HashAlgo a) {
  switch (a) {
    case HashAlgo::md5: return EVP_md5();
    case HashAlgo::sha1: return EVP_sha1();
    case HashAlgo::sha256: return EVP_sha256();
    case HashAlgo::sha512: return EVP_sha512();
  }
  return EVP_sha256();
}
}  // namespace

Hasher::Hasher(HashAlgo algo) : m_algo(algo), m_impl(std::make_unique<Impl>()) {
  m_impl->ctx = EVP_MD_CTX_new();
  m_impl->md = md_for(algo);
  if (!m_impl->ctx || EVP_DigestInit_ex(m_impl->ctx, m_impl->md, nullptr) != 1)
    throw std::runtime_error("EVP_DigestInit_ex failed");
}
Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;

void Hasher::update(const void* data, std::size_t len) {
  if (len) EVP_DigestUpdate(m_impl->ctx, data, len);
}

std::string Hasher::finish_hex() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_DigestFinal_ex(m_impl->ctx, out, &n);
  EVP_DigestInit_ex(m_impl->ctx, m_impl->md, nullptr);
  static const char* k = "0123456789abcdef";
  std::string hex(n * 2, '0');
  for (unsigned int i = 0; i < n; ++i) {
    hex[2 * i] = k[out[i] >> 4];
    hex[2 * i + 1] = k[out[i] & 15];
  }
  return hex;
}

}  // namespace shodo
