#include "forensics/report/export.hpp"

#include <algorithm>

#include "forensics/core/atomic_file.hpp"
#include "forensics/core/provenance.hpp"
#include "forensics/integrity/digest.hpp"
#include "forensics/report/chronology_csv.hpp"
#include "forensics/report/chronology_pdf.hpp"
#include "forensics/report/timesketch.hpp"

namespace shodo {
namespace fs = std::filesystem;

bool export_kind_from(const std::string& name, ExportKind& out) {
  static const std::pair<const char*, ExportKind> k_names[] = {
      {"pdf", ExportKind::pdf},
      {"open-items", ExportKind::open_items_pdf},
      {"blank-sheets", ExportKind::blank_sheets_pdf},
      {"csv", ExportKind::csv_utf8},
      {"csv-cp932", ExportKind::csv_cp932},
      {"timesketch-csv", ExportKind::timesketch_csv},
      {"timesketch-jsonl", ExportKind::timesketch_jsonl},
      {"full", ExportKind::full_set}};
  for (const auto& [n, k] : k_names)
    if (name == n) {
      out = k;
      return true;
    }
  return false;
}

fs::path default_export_dir(const Workspace& ws) {
  const auto c = ws.log().correction_now();
  const auto now = ws.log().options().clock->now();
  std::string stamp = format_rfc3339_jst(c.corrected_utc_ns.value_or(now.sys_utc_ns)).substr(0, 19);
  stamp.erase(std::remove(stamp.begin(), stamp.end(), '-'), stamp.end());
  stamp.erase(std::remove(stamp.begin(), stamp.end(), ':'), stamp.end());
  return ws.dir() / "exports" / stamp;
}

namespace {

const char* kind_name(ExportKind k) {
  switch (k) {
    case ExportKind::pdf: return "pdf";
    case ExportKind::open_items_pdf: return "open-items";
    case ExportKind::blank_sheets_pdf: return "blank-sheets";
    case ExportKind::csv_utf8: return "csv";
    case ExportKind::csv_cp932: return "csv-cp932";
    case ExportKind::timesketch_csv: return "timesketch-csv";
    case ExportKind::timesketch_jsonl: return "timesketch-jsonl";
    case ExportKind::full_set: return "full";
  }
  return "?";
}

// §3.5.4: the chronologies exactly as stored, the incident, the kit's public identity, the
// provenance, and a manifest.sha256 (sha256sum -c format) over every file of the set.
Status write_full_set(const Workspace& ws, const ChronologyDocument& doc, const fs::path& out,
                      std::vector<fs::path>& written) {
  std::error_code ec;
  const std::vector<fs::path> logs = chronology_files(ws.case_root(), ws.incident().incident_id);
  if (auto st = create_directories_durable(out / "chronology"); !st) return st;
  for (const auto& f : logs) {
    auto bytes = read_file(f);
    if (!bytes) return bytes.error();
    const fs::path dst = out / "chronology" / f.filename();
    if (auto st = write_file_atomic(dst, *bytes); !st) return st;
    written.push_back(dst);
  }
  auto copy = [&](const fs::path& src, const fs::path& dst) -> Status {
    auto bytes = read_file(src);
    if (!bytes) return bytes.error();
    if (auto st = write_file_atomic(dst, *bytes); !st) return st;
    written.push_back(dst);
    return ok_status();
  };
  if (auto st = copy(ws.dir() / "incident.json", out / "incident.json"); !st) return st;
  if (auto st = copy(ws.case_root() / "kit" / "kit.json", out / "kit.json"); !st) return st;
  if (fs::is_directory(ws.dir_attachments(), ec)) {
    for (const auto& f : fs::directory_iterator(ws.dir_attachments(), ec)) {
      if (auto st = create_directories_durable(out / "attachments"); !st) return st;
      if (auto st = copy(f.path(), out / "attachments" / f.path().filename()); !st) return st;
    }
  }
  nlohmann::json heads = nlohmann::json::array();
  for (const auto& h : doc.heads) heads.push_back({{"device_id", h.device_id}, {"count", h.count}, {"last_hash", h.last_hash}});
  nlohmann::json info{{"format", "shodo-export-info"},
                      {"v", 1},
                      {"incident_id", doc.incident.incident_id},
                      {"exported_by", doc.exported_by},
                      {"export_time", format_rfc3339_jst(doc.export_utc_ns)},
                      {"kit_id", doc.kit_id},
                      {"key_fingerprint", doc.key_fingerprint},
                      {"heads", heads},
                      {"provenance", provenance_json()}};
  if (auto st = write_file_atomic(out / "export.json", info.dump(2) + "\n"); !st) return st;
  written.push_back(out / "export.json");
  std::string manifest;
  for (const auto& f : written) {
    auto h = sha256_file_hex(f);
    if (!h) return h.error();
    manifest += h.value() + "  " + fs::relative(f, out).string() + "\n";
  }
  if (auto st = write_file_atomic(out / "manifest.sha256", manifest); !st) return st;
  written.push_back(out / "manifest.sha256");
  return ok_status();
}

}  // namespace

Result<ExportResult> export_chronology(Workspace& ws, ExportKind kind, const fs::path& out_dir,
                                       const ExportOptions& opt) {
  if (auto st = create_directories_durable(out_dir); !st) return st.error();
  // Record the head BEFORE writing: the export covers exactly the entries up to here, and
  // its own "export" entry follows it (with the file hashes).
  auto doc = ws.document(opt.japanese, opt.merged);
  if (!doc) return doc.error();
  const std::string base = ws.incident().incident_id + "_chronology";
  ExportResult res;
  std::vector<fs::path> written;
  Status st = ok_status();
  switch (kind) {
    case ExportKind::pdf:
      written.push_back(out_dir / (base + ".pdf"));
      st = report::write_chronology_pdf(*doc, written.back());
      break;
    case ExportKind::open_items_pdf:
      written.push_back(out_dir / (ws.incident().incident_id + "_open_items.pdf"));
      st = report::write_open_items_pdf(*doc, written.back());
      break;
    case ExportKind::blank_sheets_pdf:
      written.push_back(out_dir / (ws.incident().incident_id + "_blank_sheets.pdf"));
      st = report::write_blank_sheets_pdf(ws.incident(), opt.first_sheet_no, opt.blank_sheets, opt.japanese,
                                          written.back());
      break;
    case ExportKind::csv_utf8:
    case ExportKind::csv_cp932: {
      report::CsvOptions co;
      co.japanese_headers = opt.japanese;
      co.encoding = kind == ExportKind::csv_cp932 ? report::CsvOptions::Encoding::cp932
                                                  : report::CsvOptions::Encoding::utf8_bom;
      written.push_back(out_dir / (base + (kind == ExportKind::csv_cp932 ? "_cp932.csv" : ".csv")));
      auto w = report::write_chronology_csv(*doc, co, written.back());
      if (!w) {
        st = w.error();
        break;
      }
      if (!w->unmappable.empty()) {
        res.warnings_ja.push_back(i18n::tr("export.warning.cp932_replaced", i18n::Lang::ja));
        res.warnings_en.push_back(i18n::tr("export.warning.cp932_replaced", i18n::Lang::en));
      }
      for (const auto& u : w->unmappable) {
        res.warnings_ja.push_back(report::describe_unmappable(u, i18n::Lang::ja));
        res.warnings_en.push_back(report::describe_unmappable(u, i18n::Lang::en));
      }
      break;
    }
    case ExportKind::timesketch_csv:
      written.push_back(out_dir / (base + "_timesketch.csv"));
      st = report::write_timesketch_csv(*doc, written.back());
      break;
    case ExportKind::timesketch_jsonl:
      written.push_back(out_dir / (base + "_timesketch.jsonl"));
      st = report::write_timesketch_jsonl(*doc, written.back());
      break;
    case ExportKind::full_set:
      st = write_full_set(ws, *doc, out_dir, written);
      break;
  }
  if (!st) return st.error();
  std::vector<std::string> refs;
  std::string listing;
  for (const auto& f : written) {
    auto h = sha256_file_hex(f);
    if (!h) return h.error();
    res.files.push_back({f, h.value()});
    // Inside the incident folder a relative path; elsewhere (e.g. a second USB stick) absolute.
    const std::string rel = fs::relative(f, ws.dir()).string();
    listing += "; " + (rel.rfind("..", 0) == 0 ? fs::absolute(f).string() : rel) + " sha256:" + h.value();
  }
  res.heads = doc->heads;
  std::string heads;
  for (const auto& h : doc->heads) heads += " " + h.device_id + "#" + std::to_string(h.count) + ":" + h.last_hash.substr(0, 16);
  auto e = ws.log().append_system(std::string("export"), std::string("出力 / export (") + kind_name(kind) + "), 記録先頭 / head:" +
                                                             heads + listing);
  if (!e) return e.error();
  return res;
}

}  // namespace shodo
