// Evidence outputs EV-01 … EV-03 (REQUIREMENTS §4.4); see evidence_pdf.hpp for the layouts.
//
// Sections:
//   1. text helpers   — catalogue, times, persons, hashes
//   2. QR code        — qrencode matrix, drawn as filled module runs (butt-capped lines)
//   3. EV-01 label
//   4. EV-02 custody form
//   5. EV-03 register PDF, CSV, manifest
//   6. export_*       — write durably, hash, record in the chronology
#include "forensics/report/evidence_pdf.hpp"

#include <qrencode.h>

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <memory>

#include "forensics/case/workspace.hpp"
#include "forensics/core/atomic_file.hpp"
#include "forensics/core/clock.hpp"
#include "forensics/i18n/catalogue.hpp"
#include "forensics/i18n/format.hpp"
#include "forensics/integrity/digest.hpp"
#include "forensics/report/csv_writer.hpp"
#include "forensics/report/export.hpp"
#include "forensics/core/provenance.hpp"
#include "forensics/report/pdf_canvas.hpp"
#include "forensics/report/pdf_page_frame.hpp"
#include "forensics/report/pdf_table.hpp"
#include "forensics/report/pdf_table_document.hpp"

namespace shodo::evidence {
namespace fs = std::filesystem;
namespace pdf = report::pdf;
using i18n::Lang;
using pdf::Align;
using pdf::Cell;
using pdf::fill_in;

namespace {

std::string tool_label() { return "Shodo " + tool_version_string(); }
constexpr double k_mm = pdf::k_pt_per_mm;

// ---------------------------------------------------------------------------------------
// 1. text helpers

class Text {
 public:
  explicit Text(bool japanese) : m_lang(japanese ? Lang::ja : Lang::en) {}
  std::string operator()(std::string_view key) const { return i18n::tr(key, m_lang); }
  bool ja() const { return m_lang == Lang::ja; }
  Lang lang() const { return m_lang; }

 private:
  Lang m_lang;
};

std::string or_dash(const std::string& s) { return s.empty() ? "—" : s; }

std::string person_line(const Person& p) {
  return pdf::join_present({p.name, pdf::join_present({p.organisation, p.role}, " "), p.phone}, "・");
}

std::string quality_label(const std::string& q, const Text& t) { return i18n::format_time_quality(q, t.lang()); }

// "2022-10-31 08:40 JST (未補正)"; "—" when absent.
std::string time_text(const std::optional<RecordedTime>& rt, const Text& t, bool seconds = false) {
  if (!rt || rt->utc_ns == 0) return "—";
  std::string s = format_jst_display(rt->utc_ns).substr(0, seconds ? 19 : 16) + " JST";
  const std::string q = quality_label(rt->quality, t);
  if (!q.empty()) s += " (" + q + ")";
  return s;
}

std::string jst_minutes(std::int64_t ns) { return ns == 0 ? "—" : format_jst_display(ns).substr(0, 16); }

std::string capacity_text(const std::optional<std::int64_t>& bytes) {
  if (!bytes) return {};
  const double gb = static_cast<double>(*bytes) / 1e9;
  return fmt::format("{} bytes ({:.1f} GB)", *bytes, gb);
}

std::string sha_prefix(const EvidenceItem& item, const Text& t) {
  const HashRecord* h = item.primary_sha256();
  return h ? h->value.substr(0, 16) : t("evidence.label.sha256_missing");
}

std::string hash_lines(const EvidenceItem& item) {
  std::vector<std::string> lines;
  for (const auto& h : item.hashes)
    lines.push_back(pdf::join_present({h.algorithm + ": " + h.value, h.scope, h.target, jst_minutes(h.computed_utc_ns), h.computed_by}, "　"));
  return pdf::join_present(lines, "\n");
}

std::string verification_lines(const EvidenceItem& item, const Text& t) {
  std::vector<std::string> lines;
  for (const auto& v : item.verification_events)
    lines.push_back(pdf::join_present({jst_minutes(v.utc_ns), v.what, t(v.match ? "evidence.verify.match" : "evidence.verify.mismatch"), v.by, v.detail},
                         "　"));
  return pdf::join_present(lines, "\n");
}

std::string acquisition_text(const EvidenceItem& item, const Text& t) {
  if (!item.acquisition) return {};
  const Acquisition& a = *item.acquisition;
  std::vector<std::string> lines;
  lines.push_back(pdf::join_present({a.method, a.image_format, pdf::join_present({a.tool_name, a.tool_version}, " ")}, "　"));
  lines.push_back(t("evidence.acq.source") + ": " + or_dash(a.source_device_path) + "　" + t("evidence.acq.write_protection") + ": " +
                  or_dash(a.write_protection));
  lines.push_back(t("evidence.acq.destination") + ": " + or_dash(a.destination_path) + "　" + t("evidence.acq.medium_serial") +
                  ": " + or_dash(a.destination_medium_serial));
  lines.push_back(time_text(a.started, t) + " – " + time_text(a.ended, t) + "　" +
                  fmt::format("{} bytes", a.bytes_read) + "　" + t("evidence.acq.read_errors") + ": " + std::to_string(a.read_errors));
  lines.push_back(t("evidence.acq.operator") + ": " + or_dash(person_line(a.operator_)) + "　" + t("evidence.field.witness") + ": " +
                  or_dash(person_line(a.witness)));
  if (!a.deviations.empty()) lines.push_back(t("evidence.acq.deviations") + ": " + a.deviations);
  if (!a.outcome.empty()) lines.push_back(t("evidence.acq.outcome") + ": " + a.outcome);
  return pdf::join_present(lines, "\n");
}

std::string disposition_text(const EvidenceItem& item, const Text& t) {
  if (!item.disposition) return {};
  const Disposition& d = *item.disposition;
  const std::string key = "evidence.disposition." + d.action;
  std::string label = t(key);
  if (label == key) label = d.action;
  return pdf::join_present({label, d.detail, jst_minutes(d.utc_ns), person_line(d.by), d.approved_by.empty() ? "" : t("evidence.disposition.approved") + ": " + d.approved_by},
              "　");
}

std::string seal_text(const EvidenceItem& item) { return pdf::join_present({item.seal_no, item.bag_no.empty() ? "" : "(" + item.bag_no + ")"}, " "); }

std::string footer_line(const OutputInfo& info, const Text& t) {
  return fill_in(t("evidence.footer.export"), {{"time", format_jst_display(info.created_utc_ns)},
                                              {"who", or_dash(info.created_by)},
                                              {"kit", or_dash(info.kit_id)},
                                              {"tool", tool_label()},
                                              {"lines", std::to_string(info.register_lines)},
                                              {"hash", info.register_head_hash.empty() ? "—" : info.register_head_hash.substr(0, 16)}});
}

pdf::PdfMetadata metadata(const std::string& title, const OutputInfo& info) {
  pdf::PdfMetadata m;
  m.title = title;
  m.creator = tool_label();
  if (info.created_utc_ns != 0) m.create_date = format_rfc3339_jst(info.created_utc_ns);
  return m;
}

std::string training_text() {
  return std::string(i18n::tr("training.mark", Lang::ja)) + " " + i18n::tr("training.mark", Lang::en);
}

// Identifiers (evidence, seal and tracking numbers, hashes) are never wrapped inside: Pango breaks
// a line after '-', which would print "OGMC-20221031-01-" and "E001" on two lines of a cell — read
// as two things, or copied by hand without the tail. Columns are sized for the usual identifiers;
// one that is still wider than `avail_pt` is printed smaller (down to k_min_id_scale) so that it
// stays on one line. Below that it may wrap: legible beats one line.
constexpr double k_min_id_scale = 0.6;
constexpr double k_fit_slack = 0.97;  // Pango's wrap decision vs our measurement: keep a margin

// The span scale at which `text` fits `avail_pt` on one line. Glyph advances are not linear in
// the font size (Pango rounds metrics), so the scale is checked by measuring, not computed.
double id_scale(const pdf::PdfCanvas& canvas, const std::string& text, bool bold, double font_pt, double avail_pt) {
  auto width_at = [&](double scale) {
    Cell c;
    c.add(text, bold, pdf::Strike::none, scale);
    return canvas.natural_width(c, font_pt);
  };
  const double limit = avail_pt * k_fit_slack;
  const double w = width_at(1.0);
  if (w <= limit || w <= 0) return 1.0;
  double scale = limit / w;
  while (scale > k_min_id_scale && width_at(scale) > limit) scale *= 0.96;
  return std::max(k_min_id_scale, scale);
}

Cell& add_id(Cell& cell, const pdf::PdfCanvas& canvas, const std::string& text, bool bold, double font_pt, double avail_pt) {
  return cell.add(text, bold, pdf::Strike::none, id_scale(canvas, text, bold, font_pt, avail_pt));
}

// "SEAL-0001 → SEAL-0002" on one line when it fits, else "SEAL-0001 →" and "SEAL-0002" on two,
// each number whole.
void add_seal_pair(Cell& cell, const pdf::PdfCanvas& canvas, const std::string& before, const std::string& after, double font_pt,
                   double avail_pt) {
  const std::string one_line = before + " → " + after;
  if (canvas.natural_width(Cell(one_line), font_pt) <= avail_pt * k_fit_slack) {
    cell.add(one_line);
    return;
  }
  add_id(cell, canvas, before + " →", false, font_pt, avail_pt);
  cell.add("\n");
  add_id(cell, canvas, after, false, font_pt, avail_pt);
}

// The SHA-256 as four lines of 16 hex digits (each line one identifier).
std::vector<std::string> hex_lines(const std::string& hex) {
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < hex.size(); i += 16) lines.push_back(hex.substr(i, 16));
  return lines;
}

// ---------------------------------------------------------------------------------------
// 2. QR code

// Draws the matrix with a 4-module quiet zone inside the square (x, y, side). Dark modules are
// drawn row by row as runs: a butt-capped line `module` thick is a filled rectangle.
void draw_qr(pdf::PdfCanvas& canvas, const QrMatrix& qr, double x, double y, double side) {
  const double module = side / (qr.size + 8);
  const double x0 = x + 4 * module, y0 = y + 4 * module;
  for (int row = 0; row < qr.size; ++row) {
    int col = 0;
    while (col < qr.size) {
      if (!qr.at(col, row)) {
        ++col;
        continue;
      }
      const int start = col;
      while (col < qr.size && qr.at(col, row)) ++col;
      const double cy = y0 + (row + 0.5) * module;
      canvas.line(x0 + start * module, cy, x0 + col * module, cy, module);
    }
  }
}

}  // namespace

Result<QrMatrix> qr_matrix(const std::string& text) {
  struct Deleter {
    void operator()(QRcode* q) const { QRcode_free(q); }
  };
  errno = 0;
  std::unique_ptr<QRcode, Deleter> q(QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
  if (!q)
    return make_errno_error(ErrorCode::invalid_input, errno ? errno : EINVAL, "QRコードを作れません: 「" + text + "」",
                            "cannot make a QR code of \"" + text + "\"");
  QrMatrix m;
  m.size = q->width;
  m.dark.resize(static_cast<std::size_t>(q->width) * static_cast<std::size_t>(q->width));
  for (std::size_t i = 0; i < m.dark.size(); ++i) m.dark[i] = (q->data[i] & 1) != 0;
  return m;
}

// ---------------------------------------------------------------------------------------
// 3. EV-01 label

Result<std::string> render_labels_pdf(const std::vector<EvidenceItem>& items, const OutputInfo& info) {
  const Text t(info.japanese);
  if (items.empty()) return make_error(ErrorCode::invalid_input, "ラベルにする証拠品がありません", "no evidence item to label");
  const double w = k_label_width_mm * k_mm, h = k_label_height_mm * k_mm;
  const double m = 3.0 * k_mm;
  pdf::PdfCanvas canvas(w, h, metadata(t("evidence.title.label") + " " + info.incident.incident_id, info));
  bool first = true;
  for (const EvidenceItem& item : items) {
    auto qr = qr_matrix(item.evidence_no);
    if (!qr) return qr.error();
    if (!first) canvas.next_page();
    first = false;
    // Evidence number: as large as fits the width (at most 15 pt), never cut.
    const Cell number(item.evidence_no, true);
    const double nw = canvas.natural_width(number, 10.0);
    const double size = std::min(15.0, 10.0 * (w - 2 * m) / std::max(nw, 1.0));
    double y = m;
    y += canvas.draw_single_line(number, m, y, w - 2 * m, size);
    canvas.line(m, y + 1.0, w - m, y + 1.0, 0.8);
    y += 3.0;

    const double qr_side = std::min(h - y - m, 30.0 * k_mm);
    const double qx = w - m - qr_side;
    draw_qr(canvas, qr.value(), qx, y, qr_side);

    const double tw = qx - m - 2.0;
    const double fs = 6.8;
    auto row = [&](const std::string& label, const std::string& value, double max_h = 0.0) {
      Cell c;
      c.add(label + ": ", true).add(or_dash(value));
      const double drawn = canvas.draw(c, m, y, tw, fs, Align::left, max_h);
      y += max_h > 0 ? std::min(drawn, max_h) : drawn;
    };
    const double line_h = canvas.measure(Cell("X"), 0, fs);
    row(t("evidence.field.case_no"), item.case_no);
    row(t("evidence.field.item_type"), item_type_label(item.item_type, t.ja()));
    row(t("evidence.field.description"), item.description, 2 * line_h + 0.5);
    row(t("evidence.field.collected_time"), time_text(item.collected_time, t));
    row(t("evidence.field.collected_by"), item.collected_by.name);
    if (!item.seal_no.empty()) row(t("evidence.field.seal_no"), seal_text(item));
    if (item.primary_sha256()) {
      row("SHA-256", sha_prefix(item, t));
    } else {
      y += canvas.draw(Cell(t("evidence.label.sha256_missing"), true), m, y, tw, fs);  // not "SHA-256: SHA-256 未記録"
    }
    if (info.incident.training) {
      const Cell mark(training_text(), true);
      canvas.draw_single_line(mark, m, h - m - canvas.measure(mark, 0, 8.0), tw, 8.0);
    }
  }
  return canvas.finish();
}

// ---------------------------------------------------------------------------------------
// 4. EV-02 custody form

namespace {

constexpr double k_form_margin = 10.0 * k_mm;
constexpr double k_sign_row_h = 13.0 * k_mm;  // room for a signature or seal (印)
constexpr int k_min_blank_rows = 4;

std::vector<pdf::Column> transfer_columns(const Text& t, double width) {
  std::vector<pdf::Column> cols = {
      {t("evidence.transfer.col.no"), 18.0, Align::center},
      {t("evidence.transfer.col.time"), 56.0, Align::left},
      {t("evidence.transfer.col.from"), 70.0, Align::left},
      {t("evidence.transfer.col.from_sign"), 50.0, Align::left},
      {t("evidence.transfer.col.to"), 70.0, Align::left},
      {t("evidence.transfer.col.to_sign"), 50.0, Align::left},
      {t("evidence.transfer.col.purpose"), 56.0, Align::left},
      // Wide enough for "SEAL-0001 → SEAL-0002" on one line (≈ 84 pt at 7.5 pt).
      {t("evidence.transfer.col.seal"), 92.0, Align::left},
      {t("evidence.transfer.col.method"), 0.0, Align::left},
  };
  double used = 0;
  for (const auto& c : cols) used += c.width_pt;
  cols.back().width_pt = width - used;
  return cols;
}

// The cells of a recorded transfer in the columns `cols` (seal and tracking numbers kept whole).
std::vector<Cell> transfer_cells(const Transfer& tr, std::size_t index, const Text& t, const pdf::PdfCanvas& canvas,
                                 const std::vector<pdf::Column>& cols, const pdf::TableStyle& style) {
  auto avail = [&](std::size_t col) { return cols[col].width_pt - 2 * style.pad_x_pt; };
  Cell seal;
  add_seal_pair(seal, canvas, or_dash(tr.seal_no_before), or_dash(tr.seal_no_after), style.font_pt, avail(7));
  if (tr.seal_intact) seal.add("\n" + t(*tr.seal_intact ? "evidence.seal.intact" : "evidence.seal.broken"));
  Cell method(pdf::join_present({tr.method, tr.courier}, "\n"));
  if (!tr.tracking_no.empty()) {
    if (!method.empty()) method.add("\n");
    add_id(method, canvas, tr.tracking_no, false, style.font_pt, avail(8));
  }
  if (tr.hash_reverified)
    method.add((method.empty() ? "" : "\n") + t(*tr.hash_reverified ? "evidence.verify.rehash_match" : "evidence.verify.rehash_mismatch"));
  Cell no(std::to_string(index + 1));
  no.add("\n" + tr.transfer_id.substr(tr.transfer_id.rfind('-') + 1), false, pdf::Strike::none, 0.8);
  return {no,
          Cell(time_text(tr.time, t)),
          Cell(person_line(tr.from)),
          Cell(),
          Cell(person_line(tr.to)),
          Cell(),
          Cell(pdf::join_present({tr.purpose, tr.condition_on_receipt}, "\n")),
          seal,
          method};
}

// Label/value pairs of the item data block.
std::vector<std::pair<std::string, std::string>> item_fields(const EvidenceItem& i, const Text& t) {
  auto f = [&](const char* key) { return t(std::string("evidence.field.") + key); };
  std::vector<std::pair<std::string, std::string>> v = {
      {f("case_no"), i.case_no},
      {f("item_type"), item_type_label(i.item_type, t.ja())},
      {f("description"), i.description},
      {f("make_model"), pdf::join_present({i.make, i.model}, " / ")},
      {f("serial_no"), i.serial_no},
      {f("capacity"), capacity_text(i.capacity_bytes)},
      {f("interface"), i.interface},
      {f("asset_host"), pdf::join_present({i.asset_id, i.hostname}, " / ")},
      {f("ip_mac"), pdf::join_present({pdf::join_present(i.ip_addresses, ", "), pdf::join_present(i.mac_addresses, ", ")}, " / ")},
      {f("owner_org"), i.owner_org},
      {f("condition"), i.condition},
      {f("found_location"), i.found_location},
      {f("found_time"), time_text(i.found_time, t)},
      {f("collected_time"), time_text(i.collected_time, t)},
      {f("collected_by"), person_line(i.collected_by)},
      {f("witness"), person_line(i.witness)},
      {f("collection_reason"), i.collection_reason},
      {f("source_clock"), pdf::join_present({i.source_clock_reading,
                                i.source_clock_offset_ns ? fmt::format("{:+.1f} s", static_cast<double>(*i.source_clock_offset_ns) / 1e9) : "",
                                i.source_timezone},
                               "　")},
      {f("derived_from"), i.derived_from},
      {f("seal_no"), seal_text(i)},
      {f("storage_location"), pdf::join_present({i.storage_location, i.storage_conditions, i.access_restriction}, "　")},
      {f("current_custodian"), person_line(i.current_custodian)},
      {f("acquisition"), acquisition_text(i, t)},
      {f("hashes"), hash_lines(i)},
      {f("verification"), verification_lines(i, t)},
      {f("disposition"), disposition_text(i, t)},
  };
  return v;
}

}  // namespace

Result<std::string> render_custody_form_pdf(const EvidenceItem& item, const std::vector<Transfer>& transfers,
                                            const OutputInfo& info) {
  const Text t(info.japanese);
  auto qr = qr_matrix(item.evidence_no);
  if (!qr) return qr.error();
  const double W = pdf::k_a4_short_pt, H = pdf::k_a4_long_pt, m = k_form_margin;
  const double cw = W - 2 * m;
  pdf::PdfCanvas canvas(W, H, metadata(t("evidence.title.custody") + " " + item.evidence_no, info));
  const pdf::TableStyle style;
  pdf::Table fields(canvas, {{"", 88.0, Align::left}, {"", cw - 88.0, Align::left}}, style, m);
  const std::vector<pdf::Column> tcols = transfer_columns(t, cw);
  pdf::Table table(canvas, tcols, style, m);
  auto cells_of = [&](std::size_t i) { return transfer_cells(transfers[i], i, t, canvas, tcols, style); };
  const double qr_side = 24.0 * k_mm;
  const double footer_pt = 6.3;
  const std::string footer = footer_line(info, t) + "\n" + t("evidence.custody.keep_with_item");
  const double footer_h = canvas.measure(Cell(footer), cw, footer_pt);
  const double bottom = H - m - footer_h - 4.0;

  // The page head (every page): title, incident, evidence number, QR. Returns the y below it.
  auto head_height = [&] { return std::max(qr_side, canvas.measure(Cell("X", true), 0, 13.0) + canvas.measure(Cell("X"), 0, 8.0) * 2 +
                                                         canvas.measure(Cell("X", true), 0, 18.0) + 6.0); };
  auto draw_head = [&](int page, int pages) {
    const double tw = cw - qr_side - 6.0;
    double y = m;
    y += canvas.draw_single_line(Cell(t("evidence.title.custody"), true), m, y, tw, 13.0);
    y += canvas.draw_single_line(Cell(info.incident.incident_id + "　" + info.incident.title), m, y, tw, 8.0);
    y += canvas.draw_single_line(Cell(pdf::join_present({info.incident.facility, fill_in(i18n::tr("report.page", t.lang()),
                                                                             {{"n", std::to_string(page)}, {"total", std::to_string(pages)}})},
                                           "　・　")),
                                 m, y, tw, 8.0);
    y += 2.0;
    Cell no(t("evidence.field.evidence_no") + "  ", true);
    no.add(item.evidence_no, true, pdf::Strike::none, 1.0);
    canvas.draw_single_line(no, m, y, tw, 18.0);
    if (info.incident.training) {
      const Cell mark(training_text(), true);
      const double mw = canvas.natural_width(mark, 11.0);
      canvas.rectangle(W - m - qr_side - 10.0 - mw - 6.0, m, mw + 6.0, canvas.measure(mark, 0, 11.0) + 4.0, 1.5);
      canvas.draw(mark, W - m - qr_side - 10.0 - mw - 3.0, m + 2.0, mw + 1.0, 11.0);
    }
    draw_qr(canvas, qr.value(), W - m - qr_side, m, qr_side);
    return m + head_height() + 4.0;
  };
  auto draw_footer = [&] {
    canvas.draw(Cell(footer), m, H - m - footer_h, cw, footer_pt);
  };

  // Item data (page 1 only).
  std::vector<std::vector<Cell>> field_rows;
  for (const auto& [label, value] : item_fields(item, t)) field_rows.push_back({Cell(label, true), Cell(or_dash(value))});
  double fields_h = 0;
  for (const auto& r : field_rows) fields_h += fields.row_height(r);
  const double heading_pt = 9.5;
  const Cell transfers_heading(t("evidence.custody.transfers_heading"), true);
  const Cell transfers_note(t("evidence.custody.note"));
  const double section_h = canvas.measure(transfers_heading, cw, heading_pt) + canvas.measure(transfers_note, cw, 7.0) + 4.0;

  // Plan: recorded transfers first, then blank rows to the bottom of the last page (at least
  // k_min_blank_rows blank rows in all).
  struct Row {
    const Transfer* transfer = nullptr;  // nullptr: blank row
    std::size_t index = 0;
    double height = 0;
  };
  const double page1_top = m + head_height() + 4.0 + fields_h + 6.0 + section_h;
  const double page_top = m + head_height() + 4.0 + section_h;
  std::vector<std::vector<Row>> pages(1);
  double y = page1_top + table.heading_height();
  auto new_page = [&] {
    pages.emplace_back();
    y = page_top + table.heading_height();
  };
  // Item data that leaves no room for a transfer row: the table starts on page 2.
  const bool table_on_page1 = y + k_sign_row_h <= bottom;
  if (!table_on_page1) new_page();
  for (std::size_t i = 0; i < transfers.size(); ++i) {
    const double rh = std::min(std::max(k_sign_row_h, table.row_height(cells_of(i))), bottom - page_top - table.heading_height());
    if (y + rh > bottom && !pages.back().empty()) new_page();
    pages.back().push_back({&transfers[i], i, rh});
    y += rh;
  }
  int blanks = 0;
  for (;;) {
    if (y + k_sign_row_h > bottom) {
      if (blanks >= k_min_blank_rows) break;
      new_page();
    }
    pages.back().push_back({nullptr, transfers.size() + static_cast<std::size_t>(blanks), k_sign_row_h});
    y += k_sign_row_h;
    ++blanks;
  }

  const Cell overflow(t("evidence.custody.overflow"), true);
  for (std::size_t p = 0; p < pages.size(); ++p) {
    if (p > 0) canvas.next_page();
    double yy = draw_head(static_cast<int>(p + 1), static_cast<int>(pages.size()));
    if (p == 0) {
      const double top = yy;
      for (const auto& r : field_rows) {
        const double rh = fields.row_height(r);
        fields.draw_row(r, yy, rh, overflow);
        yy += rh;
      }
      fields.draw_frame(top, yy);
      yy += 6.0;
      if (!table_on_page1) {
        draw_footer();
        continue;
      }
    }
    yy += canvas.draw(transfers_heading, m, yy, cw, heading_pt);
    yy += canvas.draw(transfers_note, m, yy, cw, 7.0) + 4.0;
    const double top = yy;
    yy += table.draw_heading(yy);
    for (const Row& r : pages[p]) {
      std::vector<Cell> cells = r.transfer ? cells_of(r.index) : std::vector<Cell>(9);
      if (!r.transfer) cells[0] = Cell(std::to_string(r.index + 1));
      table.draw_row(cells, yy, r.height, overflow);
      yy += r.height;
    }
    table.draw_frame(top, yy);
    draw_footer();
  }
  return canvas.finish();
}

// ---------------------------------------------------------------------------------------
// 5. EV-03 register

namespace {

// Widths the identifier columns need for these items (font 7.5 pt, padding included): the
// evidence number (bold), the parent number, the seal number and the SHA-256 in lines of 16 hex
// digits. Each has a cap, so that the description keeps its room; a longer identifier is printed
// smaller (add_id).
struct RegisterWidths {
  double evidence_no = 60.0, derived_from = 40.0, seal_no = 52.0, sha256 = 60.0;
};

RegisterWidths register_widths(const std::vector<EvidenceItem>& items, const pdf::PdfCanvas& probe, const pdf::TableStyle& st) {
  RegisterWidths w;
  const double pad = 2 * st.pad_x_pt + 1.0;
  // Never wider than this: a very long number is printed smaller instead (add_id).
  constexpr double k_max_no = 130.0, k_max_seal = 80.0, k_max_sha = 90.0;
  for (const auto& i : items) {
    w.evidence_no = std::max(w.evidence_no, std::min(k_max_no, probe.natural_width(Cell(i.evidence_no, true), st.font_pt) / k_fit_slack + pad));
    if (!i.derived_from.empty())
      w.derived_from = std::max(w.derived_from, std::min(k_max_no, probe.natural_width(Cell(i.derived_from), st.font_pt) / k_fit_slack + pad));
    if (!i.seal_no.empty())
      w.seal_no = std::max(w.seal_no, std::min(k_max_seal, probe.natural_width(Cell(i.seal_no), st.font_pt) / k_fit_slack + pad));
    if (const HashRecord* h = i.primary_sha256())
      for (const auto& line : hex_lines(h->value))
        w.sha256 = std::max(w.sha256, std::min(k_max_sha, probe.natural_width(Cell(line), st.font_pt) / k_fit_slack + pad));
  }
  return w;
}

std::vector<pdf::Column> register_columns(const Text& t, double width, const RegisterWidths& w) {
  std::vector<pdf::Column> cols = {
      {t("evidence.field.evidence_no"), w.evidence_no, Align::left},
      {t("evidence.field.item_type"), 62.0, Align::left},  // "ディスクイメージ", "storage medium" on one line
      {t("evidence.field.description"), 0.0, Align::left},
      {t("evidence.field.collected_time"), 84.0, Align::left},
      {t("evidence.field.derived_from"), w.derived_from, Align::left},
      {t("evidence.field.seal_no"), w.seal_no, Align::left},
      {"SHA-256", w.sha256, Align::left},
      {t("evidence.field.storage_location"), 78.0, Align::left},
      {t("evidence.field.current_custodian"), 66.0, Align::left},
  };
  double used = 0;
  for (const auto& c : cols) used += c.width_pt;
  cols[2].width_pt = width - used;
  return cols;
}

std::vector<Cell> register_row(const EvidenceItem& i, const std::vector<Transfer>& transfers, const Text& t, const pdf::PdfCanvas& probe,
                               const std::vector<pdf::Column>& cols, const pdf::TableStyle& st) {
  auto avail = [&](std::size_t col) { return cols[col].width_pt - 2 * st.pad_x_pt; };
  Cell desc(i.description);
  const std::string device = pdf::join_present({i.make, i.model, i.serial_no.empty() ? "" : "S/N " + i.serial_no}, " ");
  if (!device.empty()) desc.add("\n" + device, false, pdf::Strike::none, 0.88);
  if (i.acquisition) desc.add("\n" + t("evidence.acq.medium_serial") + ": " + or_dash(i.acquisition->destination_medium_serial), false,
                              pdf::Strike::none, 0.88);
  const std::string disp = disposition_text(i, t);
  if (!disp.empty()) desc.add("\n" + t("evidence.field.disposition") + ": " + disp, true, pdf::Strike::none, 0.88);
  Cell collected(time_text(i.collected_time, t));
  if (!i.collected_by.name.empty()) collected.add("\n" + i.collected_by.name, false, pdf::Strike::none, 0.88);
  const HashRecord* h = i.primary_sha256();
  Cell sha;
  if (h) {
    const auto lines = hex_lines(h->value);
    for (std::size_t k = 0; k < lines.size(); ++k) add_id(sha, probe, (k ? "\n" : "") + lines[k], false, st.font_pt, avail(6));
  } else {
    sha.add(t("evidence.label.sha256_missing"));
  }
  std::size_t n = 0;
  for (const auto& tr : transfers)
    if (std::find(tr.evidence_nos.begin(), tr.evidence_nos.end(), i.evidence_no) != tr.evidence_nos.end()) ++n;
  Cell custodian(person_line(i.current_custodian));
  if (n > 0) custodian.add("\n" + fill_in(t("evidence.register.transfers"), {{"n", std::to_string(n)}}), false, pdf::Strike::none, 0.88);
  Cell number, parent, seal;
  add_id(number, probe, i.evidence_no, true, st.font_pt, avail(0));
  add_id(parent, probe, or_dash(i.derived_from), false, st.font_pt, avail(4));
  add_id(seal, probe, or_dash(i.seal_no), false, st.font_pt, avail(5));
  if (!i.bag_no.empty()) seal.add("\n(" + i.bag_no + ")");
  return {number, Cell(item_type_label(i.item_type, t.ja())), desc, collected, parent, seal, sha,
          Cell(or_dash(pdf::join_present({i.storage_location, i.access_restriction}, "\n"))), custodian};
}

}  // namespace

Result<std::string> render_register_pdf(const std::vector<EvidenceItem>& items, const std::vector<Transfer>& transfers,
                                        const OutputInfo& info) {
  const Text t(info.japanese);
  pdf::TableDocument d;
  d.header.incident_line = info.incident.incident_id + "　" + info.incident.title;
  d.header.sub_line = pdf::join_present({info.incident.facility, t("evidence.title.register"), i18n::tr("report.language", t.lang())}, "　・　");
  d.header.info_line = t("evidence.register.info");
  d.header.training = info.incident.training;
  d.header.lang = t.lang();
  // Measures with the same fonts as the document (a PDF surface of its own, never written out).
  const pdf::PdfCanvas probe(pdf::k_a4_long_pt, pdf::k_a4_short_pt, {});
  const pdf::TableStyle style;  // what render_table_document draws with
  const RegisterWidths widths = register_widths(items, probe, style);
  std::vector<pdf::Column> cols;
  d.columns = [&](double width) {
    cols = register_columns(t, width, widths);
    return cols;
  };
  d.row_count = items.size();
  d.row = [&](std::size_t i, bool) {
    assert(!cols.empty() && "render_table_document asks for the columns before it lays out any row");
    return register_row(items[i], transfers, t, probe, cols, style);
  };
  d.footer = [&](pdf::PageSlice s) {
    pdf::FooterSpec f;
    f.lines.push_back(footer_line(info, t));
    const std::string range = s.begin < s.end ? items[s.begin].evidence_no + " – " + items[s.end - 1].evidence_no : "—";
    f.lines.push_back(fill_in(t("evidence.register.page_range"), {{"range", range}, {"count", std::to_string(items.size())}}));
    return f;
  };
  d.overflow_note = [&](std::size_t i) { return Cell(fill_in(t("evidence.register.overflow"), {{"no", items[i].evidence_no}}), true); };
  d.empty_note = t("evidence.register.empty");
  d.meta = metadata(t("evidence.title.register") + " " + info.incident.incident_id, info);
  return pdf::render_table_document(d);
}

std::vector<std::vector<std::string>> register_csv_table(const std::vector<EvidenceItem>& items, bool japanese) {
  const Text t(japanese);
  const char* cols[] = {"evidence_no",       "case_no",       "item_type",        "description",     "make",          "model",
                        "serial_no",         "capacity",      "interface",        "asset_id",        "hostname",      "ip_addresses",
                        "mac_addresses",     "owner_org",     "condition",        "found_location",  "found_time",    "collected_time",
                        "collected_by",      "witness",       "collection_reason", "derived_from",   "label_id",      "seal_no",
                        "bag_no",            "storage_location", "storage_conditions", "access_restriction", "current_custodian",
                        "sha256",            "hashes",        "acquisition",      "verification",    "disposition",   "refs"};
  std::vector<std::vector<std::string>> table;
  std::vector<std::string> header;
  for (const char* c : cols) header.push_back(t(std::string("evidence.field.") + c));
  table.push_back(header);
  for (const auto& i : items) {
    const HashRecord* h = i.primary_sha256();
    table.push_back({i.evidence_no,
                     i.case_no,
                     item_type_label(i.item_type, japanese),
                     i.description,
                     i.make,
                     i.model,
                     i.serial_no,
                     i.capacity_bytes ? std::to_string(*i.capacity_bytes) : "",
                     i.interface,
                     i.asset_id,
                     i.hostname,
                     pdf::join_present(i.ip_addresses, " "),
                     pdf::join_present(i.mac_addresses, " "),
                     i.owner_org,
                     i.condition,
                     i.found_location,
                     i.found_time ? time_text(i.found_time, t, true) : "",
                     i.collected_time ? time_text(i.collected_time, t, true) : "",
                     person_line(i.collected_by),
                     person_line(i.witness),
                     i.collection_reason,
                     i.derived_from,
                     i.label_id,
                     i.seal_no,
                     i.bag_no,
                     i.storage_location,
                     i.storage_conditions,
                     i.access_restriction,
                     person_line(i.current_custodian),
                     h ? h->value : "",
                     hash_lines(i),
                     acquisition_text(i, t),
                     verification_lines(i, t),
                     disposition_text(i, t),
                     pdf::join_present(i.refs, " ")});
  }
  return table;
}

std::string register_csv(const std::vector<EvidenceItem>& items, bool japanese) {
  report::CsvWriter w(/*neutralise_formulas=*/true);  // opened in Excel: no cell is a formula
  w.add_raw("\xEF\xBB\xBF");
  for (const auto& r : register_csv_table(items, japanese)) w.add_record(r);
  return w.bytes();
}

std::string image_manifest(const std::vector<EvidenceItem>& items) {
  std::string out;
  for (const auto& i : items) {
    for (const auto& h : i.hashes) {
      if (h.algorithm != "sha256" || (h.scope != "image_file" && h.scope != "segment") || h.target.empty()) continue;
      // GNU sha256sum: a name with '\' or newline is escaped and the line starts with '\'.
      std::string name;
      bool escaped = false;
      for (char c : h.target) {
        if (c == '\\') {
          name += "\\\\";
          escaped = true;
        } else if (c == '\n') {
          name += "\\n";
          escaped = true;
        } else {
          name += c;
        }
      }
      out += (escaped ? "\\" : "") + h.value + "  " + name + "\n";
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// 6. export_*

OutputInfo output_info(const Workspace& ws, const EvidenceRegister& reg, bool japanese) {
  OutputInfo o;
  o.incident = ws.incident();
  o.japanese = japanese;
  const RecordedTime now = now_time(ws);
  o.created_utc_ns = now.utc_ns;
  o.created_quality = now.quality;
  o.created_by = ws.log().current_operator().name;
  o.kit_id = ws.log().options().device_id;
  o.register_lines = static_cast<std::int64_t>(reg.events().size());
  o.register_head_hash = reg.events().empty() ? std::string() : reg.events().back().event_hash;
  return o;
}

fs::path default_output_dir(const Workspace& ws) { return ws.dir() / "evidence" / "output"; }

namespace {

Result<WrittenFile> write_output(const fs::path& path, Result<std::string> bytes) {
  if (!bytes) return std::move(bytes).with_context(path.string()).error();
  if (path.has_parent_path())
    if (auto st = create_directories_durable(path.parent_path()); !st) return st.error();
  if (auto st = write_file_atomic(path, bytes.value()); !st) return std::move(st).with_context(path.string()).error();
  return WrittenFile{path, sha256_hex(bytes.value())};
}

// The chronology entry for an output (DESIGN.md "One spine"; same shape as the chronology export entry).
Status record_output(Workspace& ws, const std::string& kind, const std::vector<std::string>& evidence_nos,
                     const std::vector<WrittenFile>& files) {
  std::string listing;
  for (const auto& f : files) listing += "; " + path_in_entry(f.path, ws.dir()) + " sha256:" + f.sha256;
  std::string nos;
  for (const auto& n : evidence_nos) nos += (nos.empty() ? "" : ", ") + n;
  const std::string what = "(" + kind + "): " + (nos.empty() ? "—" : nos) + listing;
  auto e = ws.log().append_system("evidence_output", {"証拠品書類出力 " + what, "evidence output " + what}, evidence_nos);
  if (!e) return e.error();
  return ok_status();
}

Result<EvidenceItem> item_for_output(const EvidenceRegister& reg, const std::string& evidence_no) {
  auto item = reg.find(evidence_no);
  if (!item)
    return make_error(ErrorCode::not_found, fill_in(i18n::tr("evidence.error.not_registered", Lang::ja), {{"no", evidence_no}}),
                      fill_in(i18n::tr("evidence.error.not_registered", Lang::en), {{"no", evidence_no}}));
  return *item;
}

std::string stamp(std::int64_t utc_ns) {
  std::string s = format_rfc3339_jst(utc_ns).substr(0, 19);
  s.erase(std::remove(s.begin(), s.end(), '-'), s.end());
  s.erase(std::remove(s.begin(), s.end(), ':'), s.end());
  return s;
}

}  // namespace

Result<WrittenFile> export_label(Workspace& ws, const std::string& evidence_no, bool japanese, const fs::path& out) {
  auto reg = EvidenceRegister::open(ws);
  if (!reg) return reg.error();
  auto item = item_for_output(reg.value(), evidence_no);
  if (!item) return item.error();
  const fs::path path = out.empty() ? default_output_dir(ws) / (evidence_no + "_label.pdf") : out;
  auto f = write_output(path, render_labels_pdf({item.value()}, output_info(ws, reg.value(), japanese)));
  if (!f) return f;
  if (auto st = record_output(ws, "label", {evidence_no}, {f.value()}); !st) return st.error();
  return f;
}

Result<WrittenFile> export_custody_form(Workspace& ws, const std::string& evidence_no, bool japanese, const fs::path& out) {
  auto reg = EvidenceRegister::open(ws);
  if (!reg) return reg.error();
  auto item = item_for_output(reg.value(), evidence_no);
  if (!item) return item.error();
  const fs::path path = out.empty() ? default_output_dir(ws) / (evidence_no + "_custody_form.pdf") : out;
  auto f = write_output(path, render_custody_form_pdf(item.value(), reg->transfers_of(evidence_no), output_info(ws, reg.value(), japanese)));
  if (!f) return f;
  if (auto st = record_output(ws, "custody-form", {evidence_no}, {f.value()}); !st) return st.error();
  return f;
}

Result<std::vector<WrittenFile>> export_register(Workspace& ws, bool japanese, const fs::path& out_dir) {
  auto reg = EvidenceRegister::open(ws);
  if (!reg) return reg.error();
  const OutputInfo info = output_info(ws, reg.value(), japanese);
  const fs::path dir = out_dir.empty() ? default_output_dir(ws) / ("register_" + stamp(info.created_utc_ns)) : out_dir;
  const auto items = reg->items();
  std::vector<WrittenFile> files;
  auto pdf_file = write_output(dir / "evidence_register.pdf", render_register_pdf(items, reg->transfers(), info));
  if (!pdf_file) return pdf_file.error();
  files.push_back(pdf_file.value());
  auto csv_file = write_output(dir / "evidence_register.csv", register_csv(items, japanese));
  if (!csv_file) return csv_file.error();
  files.push_back(csv_file.value());
  const std::string manifest = image_manifest(items);
  if (!manifest.empty()) {
    auto m = write_output(dir / "evidence_images.sha256", manifest);
    if (!m) return m.error();
    files.push_back(m.value());
  }
  std::vector<std::string> nos;
  for (const auto& i : items) nos.push_back(i.evidence_no);
  if (auto st = record_output(ws, "register", nos, files); !st) return st.error();
  return files;
}

}  // namespace shodo::evidence
