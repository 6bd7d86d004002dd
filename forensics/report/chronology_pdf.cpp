// The chronology PDFs (REQUIREMENTS §3.5.1, CHR-22/23/25).
//
// Sections:
//   1. text helpers      — catalogue access, times, hashes
//   2. row context       — the view over the entries, device labels, void lookup
//   3. cells             — one function per column kind; CHR-22 strike-through decisions
//   4. footer            — export line, page ranges + hash anchors, chain heads
//   5. documents         — columns, header, metadata, durable write (paging: pdf_table_document)
//   6. public API        — chronology sheet, blank sheets, open-items list
#include "forensics/report/chronology_pdf.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "forensics/chronology/view.hpp"
#include "forensics/core/atomic_file.hpp"
#include "forensics/core/clock.hpp"
#include "forensics/i18n/catalogue.hpp"
#include "forensics/core/provenance.hpp"
#include "forensics/report/pdf_canvas.hpp"
#include "forensics/report/pdf_page_frame.hpp"
#include "forensics/report/pdf_table.hpp"
#include "forensics/report/pdf_table_document.hpp"

namespace shodo::report {
namespace {

using chronology::Entry;
using chronology::EntryState;
using chronology::EntryType;
using chronology::ItemStatus;
using chronology::Precision;
using chronology::TimeQuality;
using i18n::Lang;
using pdf::Cell;
using pdf::fill_in;
using pdf::Strike;

std::string tool_label() { return "Shodo " + tool_version_string(); }
constexpr double k_note_scale = 0.88;          // secondary lines inside a cell
constexpr double k_blank_row_pt = 8.5 * pdf::k_pt_per_mm;  // hand-writing needs ≥ 8 mm lines
constexpr int k_max_blank_sheets = 999;
constexpr int k_max_sheet_no = 99999;  // keeps first + count far from int overflow

// ---------------------------------------------------------------------------------------
// 1. text helpers

// Catalogue texts in the document's language.
class Text {
 public:
  explicit Text(Lang lang) : m_lang(lang) {}
  // The key must outlive the call only (tr may return key.data() for an unknown key).
  std::string operator()(std::string_view key) const { return i18n::tr(key, m_lang); }
  // The label of an enum or code value ("channel." + "phone"); a value the catalogue does not
  // know (a newer kit's channel) is printed as stored rather than as a key.
  std::string prefixed(std::string_view prefix, std::string_view name) const {
    const std::string key = std::string(prefix) + std::string(name);
    std::string label = (*this)(key);
    return label == key ? std::string(name) : label;
  }
  Lang lang() const { return m_lang; }

 private:
  Lang m_lang;
};

std::string hash16(const std::string& h) { return h.empty() ? "—" : h.substr(0, 16); }
std::string or_dash(const std::string& s) { return s.empty() ? "—" : s; }

// "YYYY-MM-DD HH:MM:SS" in JST, split.
std::string jst_date(std::int64_t ns) { return format_jst_display(ns).substr(0, 10); }
std::string jst_hms(std::int64_t ns) { return format_jst_display(ns).substr(11, 8); }
std::string jst_hm(std::int64_t ns) { return format_jst_display(ns).substr(11, 5); }

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

std::string seconds_text(std::int64_t ns, bool sign) {
  const double s = static_cast<double>(ns) / static_cast<double>(k_ns_per_s);
  return sign ? fmt::format("{:+.1f} s", s) : fmt::format("{:.1f} s", s);
}

// "時刻基準: …" header line (§3.5.1).
std::string time_basis_line(const TimeStatus& ts, std::int64_t export_ns, const Text& t) {
  if (!ts.confirmed) return t("report.time_basis.uncorrected");
  const std::string when = jst_date(ts.last_check_utc_ns) == jst_date(export_ns)
                               ? jst_hm(ts.last_check_utc_ns)
                               : format_jst_display(ts.last_check_utc_ns).substr(0, 16);
  return fill_in(t("report.time_basis.confirmed"), {{"time", when},
                                                 {"offset", seconds_text(ts.offset_ns, true)},
                                                 {"uncertainty", seconds_text(ts.uncertainty_ns, false)},
                                                 {"who", or_dash(ts.confirmed_by)},
                                                 {"source", or_dash(ts.source)}});
}

// The event time as printed in parentheses, at its precision; empty when it says nothing the
// recorded time does not already say.
std::string event_time_text(const Entry& e, const Text& t) {
  if (!e.event_time) return {};
  const auto& ev = *e.event_time;
  const std::int64_t shown = e.display_utc_ns();
  const std::int64_t unit = ev.precision == Precision::exact ? k_ns_per_s : 60 * k_ns_per_s;
  if (ev.precision != Precision::range && floor_div(ev.utc_ns, unit) == floor_div(shown, unit)) return {};
  const std::string date = jst_date(ev.utc_ns) != jst_date(shown) ? jst_date(ev.utc_ns) + " " : "";
  std::string when;
  switch (ev.precision) {
    case Precision::exact: when = jst_hms(ev.utc_ns); break;
    case Precision::minute: when = jst_hm(ev.utc_ns); break;
    case Precision::approx: when = fill_in(t("report.time.approx"), {{"t", jst_hm(ev.utc_ns)}}); break;
    case Precision::range:
      when = jst_hm(ev.utc_ns) + "–" + (ev.end_utc_ns ? jst_hm(*ev.end_utc_ns) : std::string("?"));
      break;
  }
  return fill_in(t("report.event_time"), {{"t", date + when}});
}

// ---------------------------------------------------------------------------------------
// 2. row context

class RowContext {
 public:
  RowContext(const ChronologyDocument& doc)
      : m_doc(doc), m_view(doc.entries), m_text(doc.japanese ? Lang::ja : Lang::en) {
    for (const Entry& e : doc.entries) {
      if (!m_doc.entries.empty() && e.device_id != m_doc.entries.front().device_id) m_multi_device = true;
      if (e.type == EntryType::void_entry && !e.target_entry_id.empty()) m_void_of[e.target_entry_id] = &e;
      if (e.training) m_any_training = true;
    }
    if (doc.heads.size() > 1) m_multi_device = true;
  }

  const ChronologyDocument& doc() const { return m_doc; }
  const chronology::ChronologyView& view() const { return m_view; }
  const Text& text() const { return m_text; }
  bool multi_device() const { return m_multi_device; }
  bool any_training() const { return m_any_training; }

  // "7", or "KIT-AB12#7" when several devices' entries are merged (seq is per device).
  std::string label(const Entry& e) const {
    return m_multi_device ? e.device_id + "#" + std::to_string(e.seq) : std::to_string(e.seq);
  }
  // The No. of the entry this one modifies; "?" plus the start of the ID when that entry is
  // not in this document (another device's log not loaded).
  std::string target_label(const Entry& e) const {
    const EntryState* target = m_view.find(e.target_entry_id);
    if (target) return label(*target->entry);
    return "? (" + e.target_entry_id.substr(0, 8) + ")";
  }
  const Entry* void_of(const std::string& entry_id) const {
    auto it = m_void_of.find(entry_id);
    return it == m_void_of.end() ? nullptr : it->second;
  }

 private:
  const ChronologyDocument& m_doc;
  chronology::ChronologyView m_view;
  Text m_text;
  bool m_multi_device = false;
  bool m_any_training = false;
  std::unordered_map<std::string, const Entry*> m_void_of;  // target entry_id → newest void
};

// ---------------------------------------------------------------------------------------
// 3. cells

// How each text column of a row is struck through (CHR-22).
struct FieldStrikes {
  Strike category = Strike::none;
  Strike from_to = Strike::none;
  Strike content = Strike::none;
  Strike action = Strike::none;
  Strike assignee = Strike::none;
  Strike status = Strike::none;
};

FieldStrikes field_strikes(const EntryState& st) {
  FieldStrikes f;
  const Entry& e = *st.entry;
  if (st.superseded) {
    // A correction must carry the new content; optional fields it leaves empty stay in force
    // (validate_draft), so only non-empty differing fields count as replaced.
    const Entry& cur = st.current ? *st.current : e;
    bool any = false;
    auto mark = [&](Strike& s, bool changed) {
      if (changed) s = Strike::double_line, any = true;
    };
    mark(f.content, cur.content != e.content);
    mark(f.from_to, (!cur.from.empty() && cur.from != e.from) || (!cur.to.empty() && cur.to != e.to));
    mark(f.action, !cur.action.empty() && cur.action != e.action);
    mark(f.assignee, !cur.assignee.empty() && cur.assignee != e.assignee);
    if (!any) f.content = Strike::double_line;  // the correction must never be invisible on paper
  }
  if (st.voided) {
    for (Strike* s : {&f.category, &f.from_to, &f.content, &f.action, &f.assignee, &f.status})
      if (*s == Strike::none) *s = Strike::single;
  }
  return f;
}

Cell time_cell(const Entry& e, bool show_date, const Text& t) {
  const std::int64_t ns = e.display_utc_ns();
  Cell c;
  if (show_date) c.add(jst_date(ns) + "\n", false, Strike::none, k_note_scale);
  c.add(jst_hms(ns), true);
  if (e.time_quality == TimeQuality::uncorrected || e.time_quality == TimeQuality::estimated)
    c.add(" " + t.prefixed("time_quality.", chronology::to_string(e.time_quality)), true, Strike::none, k_note_scale);
  const std::string ev = event_time_text(e, t);
  if (!ev.empty()) c.add("\n(" + ev + ")", false, Strike::none, k_note_scale);
  if (e.source == chronology::SourceKind::paper)
    c.add("\n" + fill_in(t("report.paper_ref"),
                      {{"sheet", std::to_string(e.paper_sheet)}, {"line", std::to_string(e.paper_line)}}),
          false, Strike::none, k_note_scale);
  return c;
}

Cell category_cell(const Entry& e, Strike strike, const Text& t) {
  Cell c;
  switch (e.type) {
    case EntryType::normal: c.add(t.prefixed("category.", chronology::to_string(e.category)), false, strike); break;
    case EntryType::time_check: c.add(t("report.category.time_check"), false, strike); break;
    default: c.add(t.prefixed("entry_type.", chronology::to_string(e.type)), true, strike); break;
  }
  if (e.priority == "urgent") c.add("\n" + t("priority.urgent"), true, strike);
  return c;
}

Cell from_to_cell(const std::string& from, const std::vector<std::string>& to, const std::string& channel,
                  Strike strike, const Text& t) {
  Cell c;
  const std::string receivers = pdf::join_present(to, t.lang() == Lang::ja ? "、" : ", ");
  if (!from.empty() || !receivers.empty()) c.add(or_dash(from) + " → " + or_dash(receivers), false, strike);
  if (!channel.empty()) c.add("\n(" + t.prefixed("channel.", channel) + ")", false, Strike::none, k_note_scale);
  return c;
}

Cell status_cell(ItemStatus s, Strike strike, const Text& t) {
  Cell c;
  if (s == ItemStatus::none) return c;
  // ● / ◐ are solid shapes: they survive photocopying and fax where grey shading does not.
  if (strike == Strike::none && s == ItemStatus::open) c.add("● ", true);
  if (strike == Strike::none && s == ItemStatus::in_progress) c.add("◐ ", true);
  c.add(t.prefixed("status.", chronology::to_string(s)), s == ItemStatus::open, strike);
  return c;
}

Cell author_cell(const Entry& e, const Text& t) {
  Cell c;
  c.add(e.author);
  if (!e.witness.empty())
    c.add("\n" + fill_in(t("report.witness"), {{"name", e.witness}}), false, Strike::none, k_note_scale);
  if (!e.transcriber.empty())
    c.add("\n" + fill_in(t("report.transcriber"), {{"name", e.transcriber}}), false, Strike::none, k_note_scale);
  return c;
}

// The 内容 cell: what a modifier does, the text, and what later entries did to this one.
Cell content_cell(const RowContext& rc, const EntryState& st, Strike strike) {
  const Entry& e = *st.entry;
  const Text& t = rc.text();
  Cell c;
  auto tag = [&](const std::string& s) { c.add("[" + s + "] ", true); };
  switch (e.type) {
    case EntryType::correction: tag(fill_in(t("report.mod.corrects"), {{"n", rc.target_label(e)}})); break;
    case EntryType::void_entry: tag(fill_in(t("report.mod.voids"), {{"n", rc.target_label(e)}})); break;
    case EntryType::addendum: tag(fill_in(t("report.mod.adds_to"), {{"n", rc.target_label(e)}})); break;
    case EntryType::status_change:
      tag(fill_in(t("report.mod.status_of"),
               {{"n", rc.target_label(e)}, {"status", t.prefixed("status.", chronology::to_string(e.status))}}));
      break;
    case EntryType::time_check:
      if (e.time_check)
        tag(fill_in(t("report.mod.time_check"), {{"source", or_dash(e.time_check->source)},
                                              {"offset", seconds_text(e.time_check->offset_ns, true)},
                                              {"uncertainty", seconds_text(e.time_check->uncertainty_ns, false)}}));
      break;
    case EntryType::checkpoint:
      if (e.checkpoint)
        tag(fill_in(t("report.mod.checkpoint"), {{"n", std::to_string(e.checkpoint->signed_seq)},
                                              {"hash", hash16(e.checkpoint->signed_hash)}}));
      break;
    case EntryType::normal: break;
  }
  c.add(content_for(e, t.lang() == Lang::en), false, strike);
  if (!e.reason.empty())
    c.add("\n" + fill_in(t("report.reason"), {{"reason", e.reason}}), false, Strike::none, k_note_scale);
  if (st.superseded) {
    const std::string by = st.corrections.empty() ? std::to_string(st.superseded_by_seq) : rc.label(*st.corrections.back());
    c.add("\n" + fill_in(t("report.mark.corrected_by"), {{"n", by}}), true);
  }
  if (st.voided) {
    const Entry* v = rc.void_of(e.entry_id);
    const std::string by = v ? rc.label(*v) : std::to_string(st.voided_by_seq);
    c.add("\n" + fill_in(t("report.mark.voided"), {{"n", by}, {"reason", or_dash(st.void_reason)}}), true);
  }
  if (!st.addenda.empty()) {
    std::vector<std::string> nos;
    for (const Entry* a : st.addenda) nos.push_back(rc.label(*a));
    c.add("\n" + fill_in(t("report.mark.addenda"), {{"n", pdf::join_present(nos, ", ")}}), false, Strike::none, k_note_scale);
  }
  return c;
}

std::vector<Cell> chronology_row(const RowContext& rc, std::size_t i, bool first_on_page) {
  const auto& states = rc.view().states();
  const EntryState& st = states[i];
  const Entry& e = *st.entry;
  const Text& t = rc.text();
  const bool show_date =
      first_on_page || i == 0 || jst_date(states[i - 1].entry->display_utc_ns()) != jst_date(e.display_utc_ns());
  const FieldStrikes fs = field_strikes(st);
  std::vector<Cell> row;
  row.reserve(9);
  row.emplace_back(rc.label(e));
  row.push_back(time_cell(e, show_date, t));
  row.push_back(category_cell(e, fs.category, t));
  row.push_back(from_to_cell(e.from, e.to, e.channel, fs.from_to, t));
  row.push_back(content_cell(rc, st, fs.content));
  row.push_back(Cell().add(e.action, false, fs.action));
  row.push_back(Cell().add(e.assignee, false, fs.assignee));
  // A status change row shows the status it sets; every other row its item's current status.
  row.push_back(status_cell(e.type == EntryType::status_change ? e.status : st.current_status, fs.status, t));
  row.push_back(author_cell(e, t));
  return row;
}

std::string age_text(std::int64_t from_ns, std::int64_t to_ns, const Text& t) {
  if (to_ns < from_ns) return "—";
  const std::int64_t minutes = (to_ns - from_ns) / (60 * k_ns_per_s);
  const std::int64_t d = minutes / (24 * 60), h = (minutes / 60) % 24, m = minutes % 60;
  if (d > 0) return fill_in(t("report.age.dh"), {{"d", std::to_string(d)}, {"h", std::to_string(h)}});
  if (h > 0) return fill_in(t("report.age.hm"), {{"h", std::to_string(h)}, {"m", fmt::format("{:02}", m)}});
  return fill_in(t("report.age.m"), {{"m", std::to_string(m)}});
}

// One open item with the fields currently in force (a correction's empty optional fields
// leave the original's in force).
std::vector<Cell> open_item_row(const RowContext& rc, const std::vector<const EntryState*>& items, std::size_t i,
                                bool first_on_page) {
  const EntryState& st = *items[i];
  const Entry& e = *st.entry;
  const Entry& cur = st.current ? *st.current : e;
  const Text& t = rc.text();
  auto pick = [](const std::string& now, const std::string& was) -> const std::string& {
    return now.empty() ? was : now;
  };
  const bool show_date = first_on_page || i == 0 ||
                         jst_date(items[i - 1]->entry->display_utc_ns()) != jst_date(e.display_utc_ns());
  Cell content;
  content.add(pick(cur.content, e.content));
  if (st.superseded) {
    const std::string by = st.corrections.empty() ? std::to_string(st.superseded_by_seq) : rc.label(*st.corrections.back());
    content.add("\n" + fill_in(t("report.mark.as_corrected"), {{"n", by}}), false, Strike::none, k_note_scale);
  }
  if (!st.addenda.empty()) {
    std::vector<std::string> nos;
    for (const Entry* a : st.addenda) nos.push_back(rc.label(*a));
    content.add("\n" + fill_in(t("report.mark.addenda"), {{"n", pdf::join_present(nos, ", ")}}), false, Strike::none, k_note_scale);
  }
  std::vector<Cell> row;
  row.reserve(9);
  row.emplace_back(rc.label(e));
  row.push_back(time_cell(e, show_date, t));
  row.push_back(category_cell(e, Strike::none, t));
  row.push_back(from_to_cell(pick(cur.from, e.from), cur.to.empty() ? e.to : cur.to, e.channel, Strike::none, t));
  row.push_back(std::move(content));
  row.push_back(Cell().add(pick(cur.action, e.action)));
  row.push_back(Cell().add(pick(cur.assignee, e.assignee)));
  row.push_back(status_cell(st.current_status, Strike::none, t));
  row.emplace_back(age_text(e.display_utc_ns(), rc.doc().export_utc_ns, t));
  return row;
}

// ---------------------------------------------------------------------------------------
// 4. footer

// Export line, this page's sequence range(s) with the hash anchor (CHR-23: first 16 hex
// digits of the entry_hash of the last entry on the page, per device when merged), and the
// chain heads of the whole record.
pdf::FooterSpec footer_for(const RowContext& rc, const std::vector<const Entry*>& on_page) {
  const ChronologyDocument& doc = rc.doc();
  const Text& t = rc.text();
  pdf::FooterSpec f;
  f.lines.push_back(fill_in(t("report.footer.export"), {{"time", format_jst_display(doc.export_utc_ns)},
                                                     {"who", or_dash(doc.exported_by)},
                                                     {"kit", or_dash(doc.kit_id)},
                                                     {"fingerprint", or_dash(doc.key_fingerprint)},
                                                     {"tool", tool_label()}}));
  struct Range {
    std::string device;
    std::int64_t first = 0, last = 0;
    const Entry* last_entry = nullptr;
  };
  std::vector<Range> ranges;  // devices in order of first appearance on the page
  for (const Entry* e : on_page) {
    auto it = std::find_if(ranges.begin(), ranges.end(), [&](const Range& r) { return r.device == e->device_id; });
    if (it == ranges.end()) {
      ranges.push_back({e->device_id, e->seq, e->seq, e});
    } else {
      it->first = std::min(it->first, e->seq);
      it->last = std::max(it->last, e->seq);
      it->last_entry = e;
    }
  }
  std::vector<std::string> parts;
  for (const Range& r : ranges) {
    const std::string key = rc.multi_device() ? "report.footer.range_device" : "report.footer.range";
    parts.push_back(fill_in(t(key), {{"device", r.device},
                                  {"first", std::to_string(r.first)},
                                  {"last", std::to_string(r.last)},
                                  {"hash", hash16(r.last_entry->entry_hash)}}));
  }
  f.lines.push_back(fill_in(t("report.footer.page"), {{"ranges", parts.empty() ? "—" : pdf::join_present(parts, "; ")}}));
  std::vector<std::string> heads;
  for (const ChainHead& h : doc.heads)
    heads.push_back(fill_in(t("report.footer.head"),
                         {{"device", h.device_id}, {"count", std::to_string(h.count)}, {"hash", hash16(h.last_hash)}}));
  f.lines.push_back(fill_in(t("report.footer.heads"), {{"heads", heads.empty() ? "—" : pdf::join_present(heads, "; ")}}));
  return f;
}

// ---------------------------------------------------------------------------------------
// 5. documents

enum class ColumnSet { chronology, open_items, blank };

std::vector<pdf::Column> columns_for(ColumnSet set, bool multi_device, double total_width, const Text& t) {
  // Widths in points; 内容 takes what is left. A merged No. ("KIT-3F9A21C0#123") needs room,
  // and English labels ("Information", "Uncorrected") are wider than their kanji.
  const bool en = t.lang() == Lang::en;
  std::vector<pdf::Column> cols = {
      {t("report.col.no"), multi_device ? 66.0 : 34.0, pdf::Align::left},
      {set == ColumnSet::blank ? t("report.col.time_blank") : t("report.col.time"),
       set == ColumnSet::blank || en ? 72.0 : 68.0, pdf::Align::left},
      {t("report.col.category"), en ? 58.0 : 42.0, pdf::Align::left},
      {t("report.col.from_to"), 104.0, pdf::Align::left},
      {t("report.col.content"), 0.0, pdf::Align::left},
      {t("report.col.action"), 116.0, pdf::Align::left},
      {t("report.col.assignee"), 56.0, pdf::Align::left},
      {t("report.col.status"), 44.0, pdf::Align::left},
      {set == ColumnSet::open_items ? t("report.col.age") : t("report.col.author"), 56.0, pdf::Align::left},
  };
  if (set == ColumnSet::blank) cols[0].align = pdf::Align::center;
  double used = 0.0;
  for (const auto& c : cols) used += c.width_pt;
  cols[4].width_pt = total_width - used;
  return cols;
}

pdf::HeaderSpec header_for(const IncidentInfo& inc, const std::string& doc_title, std::string info_line,
                           const Text& t, bool training_entries = false) {
  pdf::HeaderSpec h;
  h.incident_line = inc.incident_id + "　" + inc.title;
  h.sub_line = pdf::join_present({inc.facility, doc_title, t("report.language")}, "　・　");
  h.info_line = std::move(info_line);
  // An entry written in training mode marks the whole document, even if the incident record
  // says otherwise: a drill must never pass for the real thing on paper.
  h.training = inc.training || training_entries;
  h.lang = t.lang();
  return h;
}

Cell overflow_note(const RowContext& rc, const Entry& e) {
  return Cell(fill_in(rc.text()("report.overflow"), {{"n", rc.label(e)}}), true);
}

Status write_pdf(Result<std::string> bytes, const std::filesystem::path& out) {
  if (!bytes) return Status(bytes.error()).with_context("PDF " + out.string());
  return write_file_atomic(out, *bytes).with_context("PDF " + out.string());
}

pdf::PdfMetadata metadata(const std::string& title, std::int64_t created_ns) {
  pdf::PdfMetadata m;
  m.title = title;
  m.creator = tool_label();
  // A fixed creation date (the export time) keeps two exports of the same record comparable.
  if (created_ns != 0) m.create_date = format_rfc3339_jst(created_ns);
  return m;
}

std::vector<const Entry*> entries_of(const std::vector<const EntryState*>& states, pdf::PageSlice s) {
  std::vector<const Entry*> out;
  for (std::size_t i = s.begin; i < s.end; ++i) out.push_back(states[i]->entry);
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// 6. public API

Status write_chronology_pdf(const ChronologyDocument& doc, const std::filesystem::path& out) {
  const RowContext rc(doc);
  const Text& t = rc.text();
  std::vector<const EntryState*> all;
  all.reserve(rc.view().states().size());
  for (const EntryState& s : rc.view().states()) all.push_back(&s);

  pdf::TableDocument d;
  d.header = header_for(doc.incident, t("report.title.chronology"), time_basis_line(doc.time, doc.export_utc_ns, t), t,
                        rc.any_training());
  d.columns = [&](double width) { return columns_for(ColumnSet::chronology, rc.multi_device(), width, t); };
  d.row_count = all.size();
  d.row = [&](std::size_t i, bool first) { return chronology_row(rc, i, first); };
  d.footer = [&](pdf::PageSlice s) { return footer_for(rc, entries_of(all, s)); };
  d.overflow_note = [&](std::size_t i) { return overflow_note(rc, *all[i]->entry); };
  d.empty_note = t("report.empty.chronology");
  d.meta = metadata(t("report.title.chronology") + " " + doc.incident.incident_id, doc.export_utc_ns);
  return write_pdf(pdf::render_table_document(d), out);
}

Status write_open_items_pdf(const ChronologyDocument& doc, const std::filesystem::path& out) {
  const RowContext rc(doc);
  const Text& t = rc.text();
  const std::vector<const EntryState*> items = rc.view().open_items();
  const auto open_count = std::count_if(items.begin(), items.end(),
                                        [](const EntryState* s) { return s->current_status == ItemStatus::open; });
  const std::string title =
      t("report.title.open_items") + "　" +
      fill_in(t("report.open.summary"), {{"open", std::to_string(open_count)},
                                      {"progress", std::to_string(static_cast<std::ptrdiff_t>(items.size()) - open_count)}});

  pdf::TableDocument d;
  d.header = header_for(doc.incident, title, time_basis_line(doc.time, doc.export_utc_ns, t), t, rc.any_training());
  d.columns = [&](double width) { return columns_for(ColumnSet::open_items, rc.multi_device(), width, t); };
  d.row_count = items.size();
  d.row = [&](std::size_t i, bool first) { return open_item_row(rc, items, i, first); };
  d.footer = [&](pdf::PageSlice s) { return footer_for(rc, entries_of(items, s)); };
  d.overflow_note = [&](std::size_t i) { return overflow_note(rc, *items[i]->entry); };
  d.empty_note = t("report.empty.open_items");
  d.meta = metadata(t("report.title.open_items") + " " + doc.incident.incident_id, doc.export_utc_ns);
  return write_pdf(pdf::render_table_document(d), out);
}

Status write_blank_sheets_pdf(const IncidentInfo& incident, int first_sheet_no, int sheet_count, bool japanese,
                              const std::filesystem::path& out) {
  const Text t(japanese ? Lang::ja : Lang::en);
  if (first_sheet_no < 1 || first_sheet_no > k_max_sheet_no || sheet_count < 1 || sheet_count > k_max_blank_sheets)
    return make_error(ErrorCode::invalid_input, i18n::tr("report.error.sheet_range", Lang::ja),
                      i18n::tr("report.error.sheet_range", Lang::en));

  pdf::PdfCanvas canvas(pdf::k_a4_long_pt, pdf::k_a4_short_pt,
                        metadata(t("report.title.blank") + " " + incident.incident_id, 0));
  pdf::HeaderSpec header = header_for(incident, t("report.title.blank"), t("report.blank.hint"), t);
  header.sheet_label = fill_in(t("report.blank.sheet"), {{"n", std::to_string(first_sheet_no + sheet_count - 1)}});
  pdf::FooterSpec footer;
  footer.lines = {t("report.blank.transcription"), t("report.blank.keep_original")};
  // Geometry from the highest sheet number (the widest label); every sheet's frame matches it.
  pdf::PageFrame frame(canvas, header, footer);
  pdf::Table table(canvas, columns_for(ColumnSet::blank, false, frame.content_width(), t), pdf::TableStyle{},
                   frame.content_left());
  const double heading_h = table.heading_height();
  const int lines = std::max(1, static_cast<int>(std::floor((frame.body_bottom() - frame.body_top() - heading_h) /
                                                            k_blank_row_pt)));
  const Cell no_overflow;
  for (int s = 0; s < sheet_count; ++s) {
    if (s > 0) canvas.next_page();
    // Each page is one sheet: its own number in the header, line numbers restarting at 1, so
    // that "sheet/line" identifies a handwritten entry for transcription (CHR-25).
    pdf::HeaderSpec h = header;
    h.sheet_label = fill_in(t("report.blank.sheet"), {{"n", std::to_string(first_sheet_no + s)}});
    pdf::PageFrame page_frame(canvas, h, footer);
    page_frame.draw(s + 1, sheet_count, footer);
    const double top = frame.body_top();
    double y = top + table.draw_heading(top);
    for (int l = 1; l <= lines; ++l) {
      std::vector<Cell> row(table.column_count());
      row[0] = Cell(std::to_string(l));
      table.draw_row(row, y, k_blank_row_pt, no_overflow);
      y += k_blank_row_pt;
    }
    table.draw_frame(top, y);
  }
  return write_pdf(canvas.finish(), out);
}

}  // namespace shodo::report
