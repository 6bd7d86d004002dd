// Internal to forensics/report: a Cairo PDF document rendered into memory, and the one text
// primitive all our PDF exports use — a cell of styled spans, wrapped with Pango, with
// strike-through lines drawn by us (Pango has only a single strike-through; CHR-22 asks for
// the double line, 二重線, of Japanese record correction).
//
// Text is never parsed as Pango markup: spans carry their style as attributes, so user text
// containing "<", "&" or "</b>" is shown exactly as typed and cannot change the layout.
// Units are PDF points (1/72 inch) throughout. Not thread-safe; one canvas per export.
#pragma once
#include <cairo.h>
#include <pango/pango.h>

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "forensics/core/result.hpp"

namespace shodo::report::pdf {

inline constexpr double k_pt_per_mm = 72.0 / 25.4;
inline constexpr double k_a4_long_pt = 297.0 * k_pt_per_mm;
inline constexpr double k_a4_short_pt = 210.0 * k_pt_per_mm;
// fonts-noto-cjk; has every kana/kanji we print, and the symbols ●, →, ◐.
inline constexpr const char* k_font_family = "Noto Sans CJK JP";

enum class Strike : unsigned char {
  none,
  single,       // 取消: one line through the text
  double_line,  // 訂正: 二重線, the original stays legible between the lines
};

enum class Align : unsigned char { left, center, right };

// A run of text with one style. `text` is UTF-8 as typed; invalid bytes and control characters
// other than newline and tab are shown as U+FFFD rather than dropped.
struct Span {
  std::string text;
  bool bold = false;
  Strike strike = Strike::none;
  double scale = 1.0;  // relative to the cell's font size
};

// The content of one table cell or text block: spans laid out as one wrapped paragraph
// (a "\n" inside a span breaks the line).
struct Cell {
  std::vector<Span> spans;

  Cell() = default;
  explicit Cell(std::string text, bool bold = false) { add(std::move(text), bold); }
  // Appends a span (empty text is ignored); returns *this for chaining.
  Cell& add(std::string text, bool bold = false, Strike strike = Strike::none, double scale = 1.0);
  bool empty() const { return spans.empty(); }
};

struct PdfMetadata {
  std::string title;
  std::string creator;      // tool and version
  std::string create_date;  // ISO 8601 with offset; empty = cairo's default (now)
};

// A catalogue template with its "{name}" placeholders replaced, e.g.
// fill_in("No. {n} を訂正", {{"n", "7"}}). Unknown placeholders stay as they are.
std::string fill_in(std::string_view tmpl,
                 std::initializer_list<std::pair<std::string_view, std::string_view>> args);

// Text with invalid UTF-8 and control characters replaced by U+FFFD (newline and tab kept).
std::string printable_text(std::string_view text);

// One PDF document in memory. Pages all have the size given at construction.
class PdfCanvas {
 public:
  PdfCanvas(double width_pt, double height_pt, const PdfMetadata& meta);
  ~PdfCanvas();
  PdfCanvas(const PdfCanvas&) = delete;
  PdfCanvas& operator=(const PdfCanvas&) = delete;

  double width() const { return m_width; }
  double height() const { return m_height; }

  // Height of `cell` wrapped to `width_pt` at font size `size_pt` (0 for an empty cell).
  double measure(const Cell& cell, double width_pt, double size_pt) const;
  // Width of the widest line of `cell` laid out without wrapping.
  double natural_width(const Cell& cell, double size_pt) const;
  // Draws `cell` with its top-left corner at (x, y), wrapped to `width_pt`. When
  // `max_height_pt` > 0, whatever lies below y + max_height_pt is clipped. Returns the
  // height of the full (unclipped) text.
  double draw(const Cell& cell, double x, double y, double width_pt, double size_pt,
              Align align = Align::left, double max_height_pt = 0.0);
  // Draws `cell` on one line, cut with "…" if longer than `width_pt`. Returns its height.
  double draw_single_line(const Cell& cell, double x, double y, double width_pt, double size_pt,
                          Align align = Align::left);

  void line(double x1, double y1, double x2, double y2, double width_pt);
  void rectangle(double x, double y, double w, double h, double width_pt);

  // Ends the current page and starts a new one.
  void next_page();
  // Ends the document and returns the PDF bytes. Errors: io_error when Cairo failed at any
  // point (out of memory, font problem), with Cairo's reason in the message.
  Result<std::string> finish();

 private:
  struct LayoutDeleter {
    void operator()(PangoLayout* p) const;
  };
  using LayoutPtr = std::unique_ptr<PangoLayout, LayoutDeleter>;
  struct StrikeRange {
    int begin = 0;  // byte offsets into the layout text
    int end = 0;
    Strike kind = Strike::none;
    double em_pt = 0.0;
  };

  LayoutPtr make_layout(const Cell& cell, double width_pt, double size_pt, Align align,
                        std::vector<StrikeRange>* strikes) const;
  void draw_strikes(PangoLayout* layout, const std::vector<StrikeRange>& strikes, double x, double y);
  static cairo_status_t on_write(void* closure, const unsigned char* data, unsigned int length);

  double m_width = 0.0;
  double m_height = 0.0;
  std::string m_bytes;  // the PDF as Cairo streams it out
  cairo_surface_t* m_surface = nullptr;
  cairo_t* m_cr = nullptr;
  PangoContext* m_pango = nullptr;
  bool m_finished = false;
};

}  // namespace shodo::report::pdf
