#include "forensics/i18n/catalogue.hpp"

#include <atomic>
#include <cstdlib>
#include <string>
#include <unordered_map>

namespace shodo::i18n {
namespace {

const Message k_messages[] = {
#include "forensics/i18n/messages_core.inc"
#include "forensics/i18n/messages_chronology.inc"
#include "forensics/i18n/messages_report.inc"
#include "forensics/i18n/messages_export.inc"
#include "forensics/i18n/messages_cli.inc"
#include "forensics/i18n/messages_gui.inc"
#include "forensics/i18n/messages_kit.inc"
#include "forensics/i18n/messages_evidence.inc"
#include "forensics/i18n/messages_ewf.inc"
#include "forensics/i18n/messages_devices.inc"
#include "forensics/i18n/messages_acquire.inc"
#include "forensics/i18n/messages_gui_evidence.inc"
};

std::atomic<Lang>& lang_setting() {
  static std::atomic<Lang> lang{lang_from_environment()};
  return lang;
}

const std::unordered_map<std::string_view, const Message*>& index() {
  static const auto idx = [] {
    std::unordered_map<std::string_view, const Message*> m;
    for (const auto& msg : k_messages) m.emplace(msg.key, &msg);
    return m;
  }();
  return idx;
}

}  // namespace

Lang lang_from_environment() {
  for (const char* var : {"SHODO_LANG", "LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* v = std::getenv(var);
    if (v && *v) return std::string_view(v).substr(0, 2) == "ja" ? Lang::ja : Lang::en;
  }
  return Lang::en;
}

Lang current_lang() { return lang_setting().load(std::memory_order_relaxed); }
void set_lang(Lang lang) { lang_setting().store(lang, std::memory_order_relaxed); }

const char* tr(std::string_view key, Lang lang) {
  const auto& idx = index();
  auto it = idx.find(key);
  if (it == idx.end()) return key.data();
  return lang == Lang::ja ? it->second->ja : it->second->en;
}

const char* tr(std::string_view key) { return tr(key, current_lang()); }

std::string tr_both(std::string_view key) {
  return std::string(tr(key, Lang::ja)) + " / " + tr(key, Lang::en);
}

const std::vector<Message>& all_messages() {
  static const std::vector<Message> all(std::begin(k_messages), std::end(k_messages));
  return all;
}

}  // namespace shodo::i18n
