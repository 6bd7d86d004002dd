#include "forensics/chronology/operator.hpp"

#include <algorithm>

namespace shodo::chronology {

bool is_role_code(std::string_view code) {
  return std::find(k_role_codes.begin(), k_role_codes.end(), code) != k_role_codes.end();
}

std::vector<std::string> role_set(const std::vector<std::string>& roles) {
  std::vector<std::string> out;
  for (const auto code : k_role_codes)
    if (std::find(roles.begin(), roles.end(), code) != roles.end()) out.emplace_back(code);
  for (const auto& r : roles)
    if (!is_role_code(r) && std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
  return out;
}

Result<std::vector<std::string>> parse_roles(std::string_view text) {
  std::vector<std::string> roles;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    std::string code(text.substr(pos, comma - pos));
    code.erase(0, code.find_first_not_of(" \t"));
    code.erase(code.find_last_not_of(" \t") + 1);
    std::transform(code.begin(), code.end(), code.begin(),
                   [](unsigned char c) { return static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c); });
    if (!code.empty()) {
      if (!is_role_code(code)) {
        std::string known;
        for (const auto k : k_role_codes) known += (known.empty() ? "" : " ") + std::string(k);
        return make_error(ErrorCode::invalid_input, "不明な役割です: " + code + "（" + known + " のいずれか）",
                          "unknown role: " + code + " (one of " + known + ")");
      }
      roles.push_back(code);
    }
    pos = comma + 1;
  }
  return role_set(roles);
}

std::string roles_text(const std::vector<std::string>& roles) {
  std::string s;
  for (const auto& r : roles) s += (s.empty() ? "" : ",") + r;
  return s;
}

bool same_operator(const Operator& a, const Operator& b) {
  return a.name == b.name && role_set(a.roles) == role_set(b.roles);
}

}  // namespace shodo::chronology
