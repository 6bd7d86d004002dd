#include "forensics/report/pdf_canvas.hpp"

#include <cairo-pdf.h>
#include <glib.h>
#include <pango/pangocairo.h>

#include <algorithm>

#include "forensics/i18n/catalogue.hpp"

namespace shodo::report::pdf {
namespace {

// Where the strike lines sit, as fractions of the font size above the baseline. CJK glyphs fill
// roughly baseline−0.88em…baseline+0.12em, Latin lower case up to ~0.54em: lines at 0.28 and
// 0.50 cross both scripts and leave the text between them legible (二重線).
constexpr double k_double_low_em = 0.28;
constexpr double k_double_high_em = 0.50;
constexpr double k_single_em = 0.38;
constexpr double k_strike_width_pt = 0.45;
constexpr const char* k_replacement = "\xEF\xBF\xBD";  // U+FFFD

int to_pango(double pt) { return pango_units_from_double(pt); }
double from_pango(int units) { return pango_units_to_double(units); }

}  // namespace

Cell& Cell::add(std::string text, bool bold, Strike strike, double scale) {
  if (!text.empty()) spans.push_back(Span{std::move(text), bold, strike, scale});
  return *this;
}

std::string fill_in(std::string_view tmpl,
                 std::initializer_list<std::pair<std::string_view, std::string_view>> args) {
  std::string out;
  out.reserve(tmpl.size() + 32);
  std::size_t i = 0;
  while (i < tmpl.size()) {
    if (tmpl[i] == '{') {
      const std::size_t close = tmpl.find('}', i);
      if (close != std::string_view::npos) {
        const std::string_view name = tmpl.substr(i + 1, close - i - 1);
        const auto it = std::find_if(args.begin(), args.end(), [&](const auto& a) { return a.first == name; });
        if (it != args.end()) {
          out += it->second;
          i = close + 1;
          continue;
        }
      }
    }
    out += tmpl[i++];
  }
  return out;
}

std::string printable_text(std::string_view text) {
  // g_utf8_make_valid replaces invalid sequences and embedded NULs with U+FFFD, so the result
  // is a proper C string.
  gchar* valid = g_utf8_make_valid(text.data(), static_cast<gssize>(text.size()));
  const std::string whole(valid);
  g_free(valid);
  std::string out;
  out.reserve(whole.size());
  for (std::size_t i = 0; i < whole.size();) {
    const unsigned char c = static_cast<unsigned char>(whole[i]);
    if (c == '\r') {
      out += '\n';  // CR LF and lone CR become one line break (text pasted from Windows)
      i += (i + 1 < whole.size() && whole[i + 1] == '\n') ? 2 : 1;
    } else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
      out += k_replacement;
      ++i;
    } else if (c == 0xC2 && i + 1 < whole.size() && static_cast<unsigned char>(whole[i + 1]) < 0xA0) {
      out += k_replacement;  // C1 control characters U+0080…U+009F
      i += 2;
    } else {
      out += whole[i++];
    }
  }
  return out;
}

void PdfCanvas::LayoutDeleter::operator()(PangoLayout* p) const {
  if (p) g_object_unref(p);
}

cairo_status_t PdfCanvas::on_write(void* closure, const unsigned char* data, unsigned int length) {
  auto* self = static_cast<PdfCanvas*>(closure);
  self->m_bytes.append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

PdfCanvas::PdfCanvas(double width_pt, double height_pt, const PdfMetadata& meta)
    : m_width(width_pt), m_height(height_pt) {
  m_surface = cairo_pdf_surface_create_for_stream(&PdfCanvas::on_write, this, width_pt, height_pt);
  if (!meta.title.empty()) cairo_pdf_surface_set_metadata(m_surface, CAIRO_PDF_METADATA_TITLE, meta.title.c_str());
  if (!meta.creator.empty())
    cairo_pdf_surface_set_metadata(m_surface, CAIRO_PDF_METADATA_CREATOR, meta.creator.c_str());
  // A fixed creation date (the export time) keeps two exports of the same record comparable.
  if (!meta.create_date.empty())
    cairo_pdf_surface_set_metadata(m_surface, CAIRO_PDF_METADATA_CREATE_DATE, meta.create_date.c_str());
  m_cr = cairo_create(m_surface);
  cairo_set_source_rgb(m_cr, 0, 0, 0);  // black only (§3.5.1)
  cairo_set_line_cap(m_cr, CAIRO_LINE_CAP_BUTT);
  m_pango = pango_cairo_create_context(m_cr);
  // PDF user space is in points: 72 "dpi" makes a 7.5 pt font 7.5 units tall. Unhinted metrics
  // make measurement and drawing agree exactly, so pagination never overflows.
  pango_cairo_context_set_resolution(m_pango, 72.0);
  cairo_font_options_t* fo = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options(m_pango, fo);
  cairo_font_options_destroy(fo);
}

PdfCanvas::~PdfCanvas() {
  if (m_pango) g_object_unref(m_pango);
  if (m_cr) cairo_destroy(m_cr);
  if (m_surface) cairo_surface_destroy(m_surface);
}

PdfCanvas::LayoutPtr PdfCanvas::make_layout(const Cell& cell, double width_pt, double size_pt, Align align,
                                            std::vector<StrikeRange>* strikes) const {
  LayoutPtr layout(pango_layout_new(m_pango));
  PangoFontDescription* fd = pango_font_description_new();
  pango_font_description_set_family(fd, k_font_family);
  pango_font_description_set_absolute_size(fd, size_pt * PANGO_SCALE);
  pango_layout_set_font_description(layout.get(), fd);
  pango_font_description_free(fd);
  if (width_pt > 0) {
    pango_layout_set_width(layout.get(), to_pango(width_pt));
    // Japanese has no spaces: break between any characters when a word does not fit.
    pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
  }
  pango_layout_set_alignment(layout.get(), align == Align::center  ? PANGO_ALIGN_CENTER
                                           : align == Align::right ? PANGO_ALIGN_RIGHT
                                                                   : PANGO_ALIGN_LEFT);
  std::string text;
  PangoAttrList* attrs = pango_attr_list_new();
  for (const Span& span : cell.spans) {
    const std::string part = printable_text(span.text);
    const auto begin = static_cast<guint>(text.size());
    text += part;
    const auto end = static_cast<guint>(text.size());
    if (span.bold) {
      PangoAttribute* a = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
      a->start_index = begin;
      a->end_index = end;
      pango_attr_list_insert(attrs, a);
    }
    if (span.scale != 1.0) {
      PangoAttribute* a = pango_attr_scale_new(span.scale);
      a->start_index = begin;
      a->end_index = end;
      pango_attr_list_insert(attrs, a);
    }
    if (strikes && span.strike != Strike::none)
      strikes->push_back(StrikeRange{static_cast<int>(begin), static_cast<int>(end), span.strike, size_pt * span.scale});
  }
  pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
  pango_layout_set_attributes(layout.get(), attrs);
  pango_attr_list_unref(attrs);
  return layout;
}

double PdfCanvas::measure(const Cell& cell, double width_pt, double size_pt) const {
  if (cell.empty()) return 0.0;
  LayoutPtr layout = make_layout(cell, width_pt, size_pt, Align::left, nullptr);
  int w = 0, h = 0;
  pango_layout_get_size(layout.get(), &w, &h);
  return from_pango(h);
}

double PdfCanvas::natural_width(const Cell& cell, double size_pt) const {
  if (cell.empty()) return 0.0;
  LayoutPtr layout = make_layout(cell, 0.0, size_pt, Align::left, nullptr);
  int w = 0, h = 0;
  pango_layout_get_size(layout.get(), &w, &h);
  return from_pango(w);
}

void PdfCanvas::draw_strikes(PangoLayout* layout, const std::vector<StrikeRange>& strikes, double x, double y) {
  if (strikes.empty()) return;
  PangoLayoutIter* it = pango_layout_get_iter(layout);
  do {
    PangoLayoutLine* pl = pango_layout_iter_get_line_readonly(it);
    const double baseline = y + from_pango(pango_layout_iter_get_baseline(it));
    const int line_begin = pl->start_index;
    const int line_end = pl->start_index + pl->length;
    for (const StrikeRange& s : strikes) {
      const int a = std::max(s.begin, line_begin);
      const int b = std::min(s.end, line_end);
      if (a >= b) continue;
      int* ranges = nullptr;
      int n = 0;
      pango_layout_line_get_x_ranges(pl, a, b, &ranges, &n);
      for (int i = 0; i < n; ++i) {
        const double x0 = x + from_pango(ranges[2 * i]);
        const double x1 = x + from_pango(ranges[2 * i + 1]);
        if (x1 - x0 < 0.5) continue;  // a line break or an empty range
        if (s.kind == Strike::double_line) {
          line(x0, baseline - k_double_low_em * s.em_pt, x1, baseline - k_double_low_em * s.em_pt, k_strike_width_pt);
          line(x0, baseline - k_double_high_em * s.em_pt, x1, baseline - k_double_high_em * s.em_pt,
               k_strike_width_pt);
        } else {
          line(x0, baseline - k_single_em * s.em_pt, x1, baseline - k_single_em * s.em_pt, k_strike_width_pt);
        }
      }
      g_free(ranges);
    }
  } while (pango_layout_iter_next_line(it));
  pango_layout_iter_free(it);
}

double PdfCanvas::draw(const Cell& cell, double x, double y, double width_pt, double size_pt, Align align,
                       double max_height_pt) {
  if (cell.empty()) return 0.0;
  std::vector<StrikeRange> strikes;
  LayoutPtr layout = make_layout(cell, width_pt, size_pt, align, &strikes);
  cairo_save(m_cr);
  if (max_height_pt > 0) {
    cairo_rectangle(m_cr, x - 1.0, y, width_pt + 2.0, max_height_pt);
    cairo_clip(m_cr);
  }
  cairo_move_to(m_cr, x, y);
  pango_cairo_show_layout(m_cr, layout.get());
  draw_strikes(layout.get(), strikes, x, y);
  cairo_restore(m_cr);
  int w = 0, h = 0;
  pango_layout_get_size(layout.get(), &w, &h);
  return from_pango(h);
}

double PdfCanvas::draw_single_line(const Cell& cell, double x, double y, double width_pt, double size_pt,
                                   Align align) {
  Cell flat = cell;
  for (Span& s : flat.spans) std::replace(s.text.begin(), s.text.end(), '\n', ' ');
  std::vector<StrikeRange> strikes;
  LayoutPtr layout = make_layout(flat, 0.0, size_pt, align, &strikes);
  pango_layout_set_width(layout.get(), to_pango(width_pt));
  pango_layout_set_ellipsize(layout.get(), PANGO_ELLIPSIZE_END);
  cairo_move_to(m_cr, x, y);
  pango_cairo_show_layout(m_cr, layout.get());
  draw_strikes(layout.get(), strikes, x, y);
  int w = 0, h = 0;
  pango_layout_get_size(layout.get(), &w, &h);
  return from_pango(h);
}

void PdfCanvas::line(double x1, double y1, double x2, double y2, double width_pt) {
  cairo_set_line_width(m_cr, width_pt);
  cairo_move_to(m_cr, x1, y1);
  cairo_line_to(m_cr, x2, y2);
  cairo_stroke(m_cr);
}

void PdfCanvas::rectangle(double x, double y, double w, double h, double width_pt) {
  cairo_set_line_width(m_cr, width_pt);
  cairo_rectangle(m_cr, x, y, w, h);
  cairo_stroke(m_cr);
}

void PdfCanvas::next_page() { cairo_show_page(m_cr); }

Result<std::string> PdfCanvas::finish() {
  if (!m_finished) {
    cairo_show_page(m_cr);
    m_finished = true;
    cairo_status_t st = cairo_status(m_cr);
    cairo_surface_finish(m_surface);
    if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(m_surface);
    if (st != CAIRO_STATUS_SUCCESS) {
      const char* detail = cairo_status_to_string(st);
      return make_error(ErrorCode::io_error,
                        fill_in(i18n::tr("report.error.render", i18n::Lang::ja), {{"detail", detail}}),
                        fill_in(i18n::tr("report.error.render", i18n::Lang::en), {{"detail", detail}}));
    }
  }
  return std::move(m_bytes);
}

}  // namespace shodo::report::pdf
