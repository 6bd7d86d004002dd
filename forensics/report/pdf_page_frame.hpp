// Internal to forensics/report: the page frame shared by the chronology PDFs — the header
// (incident, title, page n/N, time basis, 訓練/TRAINING box), the footer (small text lines and
// the signature boxes 記録者 / 確認者) and the page geometry between them.
#pragma once
#include <string>
#include <vector>

#include "forensics/i18n/catalogue.hpp"
#include "forensics/report/pdf_canvas.hpp"

namespace shodo::report::pdf {

struct HeaderSpec {
  std::string incident_line;  // incident number and title, bold (cut with "…" if too long)
  std::string sub_line;       // facility · document title · language
  std::string info_line;      // time basis, or the hand-writing hint on blank sheets (wraps)
  std::string sheet_label;    // "シート No. 3" on blank sheets; empty otherwise
  bool training = false;      // prints the 訓練 TRAINING box
  i18n::Lang lang = i18n::Lang::ja;
};

struct FooterSpec {
  std::vector<std::string> lines;  // printed small, wrapped, top to bottom
};

// Geometry and drawing of header and footer on an A4 landscape canvas. The header and footer
// heights are fixed per document (measured once) so that pagination can be planned before
// any page is drawn.
class PageFrame {
 public:
  // `widest_footer` is the footer with the most text any page will have; its height is
  // reserved on every page.
  PageFrame(PdfCanvas& canvas, HeaderSpec header, const FooterSpec& widest_footer);

  double margin() const;
  double content_left() const { return margin(); }
  double content_width() const;
  // Top of the first thing below the header, bottom of the last thing above the footer.
  double body_top() const { return m_body_top; }
  double body_bottom() const { return m_body_bottom; }

  // Draws header and footer of page `page` (1-based) of `pages`.
  void draw(int page, int pages, const FooterSpec& footer);

 private:
  double left_width() const;
  double footer_text_width() const;
  double right_stack_height() const;

  PdfCanvas& m_canvas;
  HeaderSpec m_header;
  double m_body_top = 0.0;
  double m_body_bottom = 0.0;
  double m_footer_top = 0.0;
};

}  // namespace shodo::report::pdf
