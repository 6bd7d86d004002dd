#include "forensics/report/pdf_table.hpp"

#include <algorithm>
#include <cassert>

namespace shodo::report::pdf {
namespace {
constexpr double k_note_scale = 0.9;
}  // namespace

Table::Table(PdfCanvas& canvas, std::vector<Column> columns, TableStyle style, double x)
    : m_canvas(canvas), m_columns(std::move(columns)), m_style(style), m_x(x) {
  for (const Column& c : m_columns) m_width += c.width_pt;
}

double Table::heading_height() const {
  double h = 0.0;
  for (const Column& c : m_columns)
    h = std::max(h, m_canvas.measure(Cell(c.heading, true), c.width_pt - 2 * m_style.pad_x_pt, m_style.heading_font_pt));
  return h + 2 * m_style.pad_y_pt;
}

double Table::draw_heading(double y) {
  const double h = heading_height();
  double x = m_x;
  for (const Column& c : m_columns) {
    m_canvas.draw(Cell(c.heading, true), x + m_style.pad_x_pt, y + m_style.pad_y_pt, c.width_pt - 2 * m_style.pad_x_pt,
                  m_style.heading_font_pt, Align::center);
    x += c.width_pt;
  }
  m_canvas.line(m_x, y + h, m_x + m_width, y + h, m_style.frame_pt);
  return h;
}

double Table::row_height(const std::vector<Cell>& cells, double min_height) const {
  assert(cells.size() == m_columns.size() && "one cell per column: the row builder and the columns disagree");
  double h = 0.0;
  for (std::size_t i = 0; i < cells.size() && i < m_columns.size(); ++i)
    h = std::max(h, m_canvas.measure(cells[i], m_columns[i].width_pt - 2 * m_style.pad_x_pt, m_style.font_pt));
  return std::max(h + 2 * m_style.pad_y_pt, min_height);
}

double Table::overflow_note_height(const Cell& note) const {
  return m_canvas.measure(note, m_width - 2 * m_style.pad_x_pt, m_style.font_pt * k_note_scale);
}

void Table::draw_row(const std::vector<Cell>& cells, double y, double height, const Cell& overflow_note) {
  assert(cells.size() == m_columns.size() && "one cell per column: the row builder and the columns disagree");
  const bool overflow = row_height(cells) > height + 0.01;
  double clip = height - 2 * m_style.pad_y_pt;
  double note_h = 0.0;
  if (overflow) {
    note_h = overflow_note_height(overflow_note) + m_style.pad_y_pt;
    clip -= note_h;
  }
  double x = m_x;
  for (std::size_t i = 0; i < cells.size() && i < m_columns.size(); ++i) {
    m_canvas.draw(cells[i], x + m_style.pad_x_pt, y + m_style.pad_y_pt, m_columns[i].width_pt - 2 * m_style.pad_x_pt,
                  m_style.font_pt, m_columns[i].align, overflow ? std::max(clip, 1.0) : 0.0);
    x += m_columns[i].width_pt;
  }
  if (overflow) {
    const double note_top = y + height - m_style.pad_y_pt - note_h + m_style.pad_y_pt / 2;
    m_canvas.line(m_x, note_top - m_style.pad_y_pt / 2, m_x + m_width, note_top - m_style.pad_y_pt / 2, m_style.rule_pt);
    m_canvas.draw(overflow_note, m_x + m_style.pad_x_pt, note_top, m_width - 2 * m_style.pad_x_pt,
                  m_style.font_pt * k_note_scale);
  }
  m_canvas.line(m_x, y + height, m_x + m_width, y + height, m_style.rule_pt);
}

void Table::draw_frame(double top, double bottom) {
  double x = m_x;
  for (std::size_t i = 0; i + 1 < m_columns.size(); ++i) {
    x += m_columns[i].width_pt;
    m_canvas.line(x, top, x, bottom, m_style.rule_pt);
  }
  m_canvas.rectangle(m_x, top, m_width, bottom - top, m_style.frame_pt);
}

std::vector<PageSlice> paginate(std::size_t count, double body_height,
                                const std::function<double(std::size_t, bool)>& height_of) {
  std::vector<PageSlice> pages;
  std::size_t begin = 0;
  double used = 0.0;
  for (std::size_t i = 0; i < count; ++i) {
    const bool first = i == begin;
    const double h = height_of(i, first);
    if (!first && used + h > body_height) {
      pages.push_back({begin, i});
      begin = i;
      used = height_of(i, true);
    } else {
      used += h;
    }
  }
  pages.push_back({begin, count});
  return pages;
}

std::string join_present(const std::vector<std::string>& parts, std::string_view sep) {
  std::string s;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!s.empty()) s += sep;
    s += p;
  }
  return s;
}

}  // namespace shodo::report::pdf
