// Internal to forensics/report: a ruled table on a PdfCanvas (header row, rows that wrap and
// never split across pages) and the page-breaking of such tables. Black lines only.
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "forensics/report/pdf_canvas.hpp"

namespace shodo::report::pdf {

// The non-empty parts joined by `sep` ("" when all are empty): cell text built from optional fields.
std::string join_present(const std::vector<std::string>& parts, std::string_view sep);

struct Column {
  std::string heading;
  double width_pt = 0.0;
  Align align = Align::left;
};

struct TableStyle {
  double font_pt = 7.5;          // body text
  double heading_font_pt = 7.0;  // column headings
  double pad_x_pt = 2.2;         // inside each cell, left and right
  double pad_y_pt = 1.6;         // inside each cell, top and bottom
  double rule_pt = 0.3;          // lines between rows and columns
  double frame_pt = 0.8;         // outer frame and the line under the headings
};

// Draws one table; the canvas must outlive it. Not thread-safe.
class Table {
 public:
  Table(PdfCanvas& canvas, std::vector<Column> columns, TableStyle style, double x);

  double width() const { return m_width; }
  const TableStyle& style() const { return m_style; }
  std::size_t column_count() const { return m_columns.size(); }
  // Height of the heading row (headings may wrap).
  double heading_height() const;
  // Draws the heading row with its top at y; returns its height.
  double draw_heading(double y);
  // Height a row of `cells` needs (one cell per column; padding included), at least `min_height`.
  double row_height(const std::vector<Cell>& cells, double min_height = 0.0) const;
  // Draws a row `height` tall with its top at y and the rule below it. When the cells need
  // more than `height`, they are clipped and `overflow_note` is printed across the bottom of
  // the row, so the reader knows text is missing.
  void draw_row(const std::vector<Cell>& cells, double y, double height, const Cell& overflow_note);
  // Draws the outer frame and the column rules from `top` (heading top) to `bottom`.
  void draw_frame(double top, double bottom);

 private:
  double overflow_note_height(const Cell& note) const;

  PdfCanvas& m_canvas;
  std::vector<Column> m_columns;
  TableStyle m_style;
  double m_x = 0.0;
  double m_width = 0.0;
};

// Rows [begin, end) of one page.
struct PageSlice {
  std::size_t begin = 0;
  std::size_t end = 0;
};

// Splits rows 0..count-1 into pages whose rows fit in `body_height`. `height_of(i, first)` is
// row i's height when it is (first = true) or is not the first row of its page (the first
// row repeats context such as the date). A row taller than `body_height` gets a page of its
// own and is clipped when drawn. Always returns at least one (possibly empty) page.
std::vector<PageSlice> paginate(std::size_t count, double body_height,
                                const std::function<double(std::size_t index, bool first_on_page)>& height_of);

}  // namespace shodo::report::pdf
