// The fast-entry form of the chronology screen (CHR-01): category buttons, sender/receiver with
// pick lists of recent values and Ctrl+D for "same as the previous line", content, action,
// assignee, status, channel, priority, optional event time, paper source and witness.
// Ctrl+Enter anywhere commits; Enter in a one-line field commits too once sender, receiver and
// content are filled, and otherwise moves to the first of them still empty. The recorded time is
// "now".
// A failed commit keeps every field as typed and says clearly that nothing was saved.
#pragma once
#include <string>

#include "app/gui/chronology_list.hpp"
#include "app/gui/ui_context.hpp"
#include "forensics/chronology/entry.hpp"

namespace shodo::gui {

struct EntryDraft {
  int category = 0;  // index into k_user_categories
  std::string from, to, content, action, assignee, witness;
  int status = 0;   // ItemStatus value
  int channel = 0;  // index into k_channel_values
  bool urgent = false;
  bool has_event_time = false;
  std::string event_time, event_end;
  int precision = 0;  // Precision value
  bool from_paper = false;
  int paper_sheet = 1, paper_line = 1;
};

class EntryForm {
 public:
  void draw(UiContext& ctx, const ChronologyListModel& list);
  const EntryDraft& draft() const { return m_d; }
  // The text of the last commit problem (empty after a successful commit).
  const std::string& problem() const { return m_problem; }
  bool not_saved() const { return m_not_saved; }

 private:
  bool commit(UiContext& ctx);
  // Builds the entry from the draft; false (with m_problem set) when a time cannot be read.
  bool make_entry(UiContext& ctx, chronology::Entry& out);
  void clear_after_commit();

  EntryDraft m_d;
  std::string m_problem;
  bool m_not_saved = false;
  std::string m_saved_text;  // "No. 12 を記録しました"
  std::string m_future_confirmed;  // the event time whose "later than now" was shown once
  enum class Field { none, from, to, content };

 public:
  // The next frame puts the keyboard focus in the first field (the sender).
  void focus_first() { m_focus = Field::from; }

 private:
  Field m_focus = Field::from;  // field to focus in the next frame
};

}  // namespace shodo::gui
