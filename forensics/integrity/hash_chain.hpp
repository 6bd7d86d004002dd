// Hash-chain primitives shared by every hash-chained JSON Lines file the kit writes (the
// chronology, the evidence register): the canonical form of a record, its chained hash and the
// genesis hash (docs/FORMATS.md §chronology "Integrity").
//
//   hash = SHA-256(prev_hash_hex || canonical_json(record without its own hash member))
//
// The canonical form is the JSON object with keys sorted by byte value, no whitespace, UTF-8
// unescaped, integers only. Verifiers hash the bytes as stored minus the hash member (see
// chain_verifier.hpp), so for a line written here both computations agree.
// All functions are pure and thread-safe.
#pragma once
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace shodo::integrity {

// prev_hash of the first record of every chain: 64 zeros.
inline constexpr const char* k_genesis_hash = "0000000000000000000000000000000000000000000000000000000000000000";

// Canonical serialisation of a JSON value (sorted keys, compact, UTF-8 unescaped). Throws
// nlohmann::json::type_error on invalid UTF-8 inside strings (callers validate text first).
std::string canonical_json(const nlohmann::json& j);

// SHA-256(prev_hash || canonical_json(j without the member `hash_key`)), lower-case hex.
std::string chain_hash(std::string_view prev_hash, nlohmann::json j, std::string_view hash_key);

// The same over text that is already canonical (without the hash member).
std::string chain_hash_of_canonical(std::string_view prev_hash, std::string_view canonical);

}  // namespace shodo::integrity
