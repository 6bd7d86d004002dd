// The Evidence screen without a window (label "gui"): the acquisition wizard driven through the
// same widgets a user clicks (script tags), with an image-file source in a temp dir (headless
// tests cannot rely on real block devices), the job on its worker thread, the result panel, the
// register (source + image, derived_from), custody PDFs, a transfer, the preflight that blocks
// Start, and the lock that keeps the other screens away while a job owns the Workspace.
#include "tests/unit/test_support.hpp"

#include <chrono>
#include <string>
#include <thread>

#include "app/gui/acquire_wizard.hpp"
#include "app/gui/app_model.hpp"
#include "app/gui/headless.hpp"
#include "app/gui/rate_plot.hpp"
#include "app/gui/screen_evidence.hpp"
#include "app/gui/script_runner.hpp"
#include "forensics/case/workspace.hpp"
#include "forensics/i18n/catalogue.hpp"
#include "tests/unit/fake_sysfs.hpp"

using namespace shodo;
using namespace shodo::gui;
using shodo::unit::k_s;
using shodo::unit::read_bytes;
using shodo::unit::write_bytes;

namespace {

constexpr std::int64_t k_t0 = 1667173200LL * k_s;  // 2022-10-31 08:40 JST
constexpr const char* k_id = "OGMC-20221031-01";

AppModelOptions model_options(const std::filesystem::path& root, const Clock* clock,
                              const acquire::ListOptions& device_roots = {}) {
  AppModelOptions o;
  o.case_root = root / "case";
  o.clock = clock;
  o.device_roots = device_roots;
  return o;
}

IncidentInfo incident() {
  IncidentInfo i;
  i.incident_id = k_id;
  i.title = "電子カルテ停止";
  i.facility = "大阪総合医療センター";
  return i;
}

// Deterministic, non-repeating content (an xorshift stream), so a hash over a wrong offset fails.
std::string pseudo_random(std::size_t bytes) {
  std::string s(bytes, '\0');
  std::uint64_t x = 0x9E3779B97F4A7C15ull;
  for (std::size_t i = 0; i < bytes; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    s[i] = static_cast<char>(x >> 32);
  }
  return s;
}

// Runs a script to its end with a wall-clock budget (the job runs on its own thread, so frames
// are spaced a little to let it work), failing the test with the script's own message.
void run_script(HeadlessGui& gui, const std::string& text, double seconds = 120) {
  auto script = ScriptRunner::parse(text, "inline");
  REQUIRE(script.ok());
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!script->finished() && std::chrono::steady_clock::now() < end) {
    gui.frame(&script.value());
    if (gui.app().evidence().job_busy()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  INFO(script->failure());
  REQUIRE(script->finished());
  REQUIRE(script->exit_code() == 0);
}

// Renders frames until `pred` holds (a condition the job's worker makes true); the bound only
// keeps a broken build from hanging.
template <class Pred>
bool wait_for(HeadlessGui& gui, Pred pred) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!pred()) {
    if (std::chrono::steady_clock::now() > end) return false;
    gui.frame();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

void frames(HeadlessGui& gui, int n) {
  for (int i = 0; i < n; ++i) gui.frame();
}

struct Fixture {
  shodo::unit::TempDir dir;
  FixedClock clock{shodo::unit::reading(k_t0, 1000 * k_s)};
  std::unique_ptr<AppModel> model;
  std::unique_ptr<HeadlessGui> gui;
  std::filesystem::path source, dest;
  std::string content;

  // `device_roots`: where the device list looks (the real /sys … by default).
  explicit Fixture(std::size_t source_bytes, const acquire::ListOptions& device_roots = {}) {
    i18n::set_lang(i18n::Lang::ja);
    source = dir.path() / "evidence-src" / "disk.img";
    dest = dir.path() / "dest";
    std::filesystem::create_directories(source.parent_path());
    std::filesystem::create_directories(dest);
    content = pseudo_random(source_bytes);
    write_bytes(source, content);
    model = std::make_unique<AppModel>(model_options(dir.path(), &clock, device_roots));
    REQUIRE(model->set_operator({"山田 花子", {"CSIRT"}}));
    REQUIRE(model->create_incident(incident()));
    gui = std::make_unique<HeadlessGui>(*model, ImVec2(1024, 768));
  }
  // Wizard up to the preflight step with an image-file source, raw, SHA-256 + MD5.
  std::string to_preflight(const std::filesystem::path& destination) const {
    return "screen evidence\nexpect_screen evidence\nclick ev.tab.acquire\nclick acq.src.image_path\ntype " +
           source.string() + "\nclick acq.next\nclick acq.dest.dir\ntype " + destination.string() +
           "\nclick acq.hash.md5\nclick acq.next\nclick acq.case.description\ntype 検証用イメージファイル\n"
           "click acq.case.witness\ntype 佐藤 次郎\nclick acq.case.dest_serial\ntype DEST-0001\nclick acq.next\n"
           "wait_frames 2\nexpect_tag acq.start\n";
  }
};

}  // namespace

TEST_CASE("the wizard images a 4 MiB file: verified result, hashes, register of source and image", "[gui][evidence]") {
  Fixture f(4u << 20);
  HeadlessGui& gui = *f.gui;
  run_script(gui, f.to_preflight(f.dest));
  AcquireWizard& w = gui.app().evidence().wizard();
  REQUIRE(w.step() == WizardStep::preflight);
  REQUIRE(w.preflight());
  CHECK(w.preflight()->can_start());
  REQUIRE(w.start_enabled(*f.model));
  CHECK(w.form().format == 0);
  CHECK(w.form().md5);
  CHECK(w.form().name == std::string(k_id) + "-E002");  // the image's evidence number

  run_script(gui, "click acq.start\nwait_job 120\nwait_frames 3\nexpect_no_error\nexpect_tag acq.res.outcome\n");
  REQUIRE(w.step() == WizardStep::verify);
  REQUIRE(w.result());
  INFO((w.result()->ok() ? std::string() : w.result()->error().describe(false)));
  REQUIRE(w.result()->ok());
  const acquire::AcquireResult& r = w.result()->value();
  CHECK(r.outcome == acquire::Outcome::complete);
  CHECK(r.verified);
  CHECK(r.record.outcome == "complete");
  CHECK(r.record.bytes_covered == f.content.size());
  CHECK(r.record.bad_sectors == 0);

  // SHA-256 of the source as computed here, independently (openssl CLI), and of the image file.
  const std::string want = shodo::unit::openssl_sha256_file(f.source);
  REQUIRE(want.size() == 64);
  std::string sha256, md5;
  for (const auto& h : r.record.source_hashes) {
    if (h.algo == HashAlgo::sha256) sha256 = h.hex;
    if (h.algo == HashAlgo::md5) md5 = h.hex;
  }
  CHECK(sha256 == want);
  CHECK(md5 == shodo::unit::run_command("openssl dgst -md5 -r '" + f.source.string() + "'").substr(0, 32));
  const auto image = f.dest / (std::string(k_id) + "-E002.raw");
  REQUIRE(std::filesystem::exists(image));
  CHECK(shodo::unit::openssl_sha256_file(image) == want);
  // Verification MATCH for each algorithm of the image re-read, shown in the result panel.
  int matches = 0;
  for (const auto& c : r.record.verification)
    if (c.what == "image_reread") {
      CHECK(c.done);
      CHECK(c.match);
      ++matches;
    }
  CHECK(matches == 2);
  run_script(gui, "expect_tag acq.res.verify.0\nexpect_tag acq.res.hash.sha256\n");

  // The register now lists the source and its image, derived from it.
  const auto& items = gui.app().evidence().items();
  REQUIRE(items.size() == 2);
  CHECK(items[0].evidence_no == std::string(k_id) + "-E001");
  CHECK(items[0].description == "検証用イメージファイル");
  CHECK(items[0].witness.name == "佐藤 次郎");
  CHECK(items[1].evidence_no == std::string(k_id) + "-E002");
  CHECK(items[1].derived_from == items[0].evidence_no);
  CHECK(items[1].item_type == evidence::ItemType::disk_image);
  REQUIRE(items[1].primary_sha256());
  CHECK(items[1].primary_sha256()->value == want);
  REQUIRE(items[1].acquisition);
  CHECK(items[1].acquisition->destination_medium_serial == "DEST-0001");
  CHECK(items[1].acquisition->outcome == "completed");
  // The chronology has the start and end of the acquisition (written by the worker).
  bool started = false, ended = false;
  for (const auto& e : f.model->entries()) {
    started = started || e.system_event == "acquisition_started";
    ended = ended || (e.system_event == "acquisition_ended" && e.content_en.find("verify MATCH") != std::string::npos);
  }
  CHECK(started);
  CHECK(ended);

  // Custody: EV-01 label and EV-02 custody form of the image into the incident's folder.
  run_script(gui, "click acq.next\nclick acq.cust.label.1\nclick acq.cust.form.1\nwait_frames 3\nexpect_no_error\n"
                  "expect_tag acq.cust.path.1\n");
  REQUIRE(w.step() == WizardStep::custody);
  REQUIRE(w.outputs().size() == 2);
  for (const auto& o : w.outputs()) {
    INFO(o.file.path);
    CHECK(o.evidence_no == std::string(k_id) + "-E002");
    REQUIRE(std::filesystem::exists(o.file.path));
    CHECK(read_bytes(o.file.path).rfind("%PDF", 0) == 0);
    CHECK(o.file.path.string().find(f.model->workspace()->dir().string()) == 0);
  }

  // A transfer of the image, through the register tab and the dialog.
  run_script(gui, "click ev.tab.register\nclick ev.reg.row.1\nclick ev.reg.transfer\nwait_frames 2\nclick tr.to\n"
                  "type 鈴木 三郎\nclick tr.to_org\ntype 県警 サイバー犯罪対策課\nclick tr.purpose.2\nclick tr.seal.1\n"
                  "click tr.ok\nwait_frames 3\nexpect_no_error\nexpect_tag ev.reg.transfer.0\n");
  const auto& after = gui.app().evidence().items();
  REQUIRE(after.size() == 2);
  CHECK(after[1].current_custodian.name == "鈴木 三郎");
  auto reg = evidence::EvidenceRegister::open(*f.model->workspace());
  REQUIRE(reg.ok());
  const auto transfers = reg->transfers_of(after[1].evidence_no);
  REQUIRE(transfers.size() == 1);
  CHECK(transfers[0].from.name == "山田 花子");
  CHECK(transfers[0].purpose == "police_submission");
  CHECK(transfers[0].seal_intact == std::optional<bool>(true));
}

TEST_CASE("a blocking preflight (destination missing) disables Start", "[gui][evidence]") {
  Fixture f(1u << 20);
  HeadlessGui& gui = *f.gui;
  const auto missing = f.dir.path() / "no-such-folder";
  run_script(gui, f.to_preflight(missing));
  AcquireWizard& w = gui.app().evidence().wizard();
  REQUIRE(w.step() == WizardStep::preflight);
  REQUIRE(w.preflight());
  CHECK_FALSE(w.preflight()->can_start());
  bool dest_ng = false;
  for (const auto& c : w.preflight()->checks) dest_ng = dest_ng || (c.id == "dest_exists" && !c.ok && c.blocking);
  CHECK(dest_ng);
  CHECK_FALSE(w.start_enabled(*f.model));
  // Clicking the disabled button starts nothing and writes nothing.
  const std::size_t entries = f.model->entries().size();
  run_script(gui, "click acq.start\nwait_frames 5\n");
  CHECK_FALSE(gui.app().evidence().job_busy());
  CHECK(w.step() == WizardStep::preflight);
  CHECK_FALSE(w.result());
  CHECK(f.model->entries().size() == entries);
  CHECK(gui.app().evidence().items().empty());
  // Once the folder exists, checking again enables Start.
  std::filesystem::create_directories(missing);
  run_script(gui, "click acq.pf.recheck\nwait_frames 2\n");
  CHECK(w.preflight()->can_start());
  CHECK(w.start_enabled(*f.model));
}

TEST_CASE("while a job owns the Workspace the other screens and recording are locked — cancel asks first",
          "[gui][evidence]") {
  Fixture f(32u << 20);
  HeadlessGui& gui = *f.gui;
  run_script(gui, f.to_preflight(f.dest));
  AcquireWizard& w = gui.app().evidence().wizard();
  REQUIRE(w.start_enabled(*f.model));
  // Paused straight away (the pipeline waits between blocks), so the job is surely still running.
  UiContext& ctx = gui.app().context();
  REQUIRE(w.start(ctx));
  w.job().set_paused(true);
  frames(gui, 3);
  REQUIRE(gui.app().evidence().job_busy());
  CHECK(w.step() == WizardStep::run);
  run_script(gui, "expect_tag ev.busy_banner\nexpect_tag acq.run.plot\nclick nav.chronology\nwait_frames 2\n"
                  "expect_screen evidence\nkey f2\nwait_frames 2\nexpect_screen evidence\n");
  // The rate plot really occupies the width of the panel (a negative width once drew nothing).
  const auto plot = gui.app().tags().find("acq.run.plot");
  REQUIRE(plot);
  CHECK(plot->max.x - plot->min.x > 500.0f);
  CHECK(plot->max.y - plot->min.y > 40.0f);
  // The jobs list shows the same job as paused; its Pause button resumes it.
  run_script(gui, "click ev.tab.jobs\nwait_frames 3\nexpect_tag ev.jobs.state.1\nexpect_tag ev.jobs.cancel\n");
  REQUIRE(w.jobs().size() == 1);
  CHECK(w.jobs()[0].state == JobState::paused);
  run_script(gui, "click ev.jobs.pause\nwait_frames 3\nclick ev.jobs.pause\nwait_frames 3\n");
  CHECK(w.job().paused());
  CHECK(w.jobs()[0].state == JobState::paused);
  run_script(gui, "click ev.tab.acquire\nwait_frames 3\nexpect_tag acq.cancel\n");
  gui.app().show(Screen::home);  // even a direct switch comes back
  frames(gui, 2);
  CHECK(gui.app().screen() == Screen::evidence);
  // Cancel needs the confirmation; "keep going" keeps it running.
  run_script(gui, "click acq.cancel\nwait_frames 2\nclick acq.cancel.no\nwait_frames 2\n");
  CHECK_FALSE(w.job().cancel_requested());
  CHECK(gui.app().evidence().job_busy());
  // Closing the window asks the same question: "keep going" keeps the job and the window.
  w.request_close();
  run_script(gui, "wait_frames 2\nclick acq.cancel.no\nwait_frames 2\n");
  CHECK_FALSE(w.job().cancel_requested());
  CHECK(gui.app().evidence().job_busy());
  CHECK_FALSE(w.close_now());
  // Confirmed: the job closes its partial image first, then the window may close.
  w.request_close();
  CHECK_FALSE(w.close_now());
  run_script(gui, "wait_frames 2\nclick acq.cancel.yes\nwait_job 60\nwait_frames 3\nexpect_no_error\n");
  CHECK(w.close_now());
  REQUIRE(w.result());
  REQUIRE(w.result()->ok());
  CHECK(w.result()->value().outcome == acquire::Outcome::cancelled);
  CHECK(w.result()->value().record.source_hashes.empty());  // no whole-source hash for a partial image
  // Unlocked again; the register shows the aborted image.
  run_script(gui, "screen chronology\nexpect_screen chronology\nscreen evidence\n");
  const auto& items = gui.app().evidence().items();
  REQUIRE(items.size() == 2);
  REQUIRE(items[1].acquisition);
  CHECK(items[1].acquisition->outcome == "aborted");
  // The jobs list says how it ended, with the reason.
  REQUIRE(w.jobs().size() == 1);
  CHECK(w.jobs()[0].state == JobState::aborted);
  CHECK(w.jobs()[0].image_no == items[1].evidence_no);
  CHECK(w.jobs()[0].bytes_covered < f.content.size());
  CHECK_FALSE(w.jobs()[0].reason_ja.empty());
}

TEST_CASE("pause holds the job still, resume finishes it — jobs list, chronology entries and a seal from custody",
          "[gui][evidence]") {
  Fixture f(48u << 20);
  HeadlessGui& gui = *f.gui;
  run_script(gui, f.to_preflight(f.dest));
  AcquireWizard& w = gui.app().evidence().wizard();
  UiContext& ctx = gui.app().context();
  REQUIRE(w.start(ctx));
  w.job().set_paused(true);
  frames(gui, 2);
  REQUIRE(gui.app().evidence().job_busy());
  // Paused: the pipeline's reader parks between blocks (the job acknowledges the pause — waited
  // for as a condition, frames going on meanwhile), so it cannot read further and the job cannot
  // end; blocks already queued may still drain, but never past what was read before the pause.
  REQUIRE(wait_for(gui, [&w] { return w.job().worker_parked(); }));
  frames(gui, 20);
  CHECK(w.job().worker_parked());
  CHECK(gui.app().evidence().job_busy());
  CHECK_FALSE(w.job().worker_done());
  CHECK(w.job().progress().done.load() < f.content.size());
  frames(gui, 2);
  REQUIRE(w.jobs().size() == 1);
  CHECK(w.jobs()[0].state == JobState::paused);
  run_script(gui, "expect_tag acq.run.state\nclick acq.pause\nwait_job 120\nwait_frames 3\nexpect_no_error\n"
                  "expect_tag acq.res.state\n");
  REQUIRE(w.result());
  REQUIRE(w.result()->ok());
  CHECK(w.result()->value().outcome == acquire::Outcome::complete);
  CHECK(w.result()->value().record.bytes_covered == f.content.size());
  const JobRecord& j = w.jobs().at(0);
  CHECK(j.state == JobState::complete);
  CHECK(j.bytes_covered == f.content.size());
  CHECK(j.source_no == std::string(k_id) + "-E001");
  CHECK(j.image_no == std::string(k_id) + "-E002");
  CHECK(j.source == f.source.string());

  // The entries the job wrote, as the custody step lists them.
  bool started = false, ended = false;
  for (const auto& e : w.job_entries()) {
    started = started || e.system_event == "acquisition_started";
    ended = ended || e.system_event == "acquisition_ended";
  }
  CHECK(started);
  CHECK(ended);
  run_script(gui, "click acq.next\nwait_frames 2\nexpect_tag acq.cust.entries\nexpect_tag acq.cust.entry.0\n");

  // Seal the image from the custody step: the register's dialog, a register event and an entry.
  run_script(gui, "click acq.cust.seal.1\nwait_frames 3\nclick seal.no\ntype SEAL-0042\nclick seal.ok\n"
                  "wait_frames 3\nexpect_no_error\n");
  const auto& items = gui.app().evidence().items();
  REQUIRE(items.size() == 2);
  CHECK(items[1].seal_no == "SEAL-0042");
  CHECK(f.model->entries().back().system_event == "evidence_sealed");
  // The register row shows the acquisition's outcome and verification; the jobs tab lists the
  // recorded acquisition too.
  run_script(gui, "click ev.tab.register\nwait_frames 3\nexpect_tag ev.reg.state.1\nclick ev.tab.jobs\nwait_frames 3\n"
                  "expect_tag ev.jobs.recorded.0\nexpect_tag ev.jobs.state.1\nclick ev.jobs.show\nwait_frames 4\n"
                  "expect_tag acq.res.state\n");
  CHECK(gui.app().evidence().tab() == EvidenceTab::acquire);
  CHECK(w.step() == WizardStep::verify);
}

TEST_CASE("every listed device shows its read-only badge", "[gui][evidence]") {
  // A fake machine (the real one may have no block devices at all): a SATA disk with two
  // partitions, a USB stick whose disk and partition the kernel marks read-only, a loop device
  // with an image behind it, an unattached loop device (not listed) and the disk holding the case
  // root (listed, not offered).
  shodo::unit::TempDir sys_dir;
  shodo::unit::FakeSystem s(sys_dir.path());
  const auto sda = s.add_disk({"sda", "pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda", "8:0", 1953525168,
                               {}, {{"model", "WDC WD10EZEX-08W"}, {"vendor", "ATA     "}}});
  s.add_partition(sda, "sda1", 1, "8:1", 2048, 1048576);
  s.add_partition(sda, "sda2", 2, "8:2", 1050624, 1952474511);
  const auto sdb = s.add_disk({"sdb", "pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0/block/sdb", "8:16",
                               60063744, {{"removable", "1"}, {"ro", "1"}}, {{"model", "Ultra"}, {"vendor", "SanDisk "}}});
  s.add_partition(sdb, "sdb1", 1, "8:17", 2048, 60061696);
  shodo::unit::put(sdb / "sdb1" / "ro", "1");
  s.add_disk({"loop0", "virtual/block/loop0", "7:0", 131072, {{"loop/backing_file", "/srv/images/disk 1.img"}}, {}});
  s.add_disk({"loop1", "virtual/block/loop1", "7:1", 0, {}, {}});
  s.add_disk({"vdb", "pci0000:00/0000:00:04.0/virtio2/block/vdb", "252:16", 2097152, {}, {{"vendor", "0x1af4"}}});
  s.mountinfo("42 26 252:16 / /tmp rw,relatime shared:42 - ext4 /dev/vdb rw\n");  // the fixture's case root is under /tmp
  Fixture f(1u << 20, s.options());
  HeadlessGui& gui = *f.gui;
  run_script(gui, "screen evidence\nclick ev.tab.devices\nwait_frames 3\n");
  const auto& devices = gui.app().evidence().devices();
  INFO(gui.app().evidence().devices_error());
  CHECK(gui.app().evidence().devices_error().empty());
  REQUIRE(devices.size() == 4);
  CHECK(devices[0].name == "loop0");
  CHECK(devices[1].name == "sda");
  CHECK(devices[1].partitions.size() == 2);
  CHECK_FALSE(devices[1].read_only);
  CHECK(devices[2].name == "sdb");
  REQUIRE(devices[2].partitions.size() == 1);
  CHECK(devices[2].read_only);
  CHECK(devices[2].partitions[0].read_only);
  CHECK(devices[3].name == "vdb");
  CHECK_FALSE(devices[3].offered());
  for (std::size_t i = 0; i < devices.size(); ++i) {
    INFO(devices[i].path);
    CHECK(gui.app().tags().find("ev.dev.ro." + std::to_string(i)));
    for (std::size_t k = 0; k < devices[i].partitions.size(); ++k)
      CHECK(gui.app().tags().find("ev.dev.ro." + std::to_string(i) + "." + std::to_string(k)));
  }
  // The source step shows the same badge beside every device, offered or not.
  run_script(gui, "click ev.tab.acquire\nwait_frames 3\n");
  for (std::size_t i = 0; i < devices.size(); ++i) CHECK(gui.app().tags().find("acq.src.ro." + std::to_string(i)));
}

TEST_CASE("job states: live from phase and token, final from the result", "[gui][evidence]") {
  using acquire::Phase;
  CHECK(live_job_state(Phase::preparing, false, false) == JobState::preparing);
  CHECK(live_job_state(Phase::acquiring, false, false) == JobState::acquiring);
  CHECK(live_job_state(Phase::verifying_image, false, false) == JobState::verifying_image);
  CHECK(live_job_state(Phase::verifying_source, false, false) == JobState::verifying_source);
  CHECK(live_job_state(Phase::writing_records, false, false) == JobState::writing_records);
  CHECK(live_job_state(Phase::acquiring, true, false) == JobState::paused);
  CHECK(live_job_state(Phase::verifying_image, true, true) == JobState::cancelling);
  // "Phase n of m" counts the copying and verifying phases only.
  CHECK(phase_number(Phase::preparing) == 0);
  CHECK(phase_number(Phase::acquiring) == 1);
  CHECK(phase_number(Phase::verifying_image) == 2);
  CHECK(phase_number(Phase::verifying_source) == 3);
  CHECK(phase_number(Phase::writing_records) == 0);
  CHECK(phase_count(false) == 2);
  CHECK(phase_count(true) == 3);
  const Result<acquire::AcquireResult> refused = make_error(ErrorCode::no_space, "空き不足", "no space");
  CHECK(final_job_state(refused) == JobState::refused);
  acquire::AcquireResult r;
  r.outcome = acquire::Outcome::complete;
  r.verified = true;
  CHECK(final_job_state(Result<acquire::AcquireResult>(r)) == JobState::complete);
  r.outcome = acquire::Outcome::complete_with_bad_sectors;
  CHECK(final_job_state(Result<acquire::AcquireResult>(r)) == JobState::complete_with_bad_sectors);
  acquire::VerifyCheck bad;
  bad.what = "image_reread";
  bad.done = true;
  bad.match = false;
  r.record.verification.push_back(bad);
  r.verified = false;
  CHECK(final_job_state(Result<acquire::AcquireResult>(r)) == JobState::verify_mismatch);
  r.outcome = acquire::Outcome::aborted_source_gone;
  CHECK(final_job_state(Result<acquire::AcquireResult>(r)) == JobState::aborted);
  // The cases the CLI and the GUI used to disagree on (issue 10 §4): one verdict decides both.
  acquire::AcquireResult no_reports;
  no_reports.outcome = acquire::Outcome::complete;
  no_reports.verified = true;
  no_reports.report_errors.push_back(make_error(ErrorCode::no_space, "空き不足", "no space"));
  CHECK(final_job_state(Result<acquire::AcquireResult>(no_reports)) == JobState::records_incomplete);
  CHECK(acquire::exit_code(acquire::verdict_of(no_reports).verdict) == 12);
  acquire::AcquireResult verify_cancelled;
  verify_cancelled.outcome = acquire::Outcome::complete;
  verify_cancelled.verified = false;
  verify_cancelled.verify_cancelled = true;
  CHECK(final_job_state(Result<acquire::AcquireResult>(verify_cancelled)) == JobState::aborted);
  CHECK(acquire::exit_code(acquire::verdict_of(verify_cancelled).verdict) == 14);
  for (JobState st : {JobState::complete, JobState::complete_with_bad_sectors, JobState::records_incomplete,
                      JobState::verify_mismatch, JobState::aborted, JobState::refused})
    CHECK(job_state_final(st));
  CHECK_FALSE(job_state_final(JobState::paused));
}

TEST_CASE("rate plot keeps the newest samples in order at a steady interval", "[gui][evidence]") {
  RatePlot p;
  CHECK(p.size() == 0);
  CHECK(p.add(0.0, 10e6));
  CHECK_FALSE(p.add(0.5, 99e6));  // within the interval: not taken
  CHECK(p.add(1.0, 20e6));
  REQUIRE(p.size() == 2);
  CHECK(p.at(0) == Approx(10.0f));
  CHECK(p.at(1) == Approx(20.0f));
  for (std::size_t i = 0; i < RatePlot::k_capacity + 5; ++i) p.add(2.0 + static_cast<double>(i), static_cast<double>(i) * 1e6);
  REQUIRE(p.size() == RatePlot::k_capacity);
  CHECK(p.at(0) == Approx(5.0f));  // the oldest kept
  CHECK(p.at(RatePlot::k_capacity - 1) == Approx(static_cast<float>(RatePlot::k_capacity + 4)));
  CHECK(p.peak() == Approx(static_cast<float>(RatePlot::k_capacity + 4)));
  p.clear();
  CHECK(p.size() == 0);
}
