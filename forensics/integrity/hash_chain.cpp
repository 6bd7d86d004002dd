#include "forensics/integrity/hash_chain.hpp"

#include "forensics/integrity/digest.hpp"

namespace shodo::integrity {

std::string canonical_json(const nlohmann::json& j) {
  // nlohmann::json objects are std::map-backed: keys come out sorted by byte value.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
}

std::string chain_hash(std::string_view prev_hash, nlohmann::json j, std::string_view hash_key) {
  if (j.is_object()) j.erase(std::string(hash_key));
  return chain_hash_of_canonical(prev_hash, canonical_json(j));
}

std::string chain_hash_of_canonical(std::string_view prev_hash, std::string_view canonical) {
  Sha256 h;
  h.update(prev_hash);
  h.update(canonical);
  return h.finish_hex();
}

}  // namespace shodo::integrity
