#include "forensics/report/pdf_page_frame.hpp"

#include <algorithm>
#include <string>

namespace shodo::report::pdf {
namespace {

constexpr double k_margin_pt = 8.0 * k_pt_per_mm;  // inside the unprintable edge of office printers
constexpr double k_right_width_pt = 170.0;         // page number, sheet number, TRAINING box
constexpr double k_incident_pt = 11.0;
constexpr double k_sub_pt = 8.0;
constexpr double k_info_pt = 7.5;
constexpr double k_page_pt = 9.0;
constexpr double k_sheet_pt = 13.0;
constexpr double k_training_pt = 12.0;
constexpr double k_training_pad_pt = 3.0;
constexpr double k_footer_pt = 6.3;
constexpr double k_sign_label_pt = 6.5;
constexpr double k_sign_box_w_pt = 96.0;  // room for a seal (印) or a signature
constexpr double k_sign_box_h_pt = 34.0;
constexpr double k_gap_pt = 4.0;

std::string join_lines(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) {
    if (!s.empty()) s += '\n';
    s += l;
  }
  return s;
}

std::string training_text() {
  // Both languages regardless of the document language: the mark must stop anyone who picks
  // the sheet up from taking a drill for a real incident.
  return std::string(i18n::tr("training.mark", i18n::Lang::ja)) + " " + i18n::tr("training.mark", i18n::Lang::en);
}

}  // namespace

PageFrame::PageFrame(PdfCanvas& canvas, HeaderSpec header, const FooterSpec& widest_footer)
    : m_canvas(canvas), m_header(std::move(header)) {
  const double left = m_canvas.measure(Cell("X", true), 0, k_incident_pt) +
                      m_canvas.measure(Cell("X"), 0, k_sub_pt) +
                      m_canvas.measure(Cell(m_header.info_line), left_width(), k_info_pt) + 2.0;
  const double header_h = std::max(left, right_stack_height());
  m_body_top = k_margin_pt + header_h + k_gap_pt;

  const double text_h = m_canvas.measure(Cell(join_lines(widest_footer.lines)), footer_text_width(), k_footer_pt);
  // One spare footer line: another page's ranges may wrap one line more than the widest guess.
  const double footer_h = std::max(text_h + m_canvas.measure(Cell("X"), 0, k_footer_pt), k_sign_box_h_pt);
  m_footer_top = m_canvas.height() - k_margin_pt - footer_h;
  m_body_bottom = m_footer_top - k_gap_pt;
}

double PageFrame::margin() const { return k_margin_pt; }
double PageFrame::content_width() const { return m_canvas.width() - 2 * k_margin_pt; }
double PageFrame::left_width() const { return content_width() - k_right_width_pt - k_gap_pt; }
double PageFrame::footer_text_width() const { return content_width() - 2 * k_sign_box_w_pt - 3 * k_gap_pt; }

double PageFrame::right_stack_height() const {
  double h = m_canvas.measure(Cell("1", true), 0, k_page_pt);
  if (!m_header.sheet_label.empty()) h += m_canvas.measure(Cell(m_header.sheet_label, true), 0, k_sheet_pt);
  if (m_header.training)
    h += m_canvas.measure(Cell(training_text(), true), 0, k_training_pt) + 2 * k_training_pad_pt + 2.0;
  return h;
}

void PageFrame::draw(int page, int pages, const FooterSpec& footer) {
  const i18n::Lang lang = m_header.lang;
  // --- header, left: incident number and title, facility line, time basis ---
  double y = k_margin_pt;
  const double x = k_margin_pt;
  y += m_canvas.draw_single_line(Cell(m_header.incident_line, true), x, y, left_width(), k_incident_pt);
  y += m_canvas.draw_single_line(Cell(m_header.sub_line), x, y, left_width(), k_sub_pt);
  y += 2.0;
  m_canvas.draw(Cell(m_header.info_line), x, y, left_width(), k_info_pt);

  // --- header, right: sheet number, page n/N, TRAINING ---
  const double xr = m_canvas.width() - k_margin_pt - k_right_width_pt;
  double yr = k_margin_pt;
  if (!m_header.sheet_label.empty())
    yr += m_canvas.draw_single_line(Cell(m_header.sheet_label, true), xr, yr, k_right_width_pt, k_sheet_pt,
                                    Align::right);
  const std::string page_text =
      fill_in(i18n::tr("report.page", lang), {{"n", std::to_string(page)}, {"total", std::to_string(pages)}});
  yr += m_canvas.draw_single_line(Cell(page_text, true), xr, yr, k_right_width_pt, k_page_pt, Align::right);
  if (m_header.training) {
    const Cell mark(training_text(), true);
    const double tw = m_canvas.natural_width(mark, k_training_pt);
    const double th = m_canvas.measure(mark, 0, k_training_pt);
    const double bx = m_canvas.width() - k_margin_pt - tw - 2 * k_training_pad_pt;
    const double by = yr + 2.0;
    m_canvas.rectangle(bx, by, tw + 2 * k_training_pad_pt, th + 2 * k_training_pad_pt, 1.5);
    m_canvas.draw(mark, bx + k_training_pad_pt, by + k_training_pad_pt, tw + 1.0, k_training_pt);
  }

  // --- footer: text on the left, signature boxes 記録者 / 確認者 on the right ---
  m_canvas.draw(Cell(join_lines(footer.lines)), k_margin_pt, m_footer_top, footer_text_width(), k_footer_pt);
  const char* labels[] = {"report.sign.recorder", "report.sign.checker"};
  double bx = m_canvas.width() - k_margin_pt - 2 * k_sign_box_w_pt - k_gap_pt;
  for (const char* key : labels) {
    m_canvas.rectangle(bx, m_footer_top, k_sign_box_w_pt, k_sign_box_h_pt, 0.6);
    m_canvas.draw(Cell(i18n::tr(key, lang)), bx + 2.0, m_footer_top + 1.0, k_sign_box_w_pt - 4.0, k_sign_label_pt);
    bx += k_sign_box_w_pt + k_gap_pt;
  }
}

}  // namespace shodo::report::pdf
