// The chronology screen (クロノロジー): the fast-entry form on top, then the list (all entries,
// or the 未 open items of CHR-03), the selected row's details and its correction actions, and
// the export dialog.
#pragma once
#include <cstdint>

#include "app/gui/chronology_list.hpp"
#include "app/gui/chronology_table.hpp"
#include "app/gui/entry_dialogs.hpp"
#include "app/gui/entry_form.hpp"
#include "app/gui/export_dialog.hpp"
#include "app/gui/ui_context.hpp"

namespace shodo::gui {

class ChronologyScreen {
 public:
  void draw(UiContext& ctx);
  const ChronologyListModel& list() const { return m_list; }
  const EntryForm& form() const { return m_form; }
  const TableState& table() const { return m_table; }
  const ExportDialog& export_dialog() const { return m_export; }

 private:
  void sync_list(UiContext& ctx);
  void draw_toolbar(UiContext& ctx);
  void draw_detail(UiContext& ctx);
  void draw_open_items(UiContext& ctx, float height);

  EntryForm m_form;
  ChronologyListModel m_list;
  TableState m_table;
  EntryDialogs m_dialogs;
  ExportDialog m_export;
  ListFilter m_filter;
  bool m_open_view = false;  // the 未 tab
  bool m_focus_list = false;  // F6: the next frame gives the table the keyboard focus
  void handle_keys(UiContext& ctx);
  std::uint64_t m_generation = 0;
};

}  // namespace shodo::gui
