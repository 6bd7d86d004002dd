// The chronology table's model: display rows built once per change of the entries (or of the
// language), a filter, and the pick lists of recent senders/receivers (CHR-01). Drawing then
// touches only the rows on screen (ImGuiListClipper), so 100,000 entries scroll smoothly and a
// frame allocates nothing in proportion to the number of entries.
//
// The rows refer to the entries by index; the entries vector must not change between update()
// and the end of the frame's drawing (appends happen in the form, before the list updates).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "forensics/chronology/entry.hpp"
#include "forensics/chronology/view.hpp"
#include "forensics/i18n/catalogue.hpp"

namespace shodo::gui {

enum RowFlag : std::uint32_t {
  k_row_system = 1u << 0,      // written by the app (CHR-04): distinct, not correctable
  k_row_superseded = 1u << 1,  // a later correction replaces it: double strike-through
  k_row_voided = 1u << 2,      // 取消: struck through with the reason
  k_row_modifier = 1u << 3,    // correction/void/addendum/status change/checkpoint row
  k_row_open = 1u << 4,        // current status 未 or 対応中 and not voided
  k_row_urgent = 1u << 5,      // 至急
  k_row_paper = 1u << 6,       // transcribed from paper
  k_row_new_date = 1u << 7,    // the date differs from the previous row: show it
  k_row_bookkeeping = 1u << 8, // the app's own record (start, stop, export, checkpoint …): hidden
                               // unless asked for; a time check is a person's act and stays
};

struct ListRow {
  std::uint32_t index = 0;  // into the entries
  std::uint32_t flags = 0;
  chronology::Category category = chronology::Category::information;
  chronology::ItemStatus status = chronology::ItemStatus::none;  // current status (after changes)
  std::string time;    // "10:02:03✓" (with "11/24 " when the date changes) and event time
  std::string from_to;  // "救急外来 → 対策本部"
  std::string prefix;  // modifiers: "[訂正 No.5] "; empty otherwise
  std::string content;  // one line; empty = use the entry's own content (no line breaks in it)
  std::string note;     // "→ 訂正 No. 7", "取消 (理由)"
};

struct ListFilter {
  std::string text;    // substring of from/to/content/action/assignee/author (ASCII case-insensitive)
  int category = -1;   // Category value, -1 = all
  bool open_only = false;
  bool show_system = false;  // issue 11: human entries in front; the app's bookkeeping on request
  bool operator==(const ListFilter&) const = default;
};

class ChronologyListModel {
 public:
  // Rebuilds when the entries' revision or the language changed. Returns true if it rebuilt.
  bool update(const std::vector<chronology::Entry>& entries, std::uint64_t revision, i18n::Lang lang);
  void set_filter(const ListFilter& f);
  const ListFilter& filter() const { return m_filter; }

  const std::vector<ListRow>& rows() const { return m_rows; }
  // Row indices passing the filter, in order.
  const std::vector<std::uint32_t>& visible() const { return m_visible; }
  const chronology::ChronologyView* view() const { return m_view.get(); }
  const std::vector<const chronology::EntryState*>& open_items() const { return m_open; }
  // Rows of the app's own bookkeeping (k_row_bookkeeping), shown or not.
  std::size_t bookkeeping_rows() const { return m_bookkeeping; }
  // Row index of the entry with `seq`, or -1.
  long row_of_seq(std::int64_t seq) const;

  // Pick lists (most recent first, unique) and the previous line's sender/receiver (Ctrl+D).
  const std::vector<std::string>& recent_from() const { return m_recent_from; }
  const std::vector<std::string>& recent_to() const { return m_recent_to; }
  const std::string& previous_from() const { return m_prev_from; }
  const std::string& previous_to() const { return m_prev_to; }
  // Assignees seen so far (for the assignee pick list).
  const std::vector<std::string>& recent_assignees() const { return m_recent_assignee; }

  // The entry the correction dialogs act on for a row: the base entry for correction rows
  // (a later correction of the same base replaces the earlier one), else the row's own.
  const chronology::Entry* base_entry_of(std::uint32_t row) const;

 private:
  void build_rows();
  void append_rows();
  void fill_static(ListRow& r, std::size_t i, std::string& prev_date) const;
  void fill_state(ListRow& r) const;
  void rebuild_pick_lists();
  void apply_filter();
  bool matches(const ListRow& r) const;

  const std::vector<chronology::Entry>* m_entries = nullptr;
  std::uint64_t m_revision = 0;
  i18n::Lang m_lang = i18n::Lang::ja;
  bool m_built = false;
  std::unique_ptr<chronology::ChronologyView> m_view;
  std::vector<ListRow> m_rows;
  std::vector<std::uint32_t> m_visible;
  std::vector<const chronology::EntryState*> m_open;
  ListFilter m_filter;
  std::string m_needle;  // the filter text, ASCII-lowercased
  std::vector<std::string> m_recent_from, m_recent_to, m_recent_assignee;
  std::string m_prev_from, m_prev_to;
  std::string m_prev_date;  // JST date of the last row (the next row shows its date if it differs)
  std::size_t m_bookkeeping = 0;
};

// "A、B" / "A, B" in the current language.
std::string join_list(const std::vector<std::string>& items);
// Splits what was typed in a receiver field on "," "、" and "，".
std::vector<std::string> split_list(const std::string& text);

}  // namespace shodo::gui
