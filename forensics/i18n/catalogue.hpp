// Message catalogues shared by the CLI, the GUI and the reports (DESIGN.md "Bilingual").
// Every user-visible string has a key with a Japanese and an English text; tests check both
// languages cover every key used in the sources (tests/unit/test_i18n.cpp).
//
// Keys live in messages_<area>.inc files, one line each:  {"key", "日本語", "English"},
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace shodo::i18n {

enum class Lang { ja, en };

struct Message {
  const char* key;
  const char* ja;
  const char* en;
};

// The language of the process: Japanese when LANG/LC_ALL/LC_MESSAGES starts with "ja",
// English otherwise; changed by the GUI's language switch. The one mutable process setting,
// kept in an atomic so worker threads may read it.
Lang current_lang();
void set_lang(Lang lang);
Lang lang_from_environment();
inline bool japanese() { return current_lang() == Lang::ja; }

// Text of `key` in the current language (or `lang`). An unknown key returns the key itself
// (and the i18n test fails), so a missing string is visible, never empty.
const char* tr(std::string_view key);
const char* tr(std::string_view key, Lang lang);
// Both at once, "日本語 / English", for messages that must reach either reader (CLI errors).
std::string tr_both(std::string_view key);

// Every message of every catalogue (for the coverage test and glyph-range building).
const std::vector<Message>& all_messages();

}  // namespace shodo::i18n
