// The kit's identity: a kit ID and an Ed25519 key pair, created on first use under the case
// root (kit/kit.json + kit/kit_key.pem, mode 0600). Signs chronology checkpoints and exports.
#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "forensics/core/result.hpp"

namespace shodo {

class KitKey {
 public:
  ~KitKey();
  KitKey(KitKey&&) noexcept;
  KitKey& operator=(KitKey&&) noexcept;

  // Loads the kit identity from `kit_dir`, creating ID and key on first use.
  // Errors: not_saved (cannot write), integrity (key file unreadable or damaged).
  static Result<KitKey> load_or_create(const std::filesystem::path& kit_dir);

  const std::string& kit_id() const { return m_kit_id; }        // e.g. "KIT-3F9A21C0"
  const std::string& public_key_hex() const { return m_pub_hex; }  // 32 bytes raw, hex
  // SHA-256 of the raw public key, first 32 hex digits grouped "ab12 cd34 ..." for reading aloud.
  std::string fingerprint() const;
  // Ed25519 signature of `message`, hex (128 digits).
  std::string sign_hex(std::string_view message) const;

 private:
  KitKey() = default;
  struct Impl;
  std::unique_ptr<Impl> m_impl;
  std::string m_kit_id;
  std::string m_pub_hex;
};

// Verifies an Ed25519 signature given the raw public key in hex.
bool verify_signature_hex(std::string_view public_key_hex, std::string_view message,
                          std::string_view signature_hex);
// Fingerprint of a raw public key (hex), as KitKey::fingerprint().
std::string fingerprint_of(std::string_view public_key_hex);

}  // namespace shodo
