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

fs::path default_export_dir(const fs::path& incident_dir, std::int64_t utc_ns) {
  std::string stamp = format_rfc3339_jst(utc_ns).substr(0, 19);
  stamp.erase(std::remove(stamp.begin(), stamp.end(), '-'), stamp.end());
  stamp.erase(std::remove(stamp.begin(), stamp.end(), ':'), stamp.end());
  return incident_dir / "exports" / stamp;
}

fs::path default_export_dir(const Workspace& ws) {
  const auto c = ws.log().correction_now();
  const auto now = ws.log().options().clock->now();
  return default_export_dir(ws.dir(), c.corrected_utc_ns.value_or(now.sys_utc_ns));
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

// Pause and cancel between files; a cancelled export leaves nothing behind.
Status between_files(const CancelToken& cancel) {
  if (cancel.wait_while_paused()) return ok_status();
  return make_error(ErrorCode::invalid_input, "出力を取り消しました", "the export was cancelled");
}

report::CsvOptions csv_options(const ExportOptions& opt, bool cp932) {
  report::CsvOptions co;
  co.japanese_headers = opt.japanese;
  co.encoding = cp932 ? report::CsvOptions::Encoding::cp932 : report::CsvOptions::Encoding::utf8_bom;
  co.neutralise_formulas = !opt.csv_raw;
  return co;
}

// §3.5.4, the complete hand-over set: the chronologies exactly as stored (up to the length they
// had when the plan was made), the incident, the kit's public identity, the attachments, the
// readable reports of all kits' entries (PDF, hospital CSV, Timesketch JSONL and CSV), the
// provenance, and a manifest.sha256 (sha256sum -c format) over every file of the set.
Status write_full_set(const ExportPlan& plan, std::vector<fs::path>& written, Progress& progress,
                      const CancelToken& cancel) {
  const fs::path& out = plan.out_dir;
  const ChronologyDocument& doc = plan.doc;
  progress.total.store(plan.logs.size() + 2 + plan.attachments.size() + 4 + 2);
  auto wrote = [&](const fs::path& f) {
    written.push_back(f);
    progress.done.fetch_add(1);
  };
  if (auto st = create_directories_durable(out / "chronology"); !st) return st;
  for (const auto& [f, length] : plan.logs) {
    if (auto st = between_files(cancel); !st) return st;
    auto bytes = read_file(f);
    if (!bytes) return bytes.error();
    // Lines appended after the plan was made are not part of this export.
    if (bytes->size() > length) bytes->resize(length);
    const fs::path dst = out / "chronology" / f.filename();
    if (auto st = write_file_atomic(dst, *bytes); !st) return st;
    wrote(dst);
  }
  if (auto st = write_file_atomic(out / "incident.json", plan.incident_json); !st) return st;
  wrote(out / "incident.json");
  if (auto st = write_file_atomic(out / "kit.json", plan.kit_json); !st) return st;
  wrote(out / "kit.json");
  for (const auto& f : plan.attachments) {
    if (auto st = between_files(cancel); !st) return st;
    if (auto st = create_directories_durable(out / "attachments"); !st) return st;
    auto bytes = read_file(f);
    if (!bytes) return bytes.error();
    if (auto st = write_file_atomic(out / "attachments" / f.filename(), *bytes); !st) return st;
    wrote(out / "attachments" / f.filename());
  }
  const std::string base = plan.incident.incident_id + "_chronology";
  const auto report_file = [&](const std::string& name, auto&& write) -> Status {
    if (auto st = between_files(cancel); !st) return st;
    if (auto st = write(out / name); !st) return st;
    wrote(out / name);
    return ok_status();
  };
  if (auto st = report_file(base + ".pdf", [&](const fs::path& f) { return report::write_chronology_pdf(doc, f); }); !st)
    return st;
  if (auto st = report_file(base + ".csv", [&](const fs::path& f) -> Status {
        auto w = report::write_chronology_csv(doc, csv_options(plan.opt, false), f);
        return w ? ok_status() : Status(w.error());
      });
      !st)
    return st;
  if (auto st = report_file(base + "_timesketch.jsonl",
                            [&](const fs::path& f) { return report::write_timesketch_jsonl(doc, f); });
      !st)
    return st;
  if (auto st = report_file(base + "_timesketch.csv",
                            [&](const fs::path& f) { return report::write_timesketch_csv(doc, f); });
      !st)
    return st;
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
  wrote(out / "export.json");
  std::string manifest;
  for (const auto& f : written) {
    auto h = sha256_file_hex(f);
    if (!h) return h.error();
    manifest += h.value() + "  " + fs::relative(f, out).string() + "\n";
  }
  if (auto st = write_file_atomic(out / "manifest.sha256", manifest); !st) return st;
  wrote(out / "manifest.sha256");
  return ok_status();
}

}  // namespace

const char* export_phase_name(ExportPhase p) {
  switch (p) {
    case ExportPhase::writing: return "writing";
    case ExportPhase::hashing: return "hashing";
    case ExportPhase::preparing: break;
  }
  return "preparing";
}

const char* export_phase_key(ExportPhase p) {
  switch (p) {
    case ExportPhase::writing: return "export.phase.writing";
    case ExportPhase::hashing: return "export.phase.hashing";
    case ExportPhase::preparing: break;
  }
  return "export.phase.preparing";
}

JobType export_job_type() {
  JobType t;
  t.name = "export";
  t.phase_name = [](int p) { return export_phase_name(p >= 0 && p <= 2 ? static_cast<ExportPhase>(p) : ExportPhase::preparing); };
  t.phase_key = [](int p) { return export_phase_key(p >= 0 && p <= 2 ? static_cast<ExportPhase>(p) : ExportPhase::preparing); };
  t.crashed_ja = i18n::tr("export.job.crashed", i18n::Lang::ja);
  t.crashed_en = i18n::tr("export.job.crashed", i18n::Lang::en);
  return t;
}

namespace {

// The full set's files as they are now: every chronology file with its length (the logs only
// grow, so lines appended later are left out), incident.json, kit.json, the attachments.
Status add_full_set_files(const fs::path& case_root, ExportPlan& plan) {
  std::error_code ec;
  for (const auto& f : chronology_files(case_root, plan.incident.incident_id)) {
    const auto size = fs::file_size(f, ec);
    if (ec)
      return make_errno_error(ErrorCode::io_error, ec.value(), "記録ファイルの大きさを読めません: " + f.string(),
                              "cannot read the size of " + f.string());
    plan.logs.emplace_back(f, static_cast<std::uint64_t>(size));
  }
  auto inc = read_file(plan.incident_dir / "incident.json");
  if (!inc) return inc.error();
  plan.incident_json = std::move(inc.value());
  auto kit = read_file(case_root / "kit" / "kit.json");
  if (!kit) return kit.error();
  plan.kit_json = std::move(kit.value());
  if (fs::is_directory(plan.incident_dir / "attachments", ec))
    for (const auto& f : fs::directory_iterator(plan.incident_dir / "attachments", ec)) plan.attachments.push_back(f.path());
  return ok_status();
}

}  // namespace

Result<ExportPlan> prepare_export(const Workspace& ws, ExportKind kind, const fs::path& out_dir, const ExportOptions& opt) {
  ExportPlan plan;
  plan.kind = kind;
  plan.out_dir = out_dir;
  plan.opt = opt;
  plan.incident = ws.incident();
  plan.incident_dir = ws.dir();
  // The head BEFORE writing: the export covers exactly the entries up to here, and its own
  // "export" entry follows it (with the file hashes).
  // The full set holds every kit's log, so its reports cover every kit's entries too.
  auto doc = ws.document(opt.japanese, opt.merged || kind == ExportKind::full_set);
  if (!doc) return doc.error();
  plan.doc = std::move(doc.value());
  if (kind == ExportKind::full_set)
    if (auto st = add_full_set_files(ws.case_root(), plan); !st) return st.error();
  return plan;
}

Result<ExportPlan> prepare_export(const fs::path& case_root, const ReadOnlyDocument& ro, ExportKind kind,
                                  const fs::path& out_dir, const ExportOptions& opt) {
  ExportPlan plan;
  plan.kind = kind;
  plan.out_dir = out_dir;
  plan.opt = opt;
  plan.incident = ro.doc.incident;
  plan.incident_dir = incident_dir(case_root, ro.doc.incident.incident_id);
  plan.doc = ro.doc;
  plan.doc.japanese = opt.japanese;
  plan.recorded = false;
  if (kind == ExportKind::full_set)
    if (auto st = add_full_set_files(case_root, plan); !st) return st.error();
  return plan;
}

Result<ExportResult> write_export(const ExportPlan& plan, Progress& progress, const CancelToken& cancel) {
  const fs::path& out_dir = plan.out_dir;
  const ExportOptions& opt = plan.opt;
  const ChronologyDocument& doc = plan.doc;
  const ExportKind kind = plan.kind;
  progress.started_ns.store(steady_now_ns());
  progress.phase.store(static_cast<int>(ExportPhase::writing));
  progress.total.store(1);
  if (auto st = create_directories_durable(out_dir); !st) return st.error();
  const std::string base = plan.incident.incident_id + "_chronology";
  ExportResult res;
  std::vector<fs::path> written;
  Status st = ok_status();
  switch (kind) {
    case ExportKind::pdf:
      written.push_back(out_dir / (base + ".pdf"));
      st = report::write_chronology_pdf(doc, written.back());
      break;
    case ExportKind::open_items_pdf:
      written.push_back(out_dir / (plan.incident.incident_id + "_open_items.pdf"));
      st = report::write_open_items_pdf(doc, written.back());
      break;
    case ExportKind::blank_sheets_pdf:
      written.push_back(out_dir / (plan.incident.incident_id + "_blank_sheets.pdf"));
      st = report::write_blank_sheets_pdf(plan.incident, opt.first_sheet_no, opt.blank_sheets, opt.japanese,
                                          written.back());
      break;
    case ExportKind::csv_utf8:
    case ExportKind::csv_cp932: {
      const report::CsvOptions co = csv_options(opt, kind == ExportKind::csv_cp932);
      written.push_back(out_dir / (base + (kind == ExportKind::csv_cp932 ? "_cp932.csv" : ".csv")));
      auto w = report::write_chronology_csv(doc, co, written.back());
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
      st = report::write_timesketch_csv(doc, written.back());
      break;
    case ExportKind::timesketch_jsonl:
      written.push_back(out_dir / (base + "_timesketch.jsonl"));
      st = report::write_timesketch_jsonl(doc, written.back());
      break;
    case ExportKind::full_set:
      st = write_full_set(plan, written, progress, cancel);
      break;
  }
  if (kind != ExportKind::full_set && st) progress.done.store(1);
  if (st) st = between_files(cancel);
  if (!st) {
    // Nothing half-done stays behind: a failed or cancelled export is not an export.
    std::error_code ec;
    for (const auto& f : written) fs::remove(f, ec);
    return st.error();
  }
  progress.phase.store(static_cast<int>(ExportPhase::hashing));
  progress.started_ns.store(steady_now_ns());
  progress.done.store(0);
  progress.total.store(written.size());
  for (const auto& f : written) {
    auto h = sha256_file_hex(f);
    if (!h) return h.error();
    res.files.push_back({f, h.value()});
    progress.done.fetch_add(1);
  }
  res.heads = doc.heads;
  return res;
}

std::string paper_anchor(const std::vector<ChainHead>& heads, bool japanese) {
  std::string out;
  for (const auto& h : heads) {
    if (!out.empty()) out += "  ·  ";
    if (heads.size() > 1) out += h.device_id + ": ";
    out += std::to_string(h.count) + (japanese ? " 件 / " : " entries / ") + h.last_hash.substr(0, 16);
  }
  return out;
}

std::string path_in_entry(const fs::path& file, const fs::path& incident_dir) {
  const std::string rel = fs::relative(file, incident_dir).string();
  return rel.empty() || rel.rfind("..", 0) == 0 ? fs::absolute(file).lexically_normal().string() : rel;
}

Status record_export(Workspace& ws, const ExportPlan& plan, const ExportResult& res) {
  std::string listing;
  for (const auto& f : res.files) {
    listing += "; " + path_in_entry(f.path, plan.incident_dir) + " sha256:" + f.sha256;
  }
  std::string heads;
  for (const auto& h : plan.doc.heads) heads += " " + h.device_id + "#" + std::to_string(h.count) + ":" + h.last_hash.substr(0, 16);
  const std::string kind = std::string("(") + kind_name(plan.kind) + "), ";
  auto e = ws.log().append_system("export", {"出力 " + kind + "記録先頭:" + heads + listing, "export " + kind + "head:" + heads + listing});
  if (!e) return e.error();
  return ok_status();
}

Result<ExportResult> export_chronology(Workspace& ws, ExportKind kind, const fs::path& out_dir, const ExportOptions& opt) {
  auto plan = prepare_export(ws, kind, out_dir, opt);
  if (!plan) return plan.error();
  Progress progress;
  CancelToken cancel;
  auto res = write_export(*plan, progress, cancel);
  if (!res) return res.error();
  if (auto st = record_export(ws, *plan, *res); !st) return st.error();
  return res;
}

}  // namespace shodo
