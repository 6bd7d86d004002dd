#include "forensics/report/pdf_table_document.hpp"

#include <algorithm>

namespace shodo::report::pdf {
namespace {
constexpr double k_empty_note_pt = 9.0;
constexpr double k_empty_note_pad_pt = 4.0;
}  // namespace

Result<std::string> render_table_document(const TableDocument& d) {
  PdfCanvas canvas(k_a4_long_pt, k_a4_short_pt, d.meta);
  PageFrame frame(canvas, d.header, d.footer(PageSlice{0, d.row_count}));
  Table table(canvas, d.columns(frame.content_width()), TableStyle{}, frame.content_left());
  const double body_h = frame.body_bottom() - frame.body_top() - table.heading_height();
  std::vector<double> cached(d.row_count, -1.0);  // heights when not first on the page
  auto height_of = [&](std::size_t i, bool first) {
    if (first) return table.row_height(d.row(i, true));
    if (cached[i] < 0) cached[i] = table.row_height(d.row(i, false));
    return cached[i];
  };
  const std::vector<PageSlice> pages = paginate(d.row_count, body_h, height_of);
  for (std::size_t p = 0; p < pages.size(); ++p) {
    if (p > 0) canvas.next_page();
    const PageSlice& slice = pages[p];
    frame.draw(static_cast<int>(p + 1), static_cast<int>(pages.size()), d.footer(slice));
    const double top = frame.body_top();
    double y = top + table.draw_heading(top);
    if (slice.begin == slice.end) {
      const Cell note(d.empty_note);
      const double w = table.width() - 2 * k_empty_note_pad_pt;
      canvas.draw(note, frame.content_left() + k_empty_note_pad_pt, y + k_empty_note_pad_pt, w, k_empty_note_pt);
      y += canvas.measure(note, w, k_empty_note_pt) + 2 * k_empty_note_pad_pt;
    }
    for (std::size_t i = slice.begin; i < slice.end; ++i) {
      const bool first = i == slice.begin;
      const double h = std::min(height_of(i, first), body_h);
      table.draw_row(d.row(i, first), y, h, d.overflow_note(i));
      y += h;
    }
    table.draw_frame(top, y);
  }
  return canvas.finish();
}

}  // namespace shodo::report::pdf
