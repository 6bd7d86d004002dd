#include "app/cli/acquire_cmd.hpp"

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <functional>
#include <iostream>
#include <optional>
#include <variant>

#include <fmt/format.h>

#include "app/cli/incident_cmd.hpp"
#include "app/cli/session.hpp"
#include "forensics/acquire/acquisition.hpp"
#include "forensics/acquire/job_types.hpp"
#include "forensics/core/atomic_file.hpp"
#include "forensics/core/job_runner.hpp"
#include "forensics/evidence/evidence.hpp"
#include "forensics/i18n/catalogue.hpp"
#include "forensics/i18n/format.hpp"

namespace shodo::cli {
namespace fs = std::filesystem;
using namespace acquire;
using i18n::tr;

namespace {

// The job the signal handlers cancel (set only while one is busy).
JobRunnerBase* g_job = nullptr;

extern "C" void on_sigint(int sig) {
  if (g_job) g_job->cancel();
  std::signal(sig, SIG_DFL);  // a second Ctrl-C ends at once
}

// Exit status of a preflight refusal: the destination's problems share the job's destination
// status (12), a missing source is 3, anything else is invalid input (2).
int preflight_exit(const Preflight& p) {
  for (const auto& c : p.checks)
    if (!c.ok && c.blocking) {
      if (c.id.rfind("dest", 0) == 0) return 12;
      if (c.id == "source_exists") return 3;
      return 2;
    }
  return 0;
}

// Sizes like "2047M", "1G", "512K", "4096".
bool parse_size(const std::string& text, std::uint64_t& out) {
  if (text.empty()) return false;
  std::size_t pos = 0;
  unsigned long long v = 0;
  try {
    v = std::stoull(text, &pos);
  } catch (...) {
    return false;
  }
  std::string unit = text.substr(pos);
  std::uint64_t mul = 1;
  if (unit == "K" || unit == "KiB" || unit == "k") mul = 1ull << 10;
  else if (unit == "M" || unit == "MiB") mul = 1ull << 20;
  else if (unit == "G" || unit == "GiB") mul = 1ull << 30;
  else if (!unit.empty()) return false;
  out = v * mul;
  return true;
}

std::string rate_text(double bytes_per_s) { return fmt::format("{:.0f} MB/s", bytes_per_s / 1e6); }

// The progress bar on stderr (only on a terminal), drawn by the main thread from the job
// runner's samples.
class ProgressBar {
 public:
  ProgressBar() : m_tty(::isatty(2) == 1) {}
  ~ProgressBar() {
    if (m_drawn) std::fprintf(stderr, "\n");
  }
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void draw(const JobRunnerBase& job, const ProgressSnapshot& s) {
    // Nothing to measure yet (an acquisition's preflight is still printing its checks).
    if (!m_tty || s.total == 0) return;
    const auto now = std::chrono::steady_clock::now();
    if (m_drawn && now - m_last < std::chrono::milliseconds(500)) return;
    m_last = now;
    m_drawn = true;
    const double frac = static_cast<double>(s.done) / static_cast<double>(s.total);
    const int width = 30;
    const int filled = static_cast<int>(frac * width);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar += std::string(static_cast<std::size_t>(width - filled), '.');
    std::fprintf(stderr, "\r%s [%s] %5.1f%%  %s (%s %s)  ETA %s  %s %llu  %s: %s   ", tr(job.phase_key()), bar.c_str(),
                 frac * 100, rate_text(s.current_rate).c_str(), tr("acquire.avg"), rate_text(s.average_rate).c_str(),
                 i18n::format_eta(s.eta_s).c_str(), tr("acquire.bad_so_far"), static_cast<unsigned long long>(s.errors),
                 tr("acquire.bottleneck"), tr(stage_key(s.bottleneck)));
    std::fflush(stderr);
  }

 private:
  bool m_tty = false;
  bool m_drawn = false;
  std::chrono::steady_clock::time_point m_last{};
};

// Runs `work` on `runner` (the core job runner) and waits for its result on this, the main thread:
// notes go to `on_note` as they arrive, the bar is redrawn about twice a second, and Ctrl-C, a
// closed terminal or a plain kill cancel the job, which then ends cleanly (consistent partial
// image, reports, state file for --resume). Ctrl-Z suspends it; `fg` carries on.
template <class T, class Note>
Result<T> run_job(JobRunner<T, Note>& runner, typename JobRunner<T, Note>::Work work,
                  const std::function<void(Note&)>& on_note = {}) {
  if (!runner.start(std::move(work)))
    return make_error(ErrorCode::invalid_input, "ジョブを開始できません", "the job could not be started");
  g_job = &runner;
  for (int sig : {SIGINT, SIGHUP, SIGTERM}) std::signal(sig, on_sigint);
  std::optional<Result<T>> result;
  auto take = [&](typename JobRunner<T, Note>::Event& e) {
    if (e.note && on_note) on_note(*e.note);
    if (e.final()) result = std::move(e.result);
  };
  {
    ProgressBar bar;
    while (!result) {
      // Sampled before the queue is read: a note the worker sent before it moved on (the preflight
      // before the copy starts) is printed before the bar of the phase that follows it.
      const ProgressSnapshot s = runner.sample();
      if (auto e = runner.poll()) {
        take(*e);
        continue;
      }
      bar.draw(runner, s);
      if (auto e = runner.wait(std::chrono::milliseconds(250))) take(*e);
    }
  }
  for (int sig : {SIGINT, SIGHUP, SIGTERM}) std::signal(sig, SIG_DFL);
  g_job = nullptr;
  return std::move(*result);
}

void print_preflight(const Preflight& p) {
  std::cout << tr("acquire.preflight") << ":\n";
  for (const auto& c : p.checks)
    std::cout << "  " << (c.ok ? "[OK] " : (c.blocking ? "[NG] " : "[!!] ")) << (i18n::japanese() ? c.ja : c.en) << "\n";
}

void print_result(const AcquireResult& r, int code) {
  const auto& R = r.record;
  const bool ja = i18n::japanese();
  std::cout << tr("acquire.outcome") << ": " << (ja ? R.outcome_ja : R.outcome_en) << "\n";
  std::cout << tr("acquire.evidence") << ": " << R.source_evidence_no << " → " << R.image_evidence_no << "\n";
  std::cout << tr("acquire.bytes") << ": " << R.bytes_covered << " / " << R.source_size << "\n";
  std::cout << tr("acquire.bad_sectors") << ": " << R.bad_sectors << "\n";
  for (const auto& b : R.bad)
    std::cout << "  LBA " << b.offset / R.sector_size << " +" << b.length / R.sector_size << " (" << tr("acquire.byte_offset") << " "
              << b.offset << ")\n";
  for (const auto& b : R.bad_beyond)
    std::cout << "  LBA " << b.offset / R.sector_size << " +" << b.length / R.sector_size << " (" << tr("acquire.byte_offset") << " "
              << b.offset << ") " << tr("acquire.not_imaged") << "\n";
  if (!R.source_hashes.empty()) {
    std::cout << tr("acquire.source_hashes") << ":\n";
    for (const auto& h : R.source_hashes) std::cout << "  " << to_string(h.algo) << "  " << h.hex << "\n";
  } else {
    std::cout << tr("acquire.no_whole_hash") << " (" << R.bytes_covered << " bytes)\n";
    for (const auto& h : R.partial_hashes) std::cout << "  " << to_string(h.algo) << "  " << h.hex << "\n";
  }
  for (const auto& c : R.verification) {
    if (!c.done) {
      std::cout << "  [--] " << c.what << ": " << (ja ? c.note_ja : c.note_en) << "\n";
      continue;
    }
    std::cout << "  [" << (c.match ? tr("acquire.match") : tr("acquire.mismatch")) << "] " << c.what << " " << c.algo << " "
              << c.actual << "\n";
  }
  std::cout << (ja ? R.verify_summary_ja : R.verify_summary_en) << "\n";
  if (!r.state_file.empty())
    std::cout << tr("acquire.resume_with") << ": shodo acquire --resume " << r.state_file.string() << "\n";
  for (const auto& e : r.report_errors)
    std::cout << tr("acquire.report_not_written") << ": " << (ja ? e.ja : e.en) << "\n";
  for (const auto& f : R.failures)  // the reports beside the image are listed just above
    if (f.stage != "sidecar" && f.stage != "second_sidecar")
      std::cout << tr("acquire.record_not_saved") << " (" << f.stage << "): " << f.error.describe(ja) << "\n";
  std::cout << tr("acquire.files") << ":\n";
  for (const auto& f : r.written) std::cout << "  " << f.string() << "\n";
  std::cout << tr("acquire.exit") << ": " << code << "\n";
}

struct AcquireArgs {
  std::string source, dest, second_dest, name, format = "raw", segment, compression = "fast", hash = "sha256", piece;
  int retries = 2;
  std::uint64_t max_bad = 0;
  bool verify_source = false, allow_rw = false, preflight_only = false;
  std::string reason, source_no, description, notes, witness, dest_serial, blocker, location, resume, block_size;
};

int run_acquire(const Globals& g, const AcquireArgs& a) {
  AcquireRequest req;
  if (a.resume.empty()) {
    if (a.source.empty() || a.dest.empty()) {
      std::cerr << "shodo: " << tr("cli.error") << ": " << tr("acquire.need_source_dest") << "\n";
      return 2;
    }
    req.source = a.source;
    req.dest_dir = a.dest;
    if (!a.second_dest.empty()) req.second_dest_dir = fs::path(a.second_dest);
    req.name = a.name;
    auto fmt_ = parse_image_format(a.format);
    if (!fmt_) return report_error(fmt_.error());
    req.format = fmt_.value();
    if (!a.segment.empty() && !parse_size(a.segment, req.segment_bytes))
      return report_error(make_error(ErrorCode::invalid_input, "分割サイズが読めません: " + a.segment, "invalid segment size: " + a.segment));
    if (!a.piece.empty() && !parse_size(a.piece, req.piece_size))
      return report_error(make_error(ErrorCode::invalid_input, "区間ハッシュの大きさが読めません: " + a.piece, "invalid piece size: " + a.piece));
    std::uint64_t bs = 0;
    if (!a.block_size.empty()) {
      if (!parse_size(a.block_size, bs) || bs < 4096 || bs % 4096 != 0 || bs > (64u << 20))
        return report_error(make_error(ErrorCode::invalid_input, "ブロックサイズは 4 KiB の倍数で 64 MiB 以下にしてください",
                                       "the block size must be a multiple of 4 KiB, at most 64 MiB"));
      req.block_size = static_cast<std::size_t>(bs);
    }
    auto comp = parse_ewf_compression(a.compression);
    if (!comp) return report_error(comp.error());
    req.compression = comp.value();
    auto algos = parse_hash_algos(a.hash);
    if (!algos) return report_error(algos.error());
    req.algos = algos.value();
    req.retries = a.retries;
    req.max_bad_sectors = a.max_bad;
    req.verify_source = a.verify_source;
    req.allow_mounted_rw = a.allow_rw;
    req.override_reason = a.reason;
    if (a.allow_rw && a.reason.empty())
      return report_error(make_error(ErrorCode::invalid_input, "--allow-mounted-rw には --reason で理由が必要です",
                                     "--allow-mounted-rw needs a reason (--reason)"));
    req.source_evidence_no = a.source_no;
    req.description = a.description;
    req.notes = a.notes;
    req.witness = a.witness;
    req.destination_medium_serial = a.dest_serial;
    req.write_blocker = a.blocker;
    req.found_location = a.location;
  }
  if (a.preflight_only) {
    // Check the names the job would use: by default the image's evidence number, as run() takes
    // it (read from the register, nothing written); "image" when there is no incident to ask.
    if (req.name.empty()) {
      req.name = "image";
      if (auto id = current_incident(g)) {
        if (auto reg = evidence::EvidenceRegister::open_dir(incident_dir(resolve_case_root(g.case_root), id.value()), id.value()))
          if (auto plan = plan_evidence_numbers(reg.value(), req.source_evidence_no)) req.name = plan->image;
      }
    }
    auto pf = preflight(req, resolve_case_root(g.case_root));
    print_preflight(pf);
    return preflight_exit(pf);
  }
  // --resume: the state file names its incident and case root; they apply unless given.
  Globals gg = g;
  if (!a.resume.empty()) {
    auto text = read_file(a.resume);
    if (!text) return report_error(text.error());
    const auto st = nlohmann::json::parse(text.value(), nullptr, false);
    // Only a hint for opening the workspace: resume_acquisition checks the file strictly.
    if (st.is_object()) {
      if (gg.incident.empty() && st.contains("incident_id") && st["incident_id"].is_string())
        gg.incident = st["incident_id"].get<std::string>();
      if (gg.case_root.empty() && st.contains("case_root") && st["case_root"].is_string())
        gg.case_root = st["case_root"].get<std::string>();
    }
  }
  auto ws = open_workspace(gg, true);
  if (!ws) return report_error(ws.error());
  std::signal(SIGXFSZ, SIG_IGN);  // a file-size limit is an EFBIG error the job reports, never a kill
  std::optional<Preflight> seen_preflight;
  // The Workspace is lent to the job until run_job returns; this thread does not touch it meanwhile.
  Workspace& w = *ws.value();
  JobRunner<AcquireResult, Preflight> runner(acquisition_job_type());
  Result<AcquireResult> r = run_job<AcquireResult, Preflight>(
      runner,
      [&w, &req, &a](const JobContext& c, const JobRunner<AcquireResult, Preflight>::Notify& notify) {
        AcquireCallbacks cb;
        cb.on_preflight = [&notify](const Preflight& p) { notify(p); };
        return a.resume.empty() ? run_acquisition(w, req, c.progress, c.cancel, cb)
                                : resume_acquisition(w, a.resume, c.progress, c.cancel, cb);
      },
      [&](Preflight& p) {
        if (!g.json) print_preflight(p);
        seen_preflight = std::move(p);
      });
  if (!r) {
    if (seen_preflight && !seen_preflight->can_start()) {
      std::cerr << "shodo: " << tr("cli.error") << ": " << (i18n::japanese() ? r.error().ja : r.error().en) << "\n";
      return preflight_exit(*seen_preflight);
    }
    return report_error(r.error());
  }
  // One verdict from the core decides the exit status (and the GUI's state): issue 10 §4.
  const int code = exit_code(verdict_of(r.value()).verdict);
  if (g.json) {
    auto j = to_json(r->record);
    j["exit_code"] = code;
    for (const auto& e : r->report_errors) j["report_errors"].push_back({{"ja", e.ja}, {"en", e.en}});
    std::cout << j.dump(2) << "\n";
  } else {
    print_result(r.value(), code);
  }
  return code;
}

int run_verify_image(const Globals& g, const std::string& image, const std::vector<std::string>& expect) {
  std::vector<HashValue> expected;
  for (const auto& e : expect) {
    const auto colon = e.find(':');
    auto algo = parse_hash_algos(colon == std::string::npos ? "" : e.substr(0, colon));
    if (!algo || colon == std::string::npos)
      return report_error(make_error(ErrorCode::invalid_input, "--expect は 方式:値 で指定してください（例 sha256:ab12…）: " + e,
                                     "--expect takes ALGO:HEX (e.g. sha256:ab12…): " + e));
    const std::string hex = e.substr(colon + 1);
    if (hex.size() != digest_hex_length(algo->front()) || hex.find_first_not_of("0123456789abcdef") != std::string::npos)
      return report_error(make_error(ErrorCode::invalid_input, "ハッシュ値の形式が違います: " + e, "malformed hash value: " + e));
    expected.push_back({algo->front(), hex});
  }
  JobRunner<ImageVerifyResult> runner(image_verify_job_type());
  Result<ImageVerifyResult> r = run_job<ImageVerifyResult, std::monostate>(
      runner, [&image, &expected](const JobContext& c, const JobRunner<ImageVerifyResult>::Notify&) {
        return verify_image(image, c.progress, c.cancel, expected);
      });
  if (!r) return report_error(r.error());
  // The result goes on the image's evidence item (and so into the chronology) when its incident
  // is on this case root; elsewhere the check still runs and says it was not recorded.
  std::string recorded;
  if (!r->image_evidence_no.empty()) {
    Globals gg = g;
    const auto dash_e = r->image_evidence_no.rfind("-E");
    if (gg.incident.empty() && dash_e != std::string::npos) gg.incident = r->image_evidence_no.substr(0, dash_e);
    auto ws = open_workspace(gg, true);
    auto reg = ws ? evidence::EvidenceRegister::open(*ws.value()) : Result<evidence::EvidenceRegister>(ws.error());
    if (reg && reg->find(r->image_evidence_no)) {
      bool all = true;
      for (const auto& c : r->checks) {
        evidence::VerificationEvent v;
        v.what = "image_reread";
        v.match = c.match;
        v.detail = "shodo verify-image " + image + ": " + c.what + " " + c.algo + " expected " + c.expected + " actual " + c.actual;
        all = reg->record_verification(*ws.value(), r->image_evidence_no, v).ok() && all;
      }
      if (all) recorded = r->image_evidence_no;
    }
  }
  if (g.json) {
    nlohmann::json checks = nlohmann::json::array();
    for (const auto& c : r->checks)
      checks.push_back({{"what", c.what}, {"algorithm", c.algo}, {"expected", c.expected}, {"actual", c.actual}, {"match", c.match}});
    std::cout << nlohmann::json{{"image", image}, {"match", r->match}, {"checks", checks}, {"recorded_on", recorded}}.dump(2) << "\n";
  } else {
    for (const auto& c : r->checks)
      std::cout << "[" << (c.match ? tr("acquire.match") : tr("acquire.mismatch")) << "] " << c.algo << "  " << tr("acquire.expected")
                << " " << c.expected << "  " << tr("acquire.actual") << " " << (c.actual.empty() ? "-" : c.actual) << "\n";
    std::cout << (r->match ? tr("verify_image.ok") : tr("verify_image.bad")) << "\n";
    if (!recorded.empty())
      std::cout << tr("verify_image.recorded") << ": " << recorded << "\n";
    else
      std::cout << tr("verify_image.not_recorded") << "\n";
  }
  return r->match ? 0 : 4;
}

// `shodo acquire <source> --dest …` (issue 3).
void add_acquire_command(CLI::App& app, Globals& g, int& exit_code) {
  auto a = std::make_shared<AcquireArgs>();
  auto* c = app.add_subcommand("acquire", tr("cli.acquire.description"));
  c->add_option("source", a->source, tr("cli.acquire.source"));
  c->add_option("--dest", a->dest, tr("cli.acquire.dest"));
  c->add_option("--second-dest", a->second_dest, tr("cli.acquire.second_dest"));
  c->add_option("--name", a->name, tr("cli.acquire.name"));
  c->add_option("--format", a->format, tr("cli.acquire.format"))->check(CLI::IsMember({"raw", "split", "e01"}));
  c->add_option("--segment-size", a->segment, tr("cli.acquire.segment"));
  c->add_option("--compression", a->compression, tr("cli.acquire.compression"));
  c->add_option("--hash", a->hash, tr("cli.acquire.hash"));
  c->add_option("--piece-size", a->piece, tr("cli.acquire.piece"));
  c->add_option("--block-size", a->block_size, tr("cli.acquire.block_size"));
  c->add_option("--retries", a->retries, tr("cli.acquire.retries"))->check(CLI::Range(0, 20));
  c->add_option("--max-bad-sectors", a->max_bad, tr("cli.acquire.max_bad"));
  c->add_flag("--verify-source", a->verify_source, tr("cli.acquire.verify_source"));
  c->add_flag("--allow-mounted-rw", a->allow_rw, tr("cli.acquire.allow_rw"));
  c->add_option("--reason", a->reason, tr("cli.acquire.reason"));
  c->add_option("--source-evidence", a->source_no, tr("cli.acquire.source_evidence"));
  c->add_option("--description", a->description, tr("cli.acquire.description_opt"));
  c->add_option("--notes", a->notes, tr("cli.acquire.notes"));
  c->add_option("--witness", a->witness, tr("cli.acquire.witness"));
  c->add_option("--dest-serial", a->dest_serial, tr("cli.acquire.dest_serial"));
  c->add_option("--write-blocker", a->blocker, tr("cli.acquire.write_blocker"));
  c->add_option("--found-location", a->location, tr("cli.acquire.found_location"));
  c->add_flag("--preflight-only", a->preflight_only, tr("cli.acquire.preflight_only"));
  c->add_option("--resume", a->resume, tr("cli.acquire.resume"));
  c->callback([&g, &exit_code, a] { exit_code = run_acquire(g, *a); });
}

// `shodo verify-image <image> [--expect algo:hex …]`.
void add_verify_image_command(CLI::App& app, Globals& g, int& exit_code) {
  auto image = std::make_shared<std::string>();
  auto expect = std::make_shared<std::vector<std::string>>();
  auto* v = app.add_subcommand("verify-image", tr("cli.verify_image.description"));
  v->add_option("image", *image, tr("cli.verify_image.image"))->required();
  v->add_option("--expect", *expect, tr("cli.verify_image.expect"));
  v->callback([&g, &exit_code, image, expect] { exit_code = run_verify_image(g, *image, *expect); });
}

}  // namespace

void add_acquire_commands(CLI::App& app, Globals& g, int& exit_code) {
  add_acquire_command(app, g, exit_code);
  add_verify_image_command(app, g, exit_code);
}

}  // namespace shodo::cli
