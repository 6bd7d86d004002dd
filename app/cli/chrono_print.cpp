#include "app/cli/chrono_print.hpp"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/cli/incident_cmd.hpp"
#include "app/cli/term_text.hpp"
#include "forensics/case/incident.hpp"
#include "forensics/chronology/verify.hpp"
#include "forensics/chronology/view.hpp"
#include "forensics/core/clock.hpp"
#include "forensics/i18n/catalogue.hpp"
#include "forensics/i18n/substitute.hpp"
#include "forensics/integrity/digest.hpp"

namespace shodo::cli {
namespace fs = std::filesystem;
using namespace chronology;
using i18n::tr;

std::string format_entry_time(const Entry& e) {
  std::string s = format_jst_display(e.display_utc_ns()) + " JST";
  if (e.time_quality != TimeQuality::ref_confirmed && e.time_quality != TimeQuality::ref_interpolated)
    s += " (" + std::string(tr("time_quality." + std::string(to_string(e.time_quality)))) + ")";
  return s;
}

namespace {
// One terminal line per entry: line breaks inside fields are shown as " ⏎ ".
std::string one_line(std::string s) {
  for (std::size_t p = 0; (p = s.find('\n', p)) != std::string::npos;) s.replace(p, 1, " ⏎ ");
  return s;
}
}  // namespace

namespace {

// System rows are the kit's own bookkeeping (start, stop, export, checkpoint, operator change …).
// A time check is a system entry too, but a person made it: it stays in front.
bool is_system_row(const Entry& e) {
  return (e.category == Category::system && e.type != EntryType::time_check) || e.type == EntryType::checkpoint;
}

std::string label(const std::string& prefix, std::string_view name) { return tr(prefix + "." + std::string(name)); }

// Every field on one line (--wide), as the list printed before issue 11.
void print_wide(const ChronologyView& view, const EntryState& s, bool show_device) {
  const Entry& e = *s.entry;
  const Entry& cur = *s.current;
  std::string to;
  for (const auto& t : cur.to) to += (to.empty() ? "" : "、") + t;
  std::cout << (show_device ? e.device_id + "#" : std::string("No.")) << e.seq << "  " << format_entry_time(e) << "  ["
            << label("category", to_string(cur.category)) << "]";
  if (e.type != EntryType::normal) std::cout << " <" << label("entry_type", to_string(e.type)) << ">";
  if (!e.target_entry_id.empty())
    if (const EntryState* t = view.find(e.target_entry_id))
      std::cout << " " << tr("cli.label.target") << " No. " << t->entry->seq;
  if (!cur.from.empty() || !to.empty()) std::cout << "  " << cur.from << " → " << to;
  std::cout << "  " << one_line(content_for(cur, !i18n::japanese()));
  if (!cur.action.empty()) std::cout << "  / " << tr("cli.label.action") << ": " << one_line(cur.action);
  if (!cur.assignee.empty()) std::cout << "  / " << tr("cli.label.assignee") << ": " << cur.assignee;
  if (s.current_status != ItemStatus::none) std::cout << "  [" << label("status", to_string(s.current_status)) << "]";
  if (e.event_time)
    std::cout << "  (" << tr("cli.label.event_time") << " " << format_jst_display(e.event_time->utc_ns) << " "
              << label("precision", to_string(e.event_time->precision)) << ")";
  if (e.source == SourceKind::paper) std::cout << "  (" << tr("source.paper") << " " << e.paper_sheet << "-" << e.paper_line << ")";
  if (!e.reason.empty()) std::cout << "  (" << tr("cli.label.reason") << ": " << e.reason << ")";
  if (s.superseded) std::cout << "  → " << tr("entry_type.correction") << " No. " << s.superseded_by_seq;
  if (s.voided) std::cout << "  → " << tr("entry_type.void") << " (" << s.void_reason << ")";
  std::cout << "  — " << e.author << "\n";
  if (s.superseded && s.current != s.entry) std::cout << "      " << tr("cli.label.original") << ": " << one_line(e.content) << "\n";
}

// When it happened, if that is not when it was written (CHR-05), short: "事象 08:40頃", with the
// date "11-23 08:40" when it is another day than the row's.
std::string event_note(const Entry& e) {
  const EventTime& et = *e.event_time;
  const std::string row_day = format_jst_display(e.display_utc_ns()).substr(0, 10);
  auto one = [&](std::int64_t ns) {
    const std::string t = format_jst_display(ns);  // "YYYY-MM-DD HH:MM:SS"
    std::string hm = t.substr(11, et.precision == Precision::exact ? 8 : 5);
    return t.substr(0, 10) == row_day ? hm : t.substr(5, 5) + " " + hm;
  };
  std::string t = one(et.utc_ns);
  if (et.end_utc_ns) t += "–" + one(*et.end_utc_ns);
  return i18n::fill(tr(et.precision == Precision::approx ? "cli.list.event_approx" : "cli.list.event"), {{"t", t}});
}

// The content cell of the table: what the row says, with what happened to it in front, then when
// it happened and the paper line it was copied from (the --wide form has the same, in full).
std::string content_text(const ChronologyView& view, const EntryState& s) {
  const Entry& e = *s.entry;
  std::string out;
  if (s.voided) out += "[" + label("entry_type", "void") + "] ";
  if (s.superseded) out += "[" + std::string(tr("cli.list.corrected_by")) + std::to_string(s.superseded_by_seq) + "] ";
  if (s.replaced_by_seq) out += "[" + std::string(tr("cli.list.replaced_by")) + std::to_string(s.replaced_by_seq) + "] ";
  // What a row does to another names it: "訂正 No.5: …" (a checkpoint names none: its content says which).
  if (!e.target_entry_id.empty() && (ChronologyView::is_modifier(e) || e.type == EntryType::time_check)) {
    std::string target = "?";
    if (const EntryState* t = view.find(e.target_entry_id)) target = std::to_string(t->entry->seq);
    out += label("entry_type", to_string(e.type)) + " No." + target + ": ";
    if (e.type == EntryType::void_entry) return out + one_line(e.reason);
    if (e.type == EntryType::status_change) return out + "→ " + label("status", to_string(e.status));
  }
  if (e.source == SourceKind::paper)
    out += "[" + i18n::fill(tr("cli.list.paper"), {{"sheet", std::to_string(e.paper_sheet)}, {"line", std::to_string(e.paper_line)}}) + "] ";
  if (e.event_time) out += "(" + event_note(e) + ") ";
  out += one_line(content_for(*s.current, !i18n::japanese()));
  if (!s.current->action.empty()) out += " / " + std::string(tr("cli.label.action")) + ": " + one_line(s.current->action);
  return out;
}

std::string from_to(const Entry& cur) {
  std::string to;
  for (const auto& t : cur.to) to += (to.empty() ? "" : "、") + t;
  if (cur.from.empty() && to.empty()) return {};
  return cur.from + "→" + to;
}

}  // namespace

void print_entries(const std::vector<Entry>& entries, const ListOptions& opt) {
  ChronologyView view(entries);
  std::vector<const EntryState*> rows;
  for (const auto& s : view.states()) {
    const Entry& e = *s.entry;
    const bool open = s.current_status == ItemStatus::open || s.current_status == ItemStatus::in_progress;
    if (opt.open_only && (!open || s.voided || ChronologyView::is_modifier(e))) continue;
    rows.push_back(&s);
  }
  if (opt.json) {
    for (const EntryState* s : rows) {
      nlohmann::json j = to_json(*s->entry);
      j["view"] = {{"superseded", s->superseded}, {"voided", s->voided}, {"current_status", to_string(s->current_status)}};
      std::cout << j.dump() << "\n";
    }
    return;
  }
  if (opt.wide) {
    for (const EntryState* s : rows)
      if (opt.all || !is_system_row(*s->entry)) print_wide(view, *s, opt.show_device);
    return;
  }
  // Column widths from what will be shown.
  int w_no = display_width(tr("cli.list.col.no")), w_cat = display_width(tr("cli.list.col.category")),
      w_st = 0, w_ft = display_width(tr("cli.list.col.from_to"));
  for (const EntryState* s : rows) {
    if (!opt.all && is_system_row(*s->entry)) continue;
    const Entry& e = *s->entry;
    w_no = std::max(w_no, display_width((opt.show_device ? e.device_id + "#" : std::string()) + std::to_string(e.seq)));
    w_cat = std::max(w_cat, display_width(label("category", to_string(s->current->category))));
    if (s->current_status != ItemStatus::none) w_st = std::max(w_st, display_width(label("status", to_string(s->current_status))));
    w_ft = std::max(w_ft, display_width(from_to(*s->current)));
  }
  if (w_st) w_st = std::max(w_st, display_width(tr("cli.list.col.status")));
  const int w_time = 9;  // "08:40:00" and the mark of an uncorrected time
  const int fixed = w_no + 2 + w_time + 2 + w_cat + 2 + (w_st ? w_st + 2 : 0);
  const int rest = std::max(24, opt.columns - fixed - 2);
  w_ft = std::min(w_ft, std::max(12, rest * 2 / 5));
  const int w_content = std::max(10, rest - w_ft);
  auto line = [&](const std::string& no, const std::string& time, const std::string& cat, const std::string& ft,
                  const std::string& content, const std::string& st, bool* cut) {
    std::string l = cell(no, w_no, true) + "  " + cell(time, w_time) + "  " + cell(cat, w_cat) + "  " +
                    cell(ft, w_ft, false, cut) + "  ";
    l += w_st ? cell(content, w_content, false, cut) + "  " + st : fit(content, w_content, cut);
    while (!l.empty() && l.back() == ' ') l.pop_back();
    std::cout << l << "\n";
  };
  if (rows.empty()) {
    std::cout << tr("cli.list.none") << "\n";
    return;
  }
  line(tr("cli.list.col.no"), tr("cli.list.col.time"), tr("cli.list.col.category"), tr("cli.list.col.from_to"),
       tr("cli.list.col.content"), w_st ? tr("cli.list.col.status") : "", nullptr);
  std::string day;
  bool cut = false, uncorrected = false;
  std::size_t folded = 0;
  auto flush_folded = [&] {
    if (folded == 0) return;
    std::cout << std::string(static_cast<std::size_t>(w_no + 2), ' ')
              << i18n::fill(tr("cli.list.folded"), {{"n", std::to_string(folded)}}) << "\n";
    folded = 0;
  };
  for (const EntryState* s : rows) {
    const Entry& e = *s->entry;
    if (!opt.all && is_system_row(e)) {
      ++folded;
      continue;
    }
    flush_folded();
    const std::string when = format_jst_display(e.display_utc_ns());  // "YYYY-MM-DD HH:MM:SS"
    if (when.substr(0, 10) != day) {
      day = when.substr(0, 10);
      std::cout << "── " << day << " JST ──\n";
    }
    const bool unconfirmed = e.time_quality != TimeQuality::ref_confirmed && e.time_quality != TimeQuality::ref_interpolated;
    uncorrected = uncorrected || unconfirmed;
    // A void or a status change acts on another row: its own category, sender and status say
    // nothing, so only the content column (what it did to which No.) is filled.
    const bool act = e.type == EntryType::void_entry || e.type == EntryType::status_change;
    const bool item = !ChronologyView::is_modifier(e) && !s->voided && s->current_status != ItemStatus::none;
    line((opt.show_device ? e.device_id + "#" : std::string()) + std::to_string(e.seq), when.substr(11) + (unconfirmed ? "*" : ""),
         act ? std::string() : label("category", to_string(s->current->category)), act ? std::string() : from_to(*s->current),
         content_text(view, *s), item ? label("status", to_string(s->current_status)) : std::string(), &cut);
  }
  flush_folded();
  if (uncorrected) std::cout << tr("cli.list.legend_uncorrected") << "\n";
  if (cut) std::cout << tr("cli.list.legend_cut") << "\n";
}

namespace {

struct FileVerdict {
  fs::path file;
  int code = 0;
};

int verify_one(const fs::path& file, const VerifyOptions& vo, bool json, nlohmann::json& jout) {
  auto r = verify_chronology_file(file, vo);
  if (!r) {
    std::cerr << "shodo: " << tr("cli.error") << ": " << r.error().describe(i18n::japanese()) << "\n";
    jout.push_back({{"file", file.string()}, {"error", r.error().en}});
    return exit_code_for(r.error().code);
  }
  const VerifyReport& v = r.value();
  const bool ja = i18n::japanese();
  nlohmann::json j{{"file", file.string()}, {"entries", v.count}, {"head_hash", v.last_hash},
                   {"checkpoints_verified", v.checkpoints_verified}, {"intact", v.intact()}};
  if (v.problem) {
    j["problem"] = {{"kind", to_string(v.problem->kind)}, {"line", v.problem->line}, {"seq", v.problem->seq},
                    {"message_ja", v.problem->ja}, {"message_en", v.problem->en}};
  }
  jout.push_back(j);
  if (!json) {
    if (v.intact()) {
      std::cout << "OK  " << file.string() << "  " << tr("cli.verify.entries") << ": " << v.count << "  "
                << tr("cli.verify.checkpoints") << ": " << v.checkpoints_verified << "  " << tr("cli.verify.last_hash")
                << ": " << v.last_hash << "\n";
    } else {
      std::cout << (v.torn_tail ? "TORN  " : "NG  ") << file.string() << "\n  " << (ja ? v.problem->ja : v.problem->en)
                << "\n  " << tr("cli.verify.good_prefix") << ": " << v.count << " (" << v.last_hash.substr(0, 16)
                << ")\n  " << tr("cli.verify.never_repairs") << "\n";
    }
  }
  if (v.intact()) return 0;
  return v.torn_tail ? 8 : 4;
}

// Checks a manifest.sha256 (sha256sum format) in `dir`. Returns 0 or 4.
int verify_manifest(const fs::path& dir, bool json, nlohmann::json& jout) {
  std::ifstream in(dir / "manifest.sha256");
  std::string line;
  int rc = 0;
  while (std::getline(in, line)) {
    if (line.size() < 67) continue;
    const std::string want = line.substr(0, 64);
    const std::string name = line.substr(66);
    auto got = sha256_file_hex(dir / name);
    const bool ok = got && got.value() == want;
    if (!ok) rc = 4;
    if (!json && !ok)
      std::cout << "NG  " << name << "  " << tr("cli.verify.manifest_mismatch") << "\n";
    jout.push_back({{"file", name}, {"manifest_ok", ok}});
  }
  if (!json && rc == 0) std::cout << "OK  manifest.sha256\n";
  return rc;
}

}  // namespace

int run_verify(const Globals& g, const std::string& path, std::int64_t expect_count, const std::string& expect_head) {
  std::vector<fs::path> files;
  fs::path dir;
  if (path.empty()) {
    auto id = current_incident(g);
    if (!id) return report_error(id.error());
    dir = incident_dir(resolve_case_root(g.case_root), id.value()) / "chronology";
  } else {
    dir = path;
  }
  std::error_code ec;
  if (fs::is_directory(dir, ec)) {
    for (const auto& f : fs::recursive_directory_iterator(dir, ec))
      if (f.path().extension() == ".jsonl" && f.path().filename().string().find("timesketch") == std::string::npos)
        files.push_back(f.path());
    std::sort(files.begin(), files.end());
  } else if (fs::exists(dir, ec)) {
    files.push_back(dir);
    dir.clear();
  } else {
    return report_error(make_error(ErrorCode::not_found, "ファイルまたはフォルダがありません: " + path,
                                   "no such file or folder: " + path));
  }
  nlohmann::json jout = nlohmann::json::array();
  int rc = 0;
  if (!dir.empty() && fs::exists(dir / "manifest.sha256", ec)) rc = std::max(rc, verify_manifest(dir, g.json, jout));
  if (files.empty())
    return report_error(make_error(ErrorCode::not_found, "検証するクロノロジーがありません: " + dir.string(),
                                   "no chronology to verify in " + dir.string()));
  VerifyOptions vo;
  vo.keep_entries = false;
  if (expect_count >= 0) {
    vo.expected_count = expect_count;
    vo.expected_head_hash = expect_head;
  }
  for (const auto& f : files) {
    const int c = verify_one(f, vo, g.json, jout);
    // Damage (4) outranks a torn tail (8) for the overall exit code.
    if (c == 4 || (c != 0 && rc == 0)) rc = c;
  }
  if (g.json) std::cout << jout.dump(2) << "\n";
  return rc;
}

}  // namespace shodo::cli
