#include "forensics/chronology/view.hpp"

namespace shodo::chronology {

bool ChronologyView::is_modifier(const Entry& e) {
  return e.type == EntryType::correction || e.type == EntryType::void_entry || e.type == EntryType::addendum ||
         e.type == EntryType::status_change || e.type == EntryType::checkpoint;
}

ChronologyView::ChronologyView(const std::vector<Entry>& entries) {
  m_states.resize(entries.size());
  m_index.reserve(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    EntryState& s = m_states[i];
    s.entry = &entries[i];
    s.current = &entries[i];
    s.current_status = entries[i].status;
    m_index.emplace(entries[i].entry_id, i);
  }
  // Pass 1: which entries are voided. A voided correction or status change is no longer in force
  // (it stays listed, struck through, like any voided entry).
  std::unordered_map<std::string, const Entry*> voided_by;
  for (const Entry& e : entries)
    if (e.type == EntryType::void_entry && !e.target_entry_id.empty()) voided_by.emplace(e.target_entry_id, &e);
  // Pass 2: apply modifiers in list order (seq within a device; corrected time when merged), so a
  // later correction wins over an earlier one.
  for (const Entry& e : entries) {
    if (e.target_entry_id.empty()) continue;
    auto it = m_index.find(e.target_entry_id);
    if (it == m_index.end()) continue;  // target in another device's log not loaded here
    EntryState& t = m_states[it->second];
    const bool in_force = voided_by.find(e.entry_id) == voided_by.end();
    switch (e.type) {
      case EntryType::correction:
        t.corrections.push_back(&e);
        if (!in_force) break;
        t.superseded = true;
        t.superseded_by_seq = e.seq;
        t.current = &e;  // §3.2: the status changes only by status_change entries, not here
        break;
      case EntryType::void_entry:
        t.voided = true;
        t.void_reason = e.reason;
        t.voided_by_seq = e.seq;
        break;
      case EntryType::addendum:
        t.addenda.push_back(&e);
        break;
      case EntryType::status_change:
        if (in_force) t.current_status = e.status;
        break;
      case EntryType::time_check:  // a check recorded by mistake, replaced by this one
        if (t.entry->type == EntryType::time_check) t.replaced_by_seq = e.seq;
        break;
      default:
        break;
    }
  }
}

const EntryState* ChronologyView::find(const std::string& entry_id) const {
  auto it = m_index.find(entry_id);
  return it == m_index.end() ? nullptr : &m_states[it->second];
}

std::vector<const EntryState*> ChronologyView::open_items() const {
  std::vector<const EntryState*> out;
  for (const auto& s : m_states) {
    if (is_modifier(*s.entry) || s.voided) continue;
    if (s.current_status == ItemStatus::open || s.current_status == ItemStatus::in_progress) out.push_back(&s);
  }
  return out;
}

}  // namespace shodo::chronology
