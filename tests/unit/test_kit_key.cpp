// The kit identity (kit ID + Ed25519 key): created once, reloaded unchanged, signs and verifies,
// refuses damaged key files. Ed25519 itself is checked against RFC 8032 test vectors.
#include "tests/unit/test_support.hpp"  // first: it configures catch.hpp

#include <regex>

#include "forensics/integrity/digest.hpp"
#include "forensics/integrity/kit_key.hpp"

using namespace shodo;
using namespace shodo::unit;
namespace fs = std::filesystem;

TEST_CASE("kit key: created on first use with private files, reloaded unchanged", "[kitkey]") {
  SHODO_TEST_DIR(dir);
  const fs::path kit = dir / "case" / "kit";
  auto k1 = KitKey::load_or_create(kit);
  REQUIRE(k1.ok());
  CHECK(fs::exists(kit / "kit.json"));
  CHECK(fs::exists(kit / "kit_key.pem"));
  CHECK(file_mode(kit / "kit_key.pem") == 0600);
  CHECK((file_mode(kit) & 0007) == 0);  // the kit folder is not world-accessible
  CHECK(std::regex_match(k1->kit_id(), std::regex("^KIT-[0-9A-F]{8}$")));
  CHECK(std::regex_match(k1->public_key_hex(), std::regex("^[0-9a-f]{64}$")));
  CHECK(read_bytes(kit / "kit_key.pem").rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);

  const auto j = nlohmann::json::parse(read_bytes(kit / "kit.json"));
  CHECK(j["kit_id"] == k1->kit_id());
  CHECK(j["public_key"] == k1->public_key_hex());
  CHECK(j["algorithm"] == "Ed25519");
  // The public identity file does not carry the private key.
  CHECK(read_bytes(kit / "kit.json").find("PRIVATE") == std::string::npos);

  const std::string pem_before = read_bytes(kit / "kit_key.pem");
  auto k2 = KitKey::load_or_create(kit);
  REQUIRE(k2.ok());
  CHECK(k2->kit_id() == k1->kit_id());
  CHECK(k2->public_key_hex() == k1->public_key_hex());
  CHECK(k2->fingerprint() == k1->fingerprint());
  CHECK(read_bytes(kit / "kit_key.pem") == pem_before);
  // Ed25519 signatures are deterministic: the same key signs the same message identically.
  CHECK(k2->sign_hex("shodo") == k1->sign_hex("shodo"));

  // Another kit gets another identity.
  auto other = KitKey::load_or_create(dir / "other" / "kit");
  REQUIRE(other.ok());
  CHECK(other->kit_id() != k1->kit_id());
  CHECK(other->public_key_hex() != k1->public_key_hex());
}

TEST_CASE("kit key: sign/verify round trip — altered message, signature or key fail", "[kitkey]") {
  SHODO_TEST_DIR(dir);
  auto k = KitKey::load_or_create(dir / "kit");
  REQUIRE(k.ok());
  auto other = KitKey::load_or_create(dir / "kit2");
  REQUIRE(other.ok());
  const std::string msg = "shodo-checkpoint|OGMC-20221031-01|KIT-0A1B2C3D|5|" + std::string(64, 'a');
  const std::string sig = k->sign_hex(msg);
  CHECK(std::regex_match(sig, std::regex("^[0-9a-f]{128}$")));
  CHECK(verify_signature_hex(k->public_key_hex(), msg, sig));

  std::string msg2 = msg;
  msg2.back() = 'b';
  CHECK_FALSE(verify_signature_hex(k->public_key_hex(), msg2, sig));
  CHECK_FALSE(verify_signature_hex(k->public_key_hex(), msg + " ", sig));
  std::string sig2 = sig;
  sig2[10] = sig2[10] == '0' ? '1' : '0';
  CHECK_FALSE(verify_signature_hex(k->public_key_hex(), msg, sig2));
  CHECK_FALSE(verify_signature_hex(other->public_key_hex(), msg, sig));
  CHECK_FALSE(verify_signature_hex(k->public_key_hex(), msg, sig.substr(0, 126)));  // short
  CHECK_FALSE(verify_signature_hex(k->public_key_hex(), msg, ""));
  CHECK_FALSE(verify_signature_hex("zz" + k->public_key_hex().substr(2), msg, sig));  // not hex
  CHECK_FALSE(verify_signature_hex(k->public_key_hex().substr(0, 62), msg, sig));   // 31 bytes
}

TEST_CASE("Ed25519 verification matches the RFC 8032 test vectors", "[kitkey]") {
  // RFC 8032 §7.1, TEST 1 (empty message) and TEST 2 (one byte 0x72).
  CHECK(verify_signature_hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
                             "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bac"
                             "c61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"));
  CHECK(verify_signature_hex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "\x72",
                             "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f"
                             "3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"));
}

TEST_CASE("fingerprint: first 32 hex digits of SHA-256(public key) in 8 groups of 4", "[kitkey]") {
  SHODO_TEST_DIR(dir);
  auto k = KitKey::load_or_create(dir / "kit");
  REQUIRE(k.ok());
  const std::string fp = k->fingerprint();
  CHECK(std::regex_match(fp, std::regex("^([0-9a-f]{4} ){7}[0-9a-f]{4}$")));
  std::string raw;
  REQUIRE(from_hex(k->public_key_hex(), raw));
  REQUIRE(raw.size() == 32);
  std::string expected_digits = sha256_hex(raw).substr(0, 32);
  std::string digits = fp;
  digits.erase(std::remove(digits.begin(), digits.end(), ' '), digits.end());
  CHECK(digits == expected_digits);
  CHECK(fingerprint_of(k->public_key_hex()) == fp);
  // RFC 8032 TEST 1 public key, fingerprint computed independently with
  // `xxd -r -p | openssl dgst -sha256`.
  const std::string pub = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
  write_bytes(dir / "pub.bin", [&] {
    std::string b;
    from_hex(pub, b);
    return b;
  }());
  const std::string cli = openssl_sha256_file(dir / "pub.bin");
  std::string grouped;
  for (std::size_t i = 0; i < 32; i += 4) grouped += (i ? " " : "") + cli.substr(i, 4);
  CHECK(fingerprint_of(pub) == grouped);
}

TEST_CASE("kit key: damaged key or identity file → integrity error, nothing overwritten", "[kitkey]") {
  SHODO_TEST_DIR(dir);
  const fs::path kit = dir / "kit";
  std::string kit_json;
  {
    auto k = KitKey::load_or_create(kit);
    REQUIRE(k.ok());
    kit_json = read_bytes(kit / "kit.json");
  }
  SECTION("key file garbage") {
    write_bytes(kit / "kit_key.pem", "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n");
  }
  SECTION("key file truncated") {
    const std::string pem = read_bytes(kit / "kit_key.pem");
    write_bytes(kit / "kit_key.pem", pem.substr(0, pem.size() / 2));
  }
  SECTION("kit.json names another public key") {
    auto j = nlohmann::json::parse(kit_json);
    j["public_key"] = std::string(64, '0');
    kit_json = j.dump(2) + "\n";
    write_bytes(kit / "kit.json", kit_json);
  }
  SECTION("kit.json not JSON") {
    kit_json = "{ broken";
    write_bytes(kit / "kit.json", kit_json);
  }
  SECTION("kit.json with a wrongly typed public key") {
    auto j = nlohmann::json::parse(kit_json);
    j["public_key"] = 5;
    kit_json = j.dump(2) + "\n";
    write_bytes(kit / "kit.json", kit_json);
  }
  const std::string pem = read_bytes(kit / "kit_key.pem");
  std::optional<Result<KitKey>> res;
  CHECK_NOTHROW(res.emplace(KitKey::load_or_create(kit)));
  REQUIRE(res);
  auto& r = *res;
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::integrity);
  CHECK(r.error().en.find("damaged") != std::string::npos);
  CHECK_FALSE(r.error().ja.empty());
  CHECK(exit_code_for(r.error().code) == 4);
  // The damaged files are evidence too: never silently replaced.
  CHECK(read_bytes(kit / "kit_key.pem") == pem);
  CHECK(read_bytes(kit / "kit.json") == kit_json);
}

TEST_CASE("kit key: a lost key file or identity file is an integrity error, not a new identity", "[kitkey]") {
  // If kit.json survives but kit_key.pem is gone (or the reverse), silently creating a new key and
  // kit ID would start a new chronology under a new device ID and orphan the signed checkpoints.
  SHODO_TEST_DIR(dir);
  const fs::path kit = dir / "kit";
  std::string kit_json, pem;
  {
    auto k = KitKey::load_or_create(kit);
    REQUIRE(k.ok());
    kit_json = read_bytes(kit / "kit.json");
    pem = read_bytes(kit / "kit_key.pem");
  }
  SECTION("key file missing") {
    fs::remove(kit / "kit_key.pem");
    auto r = KitKey::load_or_create(kit);
    CHECK_FALSE(r.ok());
    if (!r.ok()) CHECK(r.error().code == ErrorCode::integrity);
    CHECK(read_bytes(kit / "kit.json") == kit_json);
  }
  SECTION("identity file missing") {
    fs::remove(kit / "kit.json");
    auto r = KitKey::load_or_create(kit);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::integrity);
    CHECK(r.error().en.find("kit.json") != std::string::npos);
    CHECK(read_bytes(kit / "kit_key.pem") == pem);
  }
}
