#include "app/cli/chrono_cmd.hpp"

#include <unistd.h>

#include <cctype>
#include <iostream>
#include <memory>

#include "app/cli/chrono_print.hpp"
#include "app/cli/incident_cmd.hpp"
#include "app/cli/prompt.hpp"
#include "app/cli/session.hpp"
#include "app/cli/term_text.hpp"
#include "forensics/integrity/kit_key.hpp"
#include "forensics/report/export.hpp"
#include "forensics/chronology/view.hpp"
#include "forensics/core/clock.hpp"
#include "forensics/core/time_input.hpp"
#include "forensics/i18n/catalogue.hpp"
#include "forensics/i18n/substitute.hpp"

namespace shodo::cli {
namespace fs = std::filesystem;
using namespace chronology;
using i18n::tr;

namespace {

// A choice given by its code (report) or by the word the app itself prints for it, in Japanese
// (報告) or English (Report, any case): issue 11. The value becomes the code; anything else is a
// usage error that lists every accepted word.
CLI::Validator words(std::string prefix, std::vector<std::string> names) {
  return CLI::Validator(
      [prefix, names](std::string& v) -> std::string {
        auto lower = [](std::string x) {
          for (auto& c : x) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          return x;
        };
        std::string accepted;
        for (const auto& n : names) {
          const std::string ja = i18n::tr(prefix + "." + n, i18n::Lang::ja);
          const std::string en = i18n::tr(prefix + "." + n, i18n::Lang::en);
          if (v == n || v == ja || lower(v) == lower(en)) {
            v = n;
            return {};
          }
          accepted += (accepted.empty() ? "" : ", ") + n + "（" + ja + "）";
        }
        return "「" + v + "」: " + accepted;
      },
      "", "words");
}

// Options shared by add and correct: the user fields of an entry.
struct EntryArgs {
  std::string from, category, content, action, assignee, status, channel, priority, witness;
  std::vector<std::string> to, refs, attach;
  std::string event_time, event_end, precision;  // empty: minute when typed without seconds, else exact
  int paper_sheet = 0, paper_line = 0;
  std::string transcriber;
  bool accept_future = false;
};

void add_entry_options(CLI::App* c, EntryArgs& a, bool required) {
  auto* from = c->add_option("--from", a.from, tr("cli.opt.from"));
  auto* to = c->add_option("--to", a.to, tr("cli.opt.to"));
  auto* content = c->add_option("--content", a.content, tr("cli.opt.content"));
  auto* cat = c->add_option("--category", a.category, tr("cli.opt.category"))
                  ->transform(words("category", {"report", "instruction", "request", "decision", "notice",
                                                 "information", "action", "assessment"}));
  if (required) {
    from->required();
    to->required();
    content->required();
    cat->required();
  }
  c->add_option("--action", a.action, tr("cli.opt.action"));
  c->add_option("--assignee", a.assignee, tr("cli.opt.assignee"));
  c->add_option("--status", a.status, tr("cli.opt.status"))
      ->transform(words("status", {"open", "in_progress", "done", "not_needed"}));
  c->add_option("--channel", a.channel, tr("cli.opt.channel"))
      ->transform(words("channel", {"in_person", "phone", "fax", "radio", "email", "paper", "other"}));
  c->add_option("--priority", a.priority, tr("cli.opt.priority"))->transform(words("priority", {"urgent", "normal"}));
  c->add_option("--witness", a.witness, tr("cli.opt.witness"));
  c->add_option("--ref", a.refs, tr("cli.opt.ref"));
  c->add_option("--attach", a.attach, tr("cli.opt.attach"));
  c->add_option("--event-time", a.event_time, tr("cli.opt.event_time"));
  c->add_option("--event-end", a.event_end, tr("cli.opt.event_end"));
  c->add_option("--precision", a.precision, tr("cli.opt.precision"))
      ->transform(words("precision", {"exact", "minute", "approx", "range"}));
  c->add_option("--paper-sheet", a.paper_sheet, tr("cli.opt.paper_sheet"));
  c->add_option("--paper-line", a.paper_line, tr("cli.opt.paper_line"));
  c->add_option("--transcriber", a.transcriber, tr("cli.opt.transcriber"));
  c->add_flag("--accept-future", a.accept_future, tr("cli.opt.accept_future"));
}

Error bad_time(const std::string& t) {
  return make_error(ErrorCode::invalid_input,
                    "時刻を読み取れません: 「" + t + "」。例: 08:45 や 08:45:30（今日）、\"2022/10/31 08:40\"、\"2022-10-31 08:40\"（JST）",
                    "cannot read the time \"" + t + "\": e.g. 08:45 or 08:45:30 (today), \"2022/10/31 08:40\", \"2022-10-31 08:40\" (JST)");
}

// The best current time: corrected by the time checks when there are any.
std::int64_t best_now_ns(const Workspace& ws) {
  const ClockReading now = default_clock().now();
  return ws.log().time_reference().correct(now).corrected_utc_ns.value_or(now.sys_utc_ns);
}

// A time typed by the operator, read as the GUI reads it (core/time_input.hpp).
bool read_time(const Workspace& ws, const std::string& text, DayChoice choice, std::int64_t& out) {
  if (parse_time(text, out)) return true;  // a full date and time needs no clock reading
  const auto t = parse_jst_input(text, best_now_ns(ws), choice);
  if (!t) return false;
  out = *t;
  return true;
}

// An event time later than now (beyond the clock's slack) is most likely a typo (a wrong day or
// year): recorded only when confirmed at the terminal or with --accept-future (issue 11).
Status confirm_event_time(const Workspace& ws, const EntryArgs& a, std::int64_t t) {
  constexpr std::int64_t k_slack_ns = 5LL * 60 * 1'000'000'000;
  if (a.accept_future || t <= best_now_ns(ws) + k_slack_ns) return ok_status();
  std::cerr << i18n::fill(tr("cli.chrono.future_event"), {{"time", format_jst_display(t) + " JST"}}) << "\n";
  if (ask_yes_no(tr("cli.timecheck.record_anyway"))) return ok_status();
  return make_error(ErrorCode::invalid_input,
                    "記録していません。事象時刻（" + format_jst_display(t) + " JST）が今より後です。日付を確かめてください。正しいときは --accept-future を付けます",
                    "nothing was recorded: the event time (" + format_jst_display(t) + " JST) is later than now. Check the date; add --accept-future when it is right");
}

// Applies the given options onto `e` (only those the user set, so correct can start from the target).
Status apply_entry_args(const EntryArgs& a, Entry& e, Workspace& ws) {
  if (!a.from.empty()) e.from = a.from;
  if (!a.to.empty()) e.to = a.to;
  if (!a.category.empty()) e.category = *category_from(a.category);
  if (!a.content.empty()) e.content = a.content;
  if (!a.action.empty()) e.action = a.action;
  if (!a.assignee.empty()) e.assignee = a.assignee;
  if (!a.status.empty()) e.status = *status_from(a.status);
  else if (!a.action.empty() && e.status == ItemStatus::none) e.status = ItemStatus::open;
  if (!a.channel.empty()) e.channel = a.channel;
  if (!a.priority.empty()) e.priority = a.priority;
  if (!a.witness.empty()) e.witness = a.witness;
  for (const auto& r : a.refs) e.refs.push_back(r);
  if (!a.event_time.empty()) {
    EventTime t;
    if (!read_time(ws, a.event_time, DayChoice::not_future, t.utc_ns)) return bad_time(a.event_time);
    if (auto st = confirm_event_time(ws, a, t.utc_ns); !st) return st;
    // A time typed as 07:30 is known to the minute; recording it as exact would claim more (issue 11).
    t.precision = !a.precision.empty() ? *precision_from(a.precision)
                  : typed_to_the_minute(a.event_time) ? Precision::minute
                                                      : Precision::exact;
    if (!a.event_end.empty()) {
      std::int64_t end = 0;
      if (!read_time(ws, a.event_end, DayChoice::not_future, end)) return bad_time(a.event_end);
      if (auto st = confirm_event_time(ws, a, end); !st) return st;
      t.end_utc_ns = end;
      t.precision = Precision::range;
    }
    e.event_time = t;
  }
  if (a.paper_sheet || a.paper_line) {
    e.source = SourceKind::paper;
    e.paper_sheet = a.paper_sheet;
    e.paper_line = a.paper_line;
    e.transcriber = a.transcriber.empty() ? ws.log().current_operator().name : a.transcriber;
  }
  for (const auto& f : a.attach) {
    auto at = ws.import_attachment(f);
    if (!at) return at.error();
    e.attachments.push_back(at.value());
  }
  return ok_status();
}

// Finds the entry with `seq` in this kit's log. Errors: not_found.
Result<Entry> entry_by_seq(const Workspace& ws, std::int64_t seq) {
  for (const auto& e : ws.log().entries())
    if (e.seq == seq) return e;
  return make_error(ErrorCode::not_found, "No. " + std::to_string(seq) + " の記録はありません",
                    "there is no entry No. " + std::to_string(seq));
}

void print_appended(const Globals& g, const Entry& e) {
  if (g.json) {
    std::cout << to_json(e).dump() << "\n";
    return;
  }
  std::cout << tr("cli.chrono.saved") << ": No. " << e.seq << "  " << format_entry_time(e) << "  "
            << e.entry_hash.substr(0, 16) << "\n";
}

// Runs `fn` with the workspace open; maps errors to the exit code.
template <class Fn>
void with_workspace(const Globals& g, int& exit_code, bool need_operator, Fn fn) {
  auto ws = open_workspace(g, need_operator);
  if (!ws) {
    exit_code = report_error(ws.error());
    return;
  }
  if (auto st = fn(*ws.value()); !st) exit_code = report_error(st.error());
}

// `shodo chrono add`: a new entry.
void add_chrono_add(CLI::App* chrono, Globals& g, int& exit_code) {
  auto add_args = std::make_shared<EntryArgs>();
  auto* add = chrono->add_subcommand("add", tr("cli.chrono.add"));
  add_entry_options(add, *add_args, true);
  add->callback([&g, &exit_code, add_args] {
    with_workspace(g, exit_code, true, [&](Workspace& ws) -> Status {
      Entry d;
      if (auto st = apply_entry_args(*add_args, d, ws); !st) return st;
      auto e = ws.log().append(std::move(d));
      if (!e) return e.error();
      print_appended(g, e.value());
      return ok_status();
    });
  });
}

// `shodo chrono correct <seq> --reason`: a correction carrying the complete corrected fields.
void add_chrono_correct(CLI::App* chrono, Globals& g, int& exit_code) {
  auto corr_args = std::make_shared<EntryArgs>();
  auto corr_seq = std::make_shared<std::int64_t>(0);
  auto corr_reason = std::make_shared<std::string>();
  auto* correct = chrono->add_subcommand("correct", tr("cli.chrono.correct"));
  correct->add_option("seq", *corr_seq, tr("cli.opt.seq"))->required();
  correct->add_option("--reason", *corr_reason, tr("cli.opt.reason"))->required();
  add_entry_options(correct, *corr_args, false);
  correct->callback([&g, &exit_code, corr_args, corr_seq, corr_reason] {
    with_workspace(g, exit_code, true, [&](Workspace& ws) -> Status {
      auto target = entry_by_seq(ws, *corr_seq);
      if (!target) return target.error();
      if (target->source == SourceKind::system || target->type != EntryType::normal)
        return make_error(ErrorCode::invalid_input, "システム記録や訂正記録そのものは訂正できません（元の記録を訂正してください）",
                          "system entries and modifier entries cannot be corrected (correct the original entry)");
      // A correction carries the complete corrected fields: start from the current version.
      ChronologyView view(ws.log().entries());
      Entry d = *view.find(target->entry_id)->current;
      d.type = EntryType::correction;
      d.target_entry_id = target->entry_id;
      d.reason = *corr_reason;
      d.attachments.clear();
      d.source = SourceKind::live;
      if (auto st = apply_entry_args(*corr_args, d, ws); !st) return st;
      auto e = ws.log().append(std::move(d));
      if (!e) return e.error();
      print_appended(g, e.value());
      return ok_status();
    });
  });
}

// `shodo chrono void|addendum|status <seq>`: entries that modify an earlier one (one subcommand
// per modifier type).
struct ModArgs {
  std::int64_t seq = 0;
  std::string reason, content, status;
};

void add_chrono_modifier(CLI::App* chrono, Globals& g, int& exit_code, const char* name, const char* desc,
                         EntryType type) {
  auto m = std::make_shared<ModArgs>();
  auto* c = chrono->add_subcommand(name, tr(desc));
  c->add_option("seq", m->seq, tr("cli.opt.seq"))->required();
  if (type == EntryType::void_entry) c->add_option("--reason", m->reason, tr("cli.opt.reason"))->required();
  if (type == EntryType::addendum) c->add_option("--content", m->content, tr("cli.opt.content"))->required();
  if (type == EntryType::status_change) {
    c->add_option("--status", m->status, tr("cli.opt.status"))
        ->required()
        ->transform(words("status", {"open", "in_progress", "done", "not_needed"}));
    c->add_option("--reason", m->reason, tr("cli.opt.reason"));
  }
  c->callback([&g, &exit_code, m, type] {
    with_workspace(g, exit_code, true, [&](Workspace& ws) -> Status {
      auto target = entry_by_seq(ws, m->seq);
      if (!target) return target.error();
      if (target->source == SourceKind::system && type != EntryType::addendum)
        return make_error(ErrorCode::invalid_input, "システム記録は取消・状態変更できません",
                          "system entries cannot be voided or have a status");
      Entry d;
      d.type = type;
      d.target_entry_id = target->entry_id;
      d.reason = m->reason;
      d.content = m->content;
      d.from = ws.log().current_operator().name;
      d.to = target->to;
      d.category = target->category == Category::system ? Category::information : target->category;
      if (!m->status.empty()) d.status = *status_from(m->status);
      auto e = ws.log().append(std::move(d));
      if (!e) return e.error();
      print_appended(g, e.value());
      return ok_status();
    });
  });
}

// `shodo chrono list [--open] [--merged] [--wide] [--all]`; a damaged chronology is listed read-only.
void add_chrono_list(CLI::App* chrono, Globals& g, int& exit_code) {
  auto lo = std::make_shared<ListOptions>();
  auto list_merged = std::make_shared<bool>(false);
  auto* list = chrono->add_subcommand("list", tr("cli.chrono.list"));
  list->add_flag("--open", lo->open_only, tr("cli.opt.open_only"));
  list->add_flag("--merged", *list_merged, tr("cli.opt.merged"));
  list->add_flag("--wide", lo->wide, tr("cli.opt.wide"));
  list->add_flag("--all", lo->all, tr("cli.opt.all"));
  list->callback([&g, &exit_code, lo, list_merged] {
    lo->json = g.json;
    lo->columns = terminal_columns();
    auto ws = open_workspace(g, false);
    if (ws) {
      auto doc = (*ws)->document(i18n::japanese(), *list_merged);
      if (!doc) {
        exit_code = report_error(doc.error());
        return;
      }
      lo->show_device = doc->heads.size() > 1;
      print_entries(doc->entries, *lo);
      return;
    }
    if (ws.error().code != ErrorCode::read_only) {
      exit_code = report_error(ws.error());
      return;
    }
    // A damaged chronology is shown read-only, up to its first bad record, with the damage named.
    auto id = current_incident(g);
    auto ro = read_only_document(resolve_case_root(g.case_root), id.value(), i18n::japanese());
    if (!ro) {
      exit_code = report_error(ro.error());
      return;
    }
    std::cerr << "shodo: " << tr("cli.warning") << ": " << tr("cli.list.damaged") << "\n";
    for (const auto& c : ro->chains)
      if (c.problem)
        std::cerr << "  " << c.file.filename().string() << ": " << (i18n::japanese() ? c.problem->ja : c.problem->en) << "\n";
    lo->show_device = ro->doc.heads.size() > 1;
    print_entries(ro->doc.entries, *lo);
    exit_code = exit_code_for(ErrorCode::integrity);
  });
}

// `shodo chrono verify [path] [--expect-count --expect-head]`.
void add_chrono_verify(CLI::App* chrono, Globals& g, int& exit_code) {
  auto verify_path = std::make_shared<std::string>();
  auto verify_count = std::make_shared<std::int64_t>(-1);
  auto verify_head = std::make_shared<std::string>();
  auto* verify = chrono->add_subcommand("verify", tr("cli.chrono.verify"));
  verify->add_option("path", *verify_path, tr("cli.opt.verify_path"));
  verify->add_option("--expect-count", *verify_count, tr("cli.opt.expect_count"));
  verify->add_option("--expect-head", *verify_head, tr("cli.opt.expect_head"));
  verify->callback([&g, &exit_code, verify_path, verify_count, verify_head] {
    const auto& h = *verify_head;
    if (!h.empty() && (h.size() < 16 || h.find_first_not_of("0123456789abcdef") != std::string::npos || *verify_count < 1)) {
      exit_code = report_error(make_error(ErrorCode::invalid_input,
                                          "--expect-head には最終ハッシュの先頭16桁以上（小文字16進）と --expect-count が必要です",
                                          "--expect-head needs at least 16 lower-case hex digits and --expect-count"));
      return;
    }
    exit_code = run_verify(g, *verify_path, *verify_count, *verify_head);
  });
}

// An export of a damaged chronology: the verified part of every chain (or blank sheets), from the
// read-only document, with the kit's identity and the operator on the pages. Not recorded.
Result<ExportResult> export_read_only(const Globals& g, ExportKind kind, const std::string& out_arg, const ExportOptions& o) {
  auto id = current_incident(g);
  if (!id) return id.error();
  const fs::path root = resolve_case_root(g.case_root);
  auto ro = read_only_document(root, id.value(), o.japanese);
  if (!ro) return ro.error();
  if (auto key = KitKey::load_or_create(root / "kit")) {
    ro->doc.kit_id = key->kit_id();
    ro->doc.key_fingerprint = key->fingerprint();
  }
  if (auto op = session_operator(g, false)) ro->doc.exported_by = op->name;
  const fs::path out = out_arg.empty() ? default_export_dir(incident_dir(root, id.value()), ro->doc.export_utc_ns) : fs::path(out_arg);
  auto plan = prepare_export(root, ro.value(), kind, out, o);
  if (!plan) return plan.error();
  Progress progress;
  CancelToken cancel;
  return write_export(*plan, progress, cancel);
}

// `shodo chrono export --format …`.
void add_chrono_export(CLI::App* chrono, Globals& g, int& exit_code) {
  struct ExportArgs {
    std::string format = "pdf", out;
    bool merged = false, csv_raw = false;
    int sheets = 5, first_sheet = 1;
  };
  auto ex = std::make_shared<ExportArgs>();
  auto* exp = chrono->add_subcommand("export", tr("cli.chrono.export"));
  exp->add_option("--format", ex->format, tr("cli.opt.format"))
      ->check(CLI::IsMember({"pdf", "open-items", "blank-sheets", "csv", "csv-cp932", "timesketch-csv",
                             "timesketch-jsonl", "full"}));
  exp->add_option("--out", ex->out, tr("cli.opt.out"));
  exp->add_flag("--merged", ex->merged, tr("cli.opt.merged"));
  exp->add_flag("--csv-raw", ex->csv_raw, tr("cli.opt.csv_raw"));
  exp->add_option("--sheets", ex->sheets, tr("cli.opt.sheets"))->check(CLI::Range(1, 500));
  exp->add_option("--first-sheet", ex->first_sheet, tr("cli.opt.first_sheet"))->check(CLI::Range(1, 100000));
  exp->callback([&g, &exit_code, ex] {
    ExportKind kind{};
    export_kind_from(ex->format, kind);
    ExportOptions o;
    o.japanese = i18n::japanese();
    o.merged = ex->merged;
    o.csv_raw = ex->csv_raw;
    o.blank_sheets = ex->sheets;
    o.first_sheet_no = ex->first_sheet;
    Result<ExportResult> r = make_error(ErrorCode::io_error, "", "");
    bool recorded = true;
    auto ws = open_workspace(g, false);
    if (ws) {
      const fs::path out = ex->out.empty() ? default_export_dir(*ws.value()) : fs::path(ex->out);
      r = export_chronology(*ws.value(), kind, out, o);
    } else if (ws.error().code == ErrorCode::read_only) {
      // A damaged chronology must not stop the response (issue 11): the verified part and blank
      // sheets are still exported; nothing can record the export, and the user is told so.
      recorded = false;
      r = export_read_only(g, kind, ex->out, o);
    } else {
      r = ws.error();
    }
    if (!r) {
      exit_code = report_error(r.error());
      return;
    }
    const bool ja = i18n::japanese();
    for (const auto& w : ja ? r->warnings_ja : r->warnings_en) std::cerr << "shodo: " << tr("cli.warning") << ": " << w << "\n";
    if (!recorded) std::cerr << "shodo: " << tr("cli.warning") << ": " << tr("cli.export.not_recorded") << "\n";
    if (g.json) {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& f : r->files) a.push_back({{"path", f.path.string()}, {"sha256", f.sha256}});
      nlohmann::json heads = nlohmann::json::array();
      for (const auto& h : r->heads) heads.push_back({{"device_id", h.device_id}, {"count", h.count}, {"last_hash", h.last_hash}});
      std::cout << nlohmann::json{{"files", a}, {"heads", heads}, {"recorded", recorded}}.dump(2) << "\n";
    } else {
      for (const auto& f : r->files) std::cout << f.sha256 << "  " << f.path.string() << "\n";
      for (const auto& h : r->heads)
        std::cout << tr("cli.chrono.head") << ": " << h.device_id << "  " << h.count << " / " << h.last_hash << "\n";
      // The paper anchor, last and on its own, so it is what the eye lands on (issue 11).
      std::cout << "\n" << tr("export.paper_anchor.ask") << ":\n  " << paper_anchor(r->heads, ja) << "\n";
    }
  });
}

// `shodo chrono timecheck --source S --reference T [--at-enter]` (CHR-11). Nothing is assumed and
// nothing unconfirmed is recorded (issue 11): the source is asked, --at-enter needs a terminal and
// a real Enter, and an offset over 5 min (or about ±9 h) is recorded only when confirmed.
void add_chrono_timecheck(CLI::App* chrono, Globals& g, int& exit_code) {
  struct TimeArgs {
    std::string source, reference, witness, reason;
    double uncertainty_s = -1;
    bool at_enter = false;
    bool accept_large = false;
    std::int64_t supersedes = 0;
  };
  auto ta = std::make_shared<TimeArgs>();
  auto* tc = chrono->add_subcommand("timecheck", tr("cli.chrono.timecheck"));
  tc->add_option("--source", ta->source, tr("cli.opt.time_source"))
      ->check(CLI::IsMember({"117", "radio_clock", "gps", "mobile", "wall_clock"}));
  tc->add_option("--reference", ta->reference, tr("cli.opt.reference"))->required();
  tc->add_option("--uncertainty", ta->uncertainty_s, tr("cli.opt.uncertainty"))->check(CLI::Range(0.0, 3600.0));
  tc->add_option("--witness", ta->witness, tr("cli.opt.witness"));
  tc->add_flag("--at-enter", ta->at_enter, tr("cli.opt.at_enter"));
  tc->add_flag("--accept-large-offset", ta->accept_large, tr("cli.opt.accept_large_offset"));
  tc->add_option("--supersedes", ta->supersedes, tr("cli.opt.supersedes"))->check(CLI::PositiveNumber);
  tc->add_option("--reason", ta->reason, tr("cli.opt.supersede_reason"));
  tc->callback([&g, &exit_code, ta] {
    with_workspace(g, exit_code, true, [&](Workspace& ws) -> Status {
      if (ta->source.empty())
        return make_error(ErrorCode::invalid_input,
                          "どの時計を見たか --source で指定してください: 117（時報）, radio_clock（電波時計）, gps, mobile（携帯電話）, wall_clock（壁掛け時計）",
                          "say which clock you read with --source: 117 (time signal), radio_clock, gps, mobile (phone), wall_clock");
      if (ta->supersedes && ta->reason.empty())
        return make_error(ErrorCode::invalid_input, "置き換える理由を --reason で入力してください（例: 時刻の読み違い）",
                          "say why the earlier check is replaced with --reason (e.g. misread the time)");
      if (ta->at_enter && ::isatty(STDIN_FILENO) != 1)
        return make_error(ErrorCode::invalid_input,
                          "--at-enter は端末で Enter を押すときだけ使えます。記録していません。端末から実行するか、--at-enter なしで基準の時刻を入力してください",
                          "--at-enter needs a terminal where Enter is pressed; nothing was recorded. Run it in a terminal, or give the reference time without --at-enter");
      ClockReading at = default_clock().now();
      std::int64_t ref = 0;
      if (!read_time(ws, ta->reference, DayChoice::nearest, ref)) return bad_time(ta->reference);
      if (ta->at_enter) {
        std::cerr << tr("cli.chrono.press_enter") << " " << format_jst_display(ref) << " JST\n";
        std::string line;
        if (!std::getline(std::cin, line))
          return make_error(ErrorCode::invalid_input, "Enter が押される前に入力が終わりました。記録していません",
                            "the input ended before Enter was pressed; nothing was recorded");
        at = default_clock().now();
      }
      const std::int64_t offset = ref - at.sys_utc_ns;
      const OffsetConcern concern = offset_concern(offset);
      if (concern != OffsetConcern::none && !ta->accept_large) {
        const std::string off = format_offset_s(offset);
        const bool rtc = concern == OffsetConcern::rtc_local_time;
        std::cerr << (rtc ? i18n::fill(tr("timecheck.rtc_offset"), {{"offset", off}})
                          : i18n::fill(tr("timecheck.large_offset"), {{"offset", off}}))
                  << "\n";
        if (!ask_yes_no(tr("cli.timecheck.record_anyway")))
          return make_error(ErrorCode::invalid_input,
                            "記録していません。基準の時刻を確かめてやり直してください。正しいときは --accept-large-offset を付けます",
                            "nothing was recorded. Check the reference time and run it again; add --accept-large-offset when it is right");
      }
      double unc = ta->uncertainty_s;
      if (unc < 0) unc = ta->source == "wall_clock" ? 30 : ta->source == "mobile" ? 2 : 1;
      std::optional<Workspace::Supersede> replaces;
      if (ta->supersedes) replaces = Workspace::Supersede{ta->supersedes, ta->reason};
      auto e = ws.confirm_time(at, ref, static_cast<std::int64_t>(unc * 1e9), ta->source, ta->witness, replaces);
      if (!e) return e.error();
      print_appended(g, e.value());
      if (!g.json) {
        std::cout << content_for(e.value(), !i18n::japanese()) << "\n";
        if (TimeReference::looks_like_rtc_local_time(e->time_check->offset_ns))
          std::cout << tr("hint.rtc_local_time") << "\n";
        std::cout << i18n::fill(tr("cli.timecheck.if_mistaken"), {{"seq", std::to_string(e->seq)}}) << "\n";
      }
      return ok_status();
    });
  });
}

}  // namespace

// `shodo chrono continue` (issue 11): after damage, this kit goes on in a new chronology file
// whose first entry names the damaged one (Workspace::continue_after_damage).
void add_chrono_continue(CLI::App* chrono, Globals& g, int& exit_code) {
  auto* c = chrono->add_subcommand("continue", tr("cli.chrono.continue"));
  c->callback([&g, &exit_code] {
    auto id = current_incident(g);
    if (!id) {
      exit_code = report_error(id.error());
      return;
    }
    auto op = session_operator(g);
    if (!op) {
      exit_code = report_error(op.error());
      return;
    }
    if (auto st = remember_session_operator(g, op.value()); !st) {
      exit_code = report_error(st.error());
      return;
    }
    WorkspaceOptions o;
    o.case_root = resolve_case_root(g.case_root);
    o.incident_id = id.value();
    o.op = op.value();
    auto ws = Workspace::continue_after_damage(o);
    if (!ws) {
      exit_code = report_error(ws.error());
      return;
    }
    std::cerr << "shodo: " << i18n::fill(tr("cli.operator.writing"), {{"who", operator_text(o.op)}}) << "\n";
    print_appended(g, (*ws)->log().entries().front());
    const auto mine = Workspace::kit_chronology_files((*ws)->chronology_dir(), (*ws)->key().kit_id());
    const fs::path damaged = mine.size() >= 2 ? mine[mine.size() - 2] : fs::path("?");
    std::cout << i18n::fill(tr("cli.chrono.continued"),
                            {{"file", (*ws)->log().options().file.string()}, {"damaged", damaged.string()}})
              << "\n";
  });
}

void add_chrono_commands(CLI::App& app, Globals& g, int& exit_code) {
  auto* chrono = app.add_subcommand("chrono", tr("cli.chrono.description"));
  chrono->require_subcommand(1);
  add_chrono_add(chrono, g, exit_code);
  add_chrono_correct(chrono, g, exit_code);
  add_chrono_modifier(chrono, g, exit_code, "void", "cli.chrono.void", EntryType::void_entry);
  add_chrono_modifier(chrono, g, exit_code, "addendum", "cli.chrono.addendum", EntryType::addendum);
  add_chrono_modifier(chrono, g, exit_code, "status", "cli.chrono.status", EntryType::status_change);
  add_chrono_list(chrono, g, exit_code);
  add_chrono_verify(chrono, g, exit_code);
  add_chrono_export(chrono, g, exit_code);
  add_chrono_timecheck(chrono, g, exit_code);
  add_chrono_continue(chrono, g, exit_code);
}

}  // namespace shodo::cli
