#pragma once
// Checked reads of members of JSON objects that come from files on a medium that may be damaged
// or edited (kit manifests, resume state files, incident files). nlohmann's value()/get<int>()
// convert a float such as 1.1e50 to an integer out of range (undefined behaviour) and wrap a
// negative count around; these never do.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>

#include <nlohmann/json.hpp>

namespace shodo {

// The integer value of `v`, or nullopt when it is no JSON integer or does not fit T.
template <typename T>
std::optional<T> json_int_value(const nlohmann::json& v) {
  static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
  if (!v.is_number_integer()) return std::nullopt;
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) return std::nullopt;
    return static_cast<T>(u);
  }
  const auto s = v.get<std::int64_t>();
  if constexpr (std::is_unsigned_v<T>) {
    if (s < 0 || static_cast<std::uint64_t>(s) > static_cast<std::uint64_t>(std::numeric_limits<T>::max()))
      return std::nullopt;
  } else {
    if (s < static_cast<std::int64_t>(std::numeric_limits<T>::min()) ||
        s > static_cast<std::int64_t>(std::numeric_limits<T>::max()))
      return std::nullopt;
  }
  return static_cast<T>(s);
}

// The integer member `key` of object `j` (`fallback` when absent), or nullopt when it is there
// but is no integer that fits T.
template <typename T>
std::optional<T> json_int(const nlohmann::json& j, const char* key, T fallback) {
  auto it = j.find(key);
  if (it == j.end()) return fallback;
  return json_int_value<T>(*it);
}

// The string member `key`, or "" when absent or not a string.
inline std::string json_string(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return (it != j.end() && it->is_string()) ? it->get<std::string>() : std::string();
}

}  // namespace shodo
