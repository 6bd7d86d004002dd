#include "forensics/integrity/kit_key.hpp"

#include <cstdio>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <cctype>
#include <nlohmann/json.hpp>

#include "forensics/core/atomic_file.hpp"
#include "forensics/integrity/digest.hpp"

namespace shodo {
namespace fs = std::filesystem;

struct KitKey::Impl {
  EVP_PKEY* key = nullptr;
  ~Impl() { EVP_PKEY_free(key); }
};

KitKey::~KitKey() = default;
KitKey::KitKey(KitKey&&) noexcept = default;
KitKey& KitKey::operator=(KitKey&&) noexcept = default;

namespace {

Error key_error(const fs::path& p) {
  return make_error(ErrorCode::integrity,
                    "キット鍵が壊れています: " + p.string() + "。鍵を作り直す前に管理者に相談してください",
                    "the kit key is damaged: " + p.string() + ". Ask the kit administrator before recreating it");
}

std::string raw_public_hex(EVP_PKEY* key) {
  unsigned char pub[32];
  size_t len = sizeof pub;
  EVP_PKEY_get_raw_public_key(key, pub, &len);
  return to_hex(std::string_view(reinterpret_cast<char*>(pub), len));
}

}  // namespace

Result<KitKey> KitKey::load_or_create(const fs::path& kit_dir) {
  if (auto st = create_directories_durable(kit_dir); !st) return st.error();
  const fs::path key_path = kit_dir / "kit_key.pem";
  const fs::path id_path = kit_dir / "kit.json";
  KitKey k;
  k.m_impl = std::make_unique<Impl>();
  std::error_code ec;
  const bool have_key = fs::exists(key_path, ec), have_id = fs::exists(id_path, ec);
  // A lost half of the identity must not silently become a new kit (its chronologies and
  // checkpoints would no longer match): only a kit folder with neither file is new.
  if (have_key != have_id) return key_error(have_key ? id_path : key_path);
  if (!have_key) {
    EVP_PKEY_CTX* pctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
    EVP_PKEY* key = nullptr;
    if (!pctx || EVP_PKEY_keygen_init(pctx) != 1 || EVP_PKEY_keygen(pctx, &key) != 1) {
      EVP_PKEY_CTX_free(pctx);
      return make_error(ErrorCode::io_error, "キット鍵を生成できません", "cannot generate the kit key");
    }
    EVP_PKEY_CTX_free(pctx);
    k.m_impl->key = key;
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<std::size_t>(n));
    BIO_free(bio);
    unsigned char rnd[4];
    RAND_bytes(rnd, sizeof rnd);
    std::string id = "KIT-" + to_hex(std::string_view(reinterpret_cast<char*>(rnd), 4));
    for (auto& c : id) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    nlohmann::json j{{"format", "shodo-kit"}, {"version", 1}, {"kit_id", id},
                     {"public_key", raw_public_hex(key)}, {"algorithm", "Ed25519"}};
    if (auto st = write_file_atomic(key_path, pem, 0600); !st) return st.error();
    if (auto st = write_file_atomic(id_path, j.dump(2) + "\n"); !st) return st.error();
  }
  auto pem = read_file(key_path);
  if (!pem) return pem.error();
  BIO* bio = BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!key || EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(key);
    return key_error(key_path);
  }
  EVP_PKEY_free(k.m_impl->key);
  k.m_impl->key = key;
  k.m_pub_hex = raw_public_hex(key);
  auto idtext = read_file(id_path);
  if (!idtext) return idtext.error();
  auto j = nlohmann::json::parse(*idtext, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("kit_id") || !j["kit_id"].is_string() ||
      !j.contains("public_key") || !j["public_key"].is_string() || j["public_key"].get<std::string>() != k.m_pub_hex)
    return key_error(id_path);
  k.m_kit_id = j["kit_id"].get<std::string>();
  return k;
}

std::string KitKey::fingerprint() const { return fingerprint_of(m_pub_hex); }

std::string KitKey::sign_hex(std::string_view message) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  unsigned char sig[64];
  size_t len = sizeof sig;
  const bool ok = EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, m_impl->key) == 1 &&
                  EVP_DigestSign(ctx, sig, &len, reinterpret_cast<const unsigned char*>(message.data()),
                                 message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  assert(ok && "Ed25519 signing cannot fail with a loaded key");
  (void)ok;
  return to_hex(std::string_view(reinterpret_cast<char*>(sig), len));
}

bool verify_signature_hex(std::string_view public_key_hex, std::string_view message,
                          std::string_view signature_hex) {
  std::string pub, sig;
  if (!from_hex(public_key_hex, pub) || pub.size() != 32) return false;
  if (!from_hex(signature_hex, sig) || sig.size() != 64) return false;
  EVP_PKEY* key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                              reinterpret_cast<const unsigned char*>(pub.data()), 32);
  if (!key) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, key) == 1 &&
                  EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                                   reinterpret_cast<const unsigned char*>(message.data()),
                                   message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return ok;
}

std::string fingerprint_of(std::string_view public_key_hex) {
  std::string raw;
  from_hex(public_key_hex, raw);
  const std::string h = sha256_hex(raw).substr(0, 32);
  std::string out;
  for (std::size_t i = 0; i < h.size(); i += 4) {
    if (i) out.push_back(' ');
    out += h.substr(i, 4);
  }
  return out;
}

}  // namespace shodo
