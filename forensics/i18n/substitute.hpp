// Catalogue texts with named placeholders ("{dest}", "{detail}") filled in, and an Error made of
// both languages of one key. Stateless; thread-safe like the catalogue it reads.
#pragma once
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "forensics/core/result.hpp"

namespace shodo::i18n {

// Placeholder name (without braces) → value.
using Subs = std::initializer_list<std::pair<std::string_view, std::string>>;

// Replaces every "{name}" in `text` by its value; a value is never scanned again for placeholders.
std::string fill(std::string text, Subs subs);

// An Error whose Japanese and English messages are the catalogue key's texts, filled.
Error catalogue_error(ErrorCode code, const char* key, Subs subs = {});

}  // namespace shodo::i18n
