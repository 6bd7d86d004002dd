// The dialogs that change an entry without erasing it (CHR-21): 訂正 correction (reason
// required), 取消 void (reason required), 追記 addendum and 状態変更 status change. Each writes a
// new entry that names its target; the original stays in the log and on screen.
#pragma once
#include <cstdint>
#include <string>

#include "app/gui/ui_context.hpp"
#include "forensics/chronology/entry.hpp"
#include "forensics/chronology/view.hpp"

namespace shodo::gui {

enum class DialogKind { none, correction, void_entry, addendum, status_change };

class EntryDialogs {
 public:
  // Opens a dialog for `base` with its current fields (`state->current`) pre-filled.
  void open(DialogKind kind, const chronology::Entry& base, const chronology::EntryState* state);
  void draw(UiContext& ctx);
  bool active() const { return m_kind != DialogKind::none; }
  DialogKind kind() const { return m_kind; }

 private:
  bool submit(UiContext& ctx);

  DialogKind m_kind = DialogKind::none;
  bool m_request_open = false;
  std::string m_target_id;
  std::int64_t m_target_seq = 0;
  std::string m_original;  // one line: "No. 5  from → to: content"
  int m_category = 0;      // index into k_user_categories
  std::string m_from, m_to, m_content, m_action, m_assignee, m_reason;
  int m_status = 0;
  std::string m_error;
  bool m_not_saved = false;
};

}  // namespace shodo::gui
