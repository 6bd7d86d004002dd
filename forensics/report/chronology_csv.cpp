#include "forensics/report/chronology_csv.hpp"

#include <array>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

#include "forensics/core/atomic_file.hpp"
#include "forensics/chronology/view.hpp"
#include "forensics/core/clock.hpp"
#include "forensics/report/csv_writer.hpp"

namespace shodo::report {
namespace {

using chronology::Entry;

// Header keys in column order (§3.5.2). The row builder below fills the same order.
constexpr std::array<const char*, 19> k_column_keys = {
    "export.csv.col.no",          "export.csv.col.record_state", "export.csv.col.recorded",
    "export.csv.col.time_quality", "export.csv.col.event_time",  "export.csv.col.category",
    "export.csv.col.from",        "export.csv.col.to",           "export.csv.col.content",
    "export.csv.col.action",      "export.csv.col.assignee",     "export.csv.col.status",
    "export.csv.col.corrects_no", "export.csv.col.reason",       "export.csv.col.entry_type",
    "export.csv.col.author",      "export.csv.col.source",       "export.csv.col.entry_id",
    "export.csv.col.entry_hash",
};

constexpr std::string_view k_utf8_bom = "\xEF\xBB\xBF";

// Catalogue label for "<prefix>.<json name>", e.g. "category.report" → 報告.
std::string label(std::string_view prefix, std::string_view name, i18n::Lang lang) {
  const std::string key = std::string(prefix) + "." + std::string(name);
  return i18n::tr(key, lang);
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i != 0) out += sep;
    out += items[i];
  }
  return out;
}

// 事象時刻 with its precision: exact "2026-11-24 07:30:15", minute "2026-11-24 07:30",
// approx "2026-11-24 07:30 頃", ranges "start 〜 end".
std::string format_event_time(const chronology::EventTime& et, i18n::Lang lang) {
  using chronology::Precision;
  auto one = [&](std::int64_t ns) {
    std::string t = format_jst_display(ns);
    if (et.precision == Precision::minute || et.precision == Precision::approx) t.resize(16);  // drop ":SS"
    return t;
  };
  std::string out = one(et.utc_ns);
  if (et.end_utc_ns) out += i18n::tr("export.range_separator", lang) + one(*et.end_utc_ns);
  if (et.precision == Precision::approx) out += " " + label("precision", "approx", lang);
  return out;
}

std::string format_source(const Entry& e) {
  if (e.source == chronology::SourceKind::paper)
    return "paper " + std::to_string(e.paper_sheet) + "-" + std::to_string(e.paper_line);
  return std::string(chronology::to_string(e.source));
}

// 記録の状態: what later entries did to this one, e.g. "取消（No. 9）、追記あり（No. 7、8）".
std::string record_state(const chronology::EntryState& st, i18n::Lang lang) {
  const std::string sep = i18n::tr("export.list_separator", lang);
  auto one = [&](const char* key, const std::string& nos) {
    return fmt::format(fmt::runtime(i18n::tr(key, lang)), nos);
  };
  auto seqs = [&](const std::vector<const Entry*>& list) {
    std::vector<std::string> nos;
    for (const Entry* e : list) nos.push_back(std::to_string(e->seq));
    return join(nos, sep);
  };
  std::vector<std::string> parts;
  if (st.voided) parts.push_back(one("export.csv.state.voided", std::to_string(st.voided_by_seq)));
  if (st.superseded) parts.push_back(one("export.csv.state.corrected", std::to_string(st.superseded_by_seq)));
  if (st.replaced_by_seq != 0) parts.push_back(one("export.csv.state.replaced", std::to_string(st.replaced_by_seq)));
  if (!st.addenda.empty()) parts.push_back(one("export.csv.state.addenda", seqs(st.addenda)));
  return join(parts, sep);
}

// 理由: the row's own reason; for a voided or corrected row, why it was voided or corrected.
std::string row_reason(const chronology::EntryState& st) {
  if (!st.entry->reason.empty()) return st.entry->reason;
  if (st.voided) return st.void_reason;
  if (st.superseded && !st.corrections.empty()) return st.corrections.back()->reason;
  return {};
}

}  // namespace

std::vector<std::vector<std::string>> chronology_csv_table(const ChronologyDocument& doc, i18n::Lang lang) {
  std::vector<std::vector<std::string>> table;
  table.reserve(doc.entries.size() + 1);
  std::vector<std::string> header;
  for (const char* key : k_column_keys) header.emplace_back(i18n::tr(key, lang));
  table.push_back(std::move(header));

  std::unordered_map<std::string_view, std::int64_t> seq_of;
  for (const Entry& e : doc.entries) seq_of.emplace(e.entry_id, e.seq);
  const std::string list_sep = i18n::tr("export.list_separator", lang);

  const chronology::ChronologyView view(doc.entries);
  for (std::size_t i = 0; i < doc.entries.size(); ++i) {
    const Entry& e = doc.entries[i];
    const chronology::EntryState& st = view.states()[i];
    std::string corrects;
    if (!e.target_entry_id.empty()) {
      // The target's No. when it is in this export; otherwise its entry_id, so the link is
      // never lost (e.g. a merged export that leaves out another device's log).
      auto it = seq_of.find(e.target_entry_id);
      corrects = it != seq_of.end() ? std::to_string(it->second) : e.target_entry_id;
    }
    table.push_back({
        std::to_string(e.seq),
        record_state(st, lang),
        format_jst_display(e.display_utc_ns()),
        label("time_quality", chronology::to_string(e.time_quality), lang),
        e.event_time ? format_event_time(*e.event_time, lang) : std::string(),
        label("category", chronology::to_string(e.category), lang),
        e.from,
        join(e.to, list_sep),
        content_for(e, lang == i18n::Lang::en),
        e.action,
        e.assignee,
        e.status == chronology::ItemStatus::none ? std::string()
                                                 : label("status", chronology::to_string(e.status), lang),
        corrects,
        row_reason(st),
        label("entry_type", chronology::to_string(e.type), lang),
        e.author,
        format_source(e),
        e.entry_id,
        e.entry_hash,
    });
  }
  return table;
}

Result<ExportWarnings> write_chronology_csv(const ChronologyDocument& doc, const CsvOptions& options,
                                            const std::filesystem::path& out) {
  const i18n::Lang lang = options.japanese_headers ? i18n::Lang::ja : i18n::Lang::en;
  const auto table = chronology_csv_table(doc, lang);
  CsvWriter writer(options.neutralise_formulas);
  ExportWarnings warnings;

  if (options.encoding == CsvOptions::Encoding::utf8_bom) {
    writer.add_raw(k_utf8_bom);
    for (const auto& record : table) writer.add_record(record);
  } else {
    auto encoder = Cp932Encoder::open();
    if (!encoder) return encoder.error();
    const auto& header = table.front();
    for (std::size_t r = 0; r < table.size(); ++r) {
      std::vector<std::string> encoded;
      encoded.reserve(table[r].size());
      for (std::size_t c = 0; c < table[r].size(); ++c)
        encoded.push_back(encoder->encode(table[r][c], static_cast<int>(r), header[c], warnings.unmappable));
      writer.add_record(encoded);
    }
  }

  auto st = write_file_atomic(out, writer.bytes());
  if (!st) return st.error();
  return warnings;
}

std::string describe_unmappable(const Unmappable& u, i18n::Lang lang) {
  const std::string shown = u.character.empty() ? std::string("?") : u.character;
  return fmt::format(fmt::runtime(i18n::tr("export.warning.cp932_item", lang)), u.row, u.column, shown,
                     u.codepoint);
}

}  // namespace shodo::report
