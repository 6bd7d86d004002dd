// Internal to forensics/report: a paged table document — the page frame (header, footer), a
// ruled table whose rows never split across pages, and the empty-table note — rendered to PDF
// bytes in two passes: plan every page first (so "page n/N" and each page's footer are known),
// then draw.
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "forensics/core/result.hpp"
#include "forensics/report/pdf_canvas.hpp"
#include "forensics/report/pdf_page_frame.hpp"
#include "forensics/report/pdf_table.hpp"

namespace shodo::report::pdf {

// What to draw. The callbacks are called several times per row (measure, then draw) and
// must return the same thing each time.
struct TableDocument {
  HeaderSpec header;
  // The columns for the width between the margins.
  std::function<std::vector<Column>(double content_width)> columns;
  std::size_t row_count = 0;
  // Row `index`; `first_on_page` rows repeat context (e.g. the date).
  std::function<std::vector<Cell>(std::size_t index, bool first_on_page)> row;
  // The footer of a page holding rows [slice.begin, slice.end); for {0, row_count} it must be
  // the widest footer any page can have (its height is reserved on every page).
  std::function<FooterSpec(PageSlice slice)> footer;
  // Printed at the bottom of a row that had to be clipped because it is taller than a page.
  std::function<Cell(std::size_t index)> overflow_note;
  std::string empty_note;  // printed under the headings when there are no rows
  PdfMetadata meta;
};

// Renders A4 landscape pages. Errors: io_error when Cairo fails (see PdfCanvas::finish).
Result<std::string> render_table_document(const TableDocument& doc);

}  // namespace shodo::report::pdf
