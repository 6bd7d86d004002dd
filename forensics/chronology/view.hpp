// The current state of a chronology, derived from the append-only entries (CHR-21/22):
// which entries are superseded by a correction, voided, extended by addenda, and each
// item's current status. Nothing here is stored; it is a query over the entries.
#pragma once
#include <string>
#include <unordered_map>
#include <vector>

#include "forensics/chronology/entry.hpp"

namespace shodo::chronology {

struct EntryState {
  const Entry* entry = nullptr;  // points into the vector the view was built from
  bool superseded = false;       // a later correction replaces this entry's fields
  std::int64_t superseded_by_seq = 0;  // seq of the newest correction (→ 訂正 No. n)
  bool voided = false;                 // 取消
  std::string void_reason;
  std::int64_t voided_by_seq = 0;
  // The fields as currently in force: the newest correction's fields, or the entry's own.
  const Entry* current = nullptr;
  ItemStatus current_status = ItemStatus::none;  // after status_change entries
  std::vector<const Entry*> addenda;             // 追記, oldest first
  std::vector<const Entry*> corrections;         // 訂正, oldest first
  std::int64_t replaced_by_seq = 0;  // a time check replaced by a later one that names it (置換)
};

// The view over one device's (or a merged) list of entries. `entries` must outlive the view.
class ChronologyView {
 public:
  explicit ChronologyView(const std::vector<Entry>& entries);

  // One state per entry, in the same order as `entries`.
  const std::vector<EntryState>& states() const { return m_states; }
  const EntryState* find(const std::string& entry_id) const;
  // Open items (未 and 対応中), not voided, in order: CHR-03.
  std::vector<const EntryState*> open_items() const;
  // True for entries that only modify others (correction/void/addendum/status_change/checkpoint):
  // lists may show them folded under their target.
  static bool is_modifier(const Entry& e);

 private:
  std::vector<EntryState> m_states;
  std::unordered_map<std::string, std::size_t> m_index;
};

}  // namespace shodo::chronology
