#include "forensics/i18n/substitute.hpp"

#include "forensics/i18n/catalogue.hpp"

namespace shodo::i18n {

std::string fill(std::string text, Subs subs) {
  for (const auto& [name, value] : subs) {
    const std::string token = "{" + std::string(name) + "}";
    for (std::size_t pos = text.find(token); pos != std::string::npos; pos = text.find(token, pos + value.size()))
      text.replace(pos, token.size(), value);
  }
  return text;
}

Error catalogue_error(ErrorCode code, const char* key, Subs subs) {
  return make_error(code, fill(tr(key, Lang::ja), subs), fill(tr(key, Lang::en), subs));
}

}  // namespace shodo::i18n
