// The export dialog (§3.5): choose what to write (A4 PDF, 未 list, blank paper sheets, CSV
// UTF-8 / CP932, Timesketch CSV / JSONL, the full set), the language and the folder (default
// <incident>/exports/<time>/), then see every written file with its SHA-256, or the error.
// export_chronology() also records the export in the chronology (CHR-04).
#pragma once
#include <optional>
#include <string>

#include "app/gui/ui_context.hpp"
#include "forensics/report/export.hpp"

namespace shodo::gui {

class ExportDialog {
 public:
  void open(UiContext& ctx);
  void draw(UiContext& ctx);
  bool active() const { return m_active; }

 private:
  void run(UiContext& ctx);

  bool m_active = false;
  bool m_request_open = false;
  int m_kind = 0;  // index into the kinds table
  bool m_japanese = true;
  bool m_merged = false;
  int m_blank_sheets = 5;
  std::string m_dir;
  std::optional<ExportResult> m_result;
  std::string m_error;
};

}  // namespace shodo::gui
