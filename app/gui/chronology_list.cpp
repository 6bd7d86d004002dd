#include "app/gui/chronology_list.hpp"

#include <algorithm>

#include "app/gui/labels.hpp"
#include "forensics/core/clock.hpp"

namespace shodo::gui {

using chronology::Entry;
using chronology::EntryState;
using chronology::EntryType;
using chronology::ItemStatus;

namespace {

constexpr std::size_t k_recent_max = 40;
constexpr std::size_t k_recent_scan = 5000;  // entries scanned (newest first) for pick lists

char lower_ascii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Case-insensitive for ASCII; other bytes (Japanese) must match exactly.
bool contains_ci(const std::string& hay, const std::string& needle_lower) {
  if (needle_lower.empty()) return true;
  if (hay.size() < needle_lower.size()) return false;
  auto it = std::search(hay.begin(), hay.end(), needle_lower.begin(), needle_lower.end(),
                        [](char a, char b) { return lower_ascii(a) == b; });
  return it != hay.end();
}

void add_recent(std::vector<std::string>& list, const std::string& v) {
  if (v.empty() || list.size() >= k_recent_max) return;
  if (std::find(list.begin(), list.end(), v) == list.end()) list.push_back(v);
}

std::string one_line(const std::string& s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (char c : s) {
    if (c == '\n')
      out += " ↵ ";
    else if (c != '\r')
      out += c;
  }
  return out;
}

// "(07:30頃)" / "(07:30–08:10)": the reported event time next to the recorded time (CHR-17).
std::string event_time_text(const chronology::EventTime& t) {
  std::string s = " (";
  const std::string hm = format_jst_hm(t.utc_ns);
  s += t.precision == chronology::Precision::exact ? hm : hm.substr(0, 5);
  if (t.end_utc_ns) s += "–" + format_jst_hm(*t.end_utc_ns).substr(0, 5);
  if (t.precision == chronology::Precision::approx) s += precision_label(t.precision);
  s += ")";
  return s;
}

}  // namespace

std::string join_list(const std::vector<std::string>& items) {
  std::string s;
  const char* sep = i18n::tr("export.list_separator");
  for (const auto& i : items) {
    if (!s.empty()) s += sep;
    s += i;
  }
  return s;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    const auto b = cur.find_first_not_of(" \t");
    const auto e = cur.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(cur.substr(b, e - b + 1));
    cur.clear();
  };
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == ',') {
      flush();
      ++i;
    } else if (text.compare(i, 3, "、") == 0 || text.compare(i, 3, "，") == 0) {
      flush();
      i += 3;
    } else {
      cur += text[i++];
    }
  }
  flush();
  return out;
}

bool ChronologyListModel::update(const std::vector<Entry>& entries, std::uint64_t revision, i18n::Lang lang) {
  if (m_built && m_entries == &entries && m_revision == revision && m_lang == lang) return false;
  // The log only grows: when the same list gained entries, only the new rows and the rows their
  // corrections touch are built (a commit at 100,000 entries must not rebuild them all).
  const bool grown = m_built && m_entries == &entries && m_lang == lang && (revision >> 40) == (m_revision >> 40) &&
                     entries.size() > m_rows.size();
  m_entries = &entries;
  m_revision = revision;
  m_lang = lang;
  m_built = true;
  if (grown)
    append_rows();
  else
    build_rows();
  rebuild_pick_lists();
  apply_filter();
  return true;
}

void ChronologyListModel::set_filter(const ListFilter& f) {
  if (f == m_filter) return;
  m_filter = f;
  apply_filter();
}

void ChronologyListModel::fill_static(ListRow& r, std::size_t i, std::string& prev_date) const {
  const Entry& e = (*m_entries)[i];
  r.index = static_cast<std::uint32_t>(i);
  r.category = e.category;
  r.flags = 0;
  const bool modifier = chronology::ChronologyView::is_modifier(e);
  if (e.source == chronology::SourceKind::system || e.category == chronology::Category::system ||
      e.type == EntryType::time_check || e.type == EntryType::checkpoint)
    r.flags |= k_row_system;
  if ((r.flags & k_row_system) && e.type != EntryType::time_check) r.flags |= k_row_bookkeeping;
  if (modifier) r.flags |= k_row_modifier;
  if (e.priority == "urgent") r.flags |= k_row_urgent;
  if (e.source == chronology::SourceKind::paper) r.flags |= k_row_paper;

  const std::string full = format_jst_display(e.display_utc_ns());  // "YYYY-MM-DD HH:MM:SS"
  const std::string date = full.substr(0, 10);
  r.time.clear();
  if (date != prev_date) {
    r.flags |= k_row_new_date;
    r.time = full.substr(5, 2) + "/" + full.substr(8, 2) + " ";
    // Hidden bookkeeping rows do not take the date away from the next row people see.
    if (!(r.flags & k_row_bookkeeping)) prev_date = date;
  }
  r.time += full.substr(11);
  r.time += quality_mark(e.time_quality);
  if (e.event_time) r.time += event_time_text(*e.event_time);

  r.from_to = e.from;
  if (!e.to.empty()) r.from_to += " → " + join_list(e.to);
  // The table shows r.content when it is set, else the entry's content as typed.
  r.content.clear();
  const std::string& text = content_for(e, m_lang == i18n::Lang::en);
  if (text.find('\n') != std::string::npos) r.content = one_line(text);
  else if (&text != &e.content) r.content = text;

  // Modifier rows name their target: "[訂正 No.5] ".
  r.prefix.clear();
  if (modifier && !e.target_entry_id.empty()) {
    const EntryState* target = m_view->find(e.target_entry_id);
    r.prefix = "[";
    r.prefix += entry_type_label(e.type);
    if (target) r.prefix += " No." + std::to_string(target->entry->seq);
    r.prefix += "] ";
    if (e.type == EntryType::status_change) r.prefix += std::string("→ ") + status_label(e.status) + " ";
  }
}

void ChronologyListModel::fill_state(ListRow& r) const {
  const Entry& e = (*m_entries)[r.index];
  const EntryState& st = m_view->states()[r.index];
  const std::uint32_t state_flags = k_row_superseded | k_row_voided | k_row_open;
  r.flags &= ~state_flags;
  r.status = st.current_status;
  const bool modifier = (r.flags & k_row_modifier) != 0;
  if (!modifier && !st.voided && (st.current_status == ItemStatus::open || st.current_status == ItemStatus::in_progress))
    r.flags |= k_row_open;
  r.note.clear();
  if (modifier && !e.reason.empty()) r.note = std::string(i18n::tr("gui.list.reason")) + e.reason;
  // A correction replaced by a later correction of the same target is superseded too.
  if (e.type == EntryType::correction) {
    const EntryState* target = m_view->find(e.target_entry_id);
    if (target && target->superseded_by_seq > e.seq) {
      r.flags |= k_row_superseded;
      r.note = std::string(i18n::tr("gui.list.corrected_by")) + std::to_string(target->superseded_by_seq);
    }
  }
  if (st.superseded) {
    r.flags |= k_row_superseded;
    r.note = std::string(i18n::tr("gui.list.corrected_by")) + std::to_string(st.superseded_by_seq);
  }
  if (st.voided) {
    r.flags |= k_row_voided;
    r.note = std::string(entry_type_label(EntryType::void_entry)) + " (" + st.void_reason + ")";
  }
}

void ChronologyListModel::build_rows() {
  const auto& entries = *m_entries;
  m_view = std::make_unique<chronology::ChronologyView>(entries);
  m_rows.assign(entries.size(), ListRow{});
  std::string prev_date;
  m_bookkeeping = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    fill_static(m_rows[i], i, prev_date);
    fill_state(m_rows[i]);
    if (m_rows[i].flags & k_row_bookkeeping) ++m_bookkeeping;
  }
  m_prev_date = prev_date;
  m_open = m_view->open_items();
}

void ChronologyListModel::append_rows() {
  const auto& entries = *m_entries;
  // The view points into the entries, which may have moved: it is rebuilt, the old rows are not.
  m_view = std::make_unique<chronology::ChronologyView>(entries);
  const std::size_t first_new = m_rows.size();
  m_rows.resize(entries.size());
  for (std::size_t i = first_new; i < entries.size(); ++i) {
    fill_static(m_rows[i], i, m_prev_date);
    fill_state(m_rows[i]);
    if (m_rows[i].flags & k_row_bookkeeping) ++m_bookkeeping;
    // A new correction/void/status change alters its target's row and the target's corrections.
    const Entry& e = entries[i];
    if (e.target_entry_id.empty()) continue;
    const EntryState* t = m_view->find(e.target_entry_id);
    if (!t) continue;
    fill_state(m_rows[static_cast<std::size_t>(t->entry - entries.data())]);
    for (const Entry* c : t->corrections) fill_state(m_rows[static_cast<std::size_t>(c - entries.data())]);
  }
  m_open = m_view->open_items();
}

void ChronologyListModel::rebuild_pick_lists() {
  const auto& entries = *m_entries;
  m_recent_from.clear();
  m_recent_to.clear();
  m_recent_assignee.clear();
  m_prev_from.clear();
  m_prev_to.clear();
  std::size_t scanned = 0;
  for (auto it = entries.rbegin(); it != entries.rend() && scanned < k_recent_scan; ++it, ++scanned) {
    const Entry& e = *it;
    if (e.source == chronology::SourceKind::system || e.category == chronology::Category::system) continue;
    if (e.type != EntryType::normal && e.type != EntryType::correction) continue;
    if (m_prev_from.empty()) {
      m_prev_from = e.from;
      m_prev_to = join_list(e.to);
    }
    add_recent(m_recent_from, e.from);
    for (const auto& t : e.to) add_recent(m_recent_to, t);
    add_recent(m_recent_assignee, e.assignee);
  }
}

bool ChronologyListModel::matches(const ListRow& r) const {
  if (!m_filter.show_system && (r.flags & k_row_bookkeeping)) return false;
  if (m_filter.open_only && !(r.flags & k_row_open)) return false;
  if (m_filter.category >= 0 && static_cast<int>(r.category) != m_filter.category) return false;
  if (m_needle.empty()) return true;
  const std::string& needle = m_needle;
  const Entry& e = (*m_entries)[r.index];
  if (contains_ci(e.from, needle) || contains_ci(e.content, needle) || contains_ci(e.content_en, needle) || contains_ci(e.action, needle) ||
      contains_ci(e.assignee, needle) || contains_ci(e.author, needle) || contains_ci(e.reason, needle))
    return true;
  for (const auto& t : e.to)
    if (contains_ci(t, needle)) return true;
  return false;
}

void ChronologyListModel::apply_filter() {
  m_visible.clear();
  if (!m_entries) return;
  m_needle.clear();
  for (char c : m_filter.text) m_needle += lower_ascii(c);
  m_visible.reserve(m_rows.size());
  for (std::size_t i = 0; i < m_rows.size(); ++i)
    if (matches(m_rows[i])) m_visible.push_back(static_cast<std::uint32_t>(i));
}

long ChronologyListModel::row_of_seq(std::int64_t seq) const {
  if (!m_entries) return -1;
  // Seq is 1-based and gap-free in one kit's log, so it is usually the index + 1.
  const auto& entries = *m_entries;
  const auto guess = static_cast<std::size_t>(seq - 1);
  if (seq >= 1 && guess < entries.size() && entries[guess].seq == seq) return static_cast<long>(guess);
  for (std::size_t i = 0; i < entries.size(); ++i)
    if (entries[i].seq == seq) return static_cast<long>(i);
  return -1;
}

const Entry* ChronologyListModel::base_entry_of(std::uint32_t row) const {
  if (!m_entries || row >= m_rows.size()) return nullptr;
  const Entry& e = (*m_entries)[m_rows[row].index];
  if (e.type == EntryType::correction && m_view) {
    if (const EntryState* t = m_view->find(e.target_entry_id)) return t->entry;
  }
  return &e;
}

}  // namespace shodo::gui
