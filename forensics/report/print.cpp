#include "forensics/report/print.hpp"

#include <cups/cups.h>

#include <algorithm>
#include <system_error>

#include "forensics/integrity/digest.hpp"
#include "forensics/report/export.hpp"

namespace shodo {
namespace fs = std::filesystem;

namespace {

const char* k_setup_ja =
    "プリンタを USB でつなぎ電源を入れてから、端末で `lpinfo -v` を実行し、表示された URI で "
    "`lpadmin -p 名前 -E -v URI -m everywhere` を実行してください（利用者ガイド §5）。"
    "それまでは PDF を USB メモリに保存し、別の PC から印刷できます";
const char* k_setup_en =
    "Connect the printer by USB and switch it on, run `lpinfo -v` in a terminal, then "
    "`lpadmin -p NAME -E -v URI -m everywhere` with the URI it shows (user guide §5). Meanwhile, "
    "save the PDF to a USB stick and print it from another PC";

Error no_service() {
  return make_error(ErrorCode::unsupported,
                    std::string("印刷サービス（CUPS）に接続できません（") + cupsLastErrorString() +
                        "）。キットでは起動時に動きます。開発用の PC では `systemctl start cups` を実行してください。" +
                        "PDF は USB メモリに保存して別の PC から印刷できます",
                    std::string("cannot reach the printing service (CUPS: ") + cupsLastErrorString() +
                        "). On the kit it starts at boot; on a developer's PC run `systemctl start cups`. "
                        "The PDF can be saved to a USB stick and printed from another PC");
}

Error no_printer() {
  return make_error(ErrorCode::not_found, std::string("プリンタが設定されていません。") + k_setup_ja,
                    std::string("no printer is set up. ") + k_setup_en);
}

std::string option(const cups_dest_t& d, const char* name) {
  const char* v = cupsGetOption(name, d.num_options, d.options);
  return v ? v : "";
}

}  // namespace

Result<std::vector<PrintQueue>> print_queues() {
  cups_dest_t* dests = nullptr;
  const int n = cupsGetDests2(CUPS_HTTP_DEFAULT, &dests);
  if (n <= 0) {
    const ipp_status_t why = cupsLastError();
    cupsFreeDests(n, dests);
    if (why == IPP_STATUS_ERROR_SERVICE_UNAVAILABLE || why == IPP_STATUS_ERROR_INTERNAL) return no_service();
    return no_printer();
  }
  std::vector<PrintQueue> out;
  for (int i = 0; i < n; ++i) {
    const cups_dest_t& d = dests[i];
    if (d.instance) continue;  // lpoptions instances print to the same queue
    PrintQueue q;
    q.name = d.name;
    q.description = option(d, "printer-info");
    q.location = option(d, "printer-location");
    q.is_default = d.is_default != 0;
    q.stopped = option(d, "printer-state") == "5";
    q.accepting = option(d, "printer-is-accepting-jobs") != "false";
    q.state_reasons = option(d, "printer-state-reasons");
    out.push_back(std::move(q));
  }
  cupsFreeDests(n, dests);
  std::stable_sort(out.begin(), out.end(), [](const PrintQueue& a, const PrintQueue& b) { return a.is_default > b.is_default; });
  return out;
}

std::string describe_queue(const PrintQueue& q, bool japanese) {
  std::string s = q.description.empty() || q.description == q.name ? q.name : q.description + " [" + q.name + "]";
  if (!q.location.empty()) s += " (" + q.location + ")";
  if (q.is_default) s += japanese ? " — 既定" : " — default";
  if (q.stopped || !q.accepting) {
    s += japanese ? " — 停止中" : " — stopped";
    if (!q.state_reasons.empty() && q.state_reasons != "none") s += ": " + q.state_reasons;
  }
  return s;
}

Result<PrintSubmitted> print_file(const PrintRequest& req) {
  std::error_code ec;
  if (!fs::is_regular_file(req.file, ec))
    return make_error(ErrorCode::invalid_input, "印刷するファイルがありません: " + req.file.string(),
                      "there is no file to print: " + req.file.string());
  if (req.copies < 1 || req.copies > 99)
    return make_error(ErrorCode::invalid_input, "部数は 1〜99 です", "copies must be 1 to 99");
  auto queues = print_queues();
  if (!queues) return queues.error();
  const PrintQueue* q = nullptr;
  if (req.queue.empty()) {
    if (queues->front().is_default || queues->size() == 1) q = &queues->front();
  } else {
    for (const auto& c : *queues)
      if (c.name == req.queue) q = &c;
  }
  if (!q) {
    std::string names;
    for (const auto& c : *queues) names += (names.empty() ? "" : ", ") + c.name;
    if (req.queue.empty())
      return make_error(ErrorCode::invalid_input, "既定のプリンタがありません。--printer で選んでください: " + names,
                        "there is no default printer; choose one with --printer: " + names);
    return make_error(ErrorCode::invalid_input, "プリンタ「" + req.queue + "」はありません。あるもの: " + names,
                      "there is no printer \"" + req.queue + "\"; there are: " + names);
  }
  PrintSubmitted out;
  out.queue = q->name;
  // The hash of what is sent; the file is not expected to change, and the entry names this hash.
  auto h = sha256_file_hex(req.file);
  if (!h) return h.error();
  out.sha256 = h.value();
  out.bytes = static_cast<std::int64_t>(fs::file_size(req.file, ec));
  cups_option_t* options = nullptr;
  int num_options = 0;
  num_options = cupsAddOption("copies", std::to_string(req.copies).c_str(), num_options, &options);
  const std::string title = req.title.empty() ? req.file.filename().string() : req.title;
  const int job = cupsPrintFile2(CUPS_HTTP_DEFAULT, q->name.c_str(), req.file.c_str(), title.c_str(), num_options, options);
  cupsFreeOptions(num_options, options);
  if (job <= 0)
    return make_error(ErrorCode::io_error,
                      "プリンタ「" + q->name + "」が印刷を受け付けませんでした（" + cupsLastErrorString() +
                          "）。プリンタの電源・用紙・ケーブルを確かめてやり直してください",
                      "the printer \"" + q->name + "\" did not accept the job (" + cupsLastErrorString() +
                          "). Check its power, paper and cable, and try again");
  out.job_id = job;
  return out;
}

Result<PrintSubmitted> print_and_record(Workspace& ws, const PrintRequest& req) {
  auto r = print_file(req);
  if (!r) return r.error();
  const std::string what = path_in_entry(req.file, ws.dir()) + " sha256:" + r->sha256 + " → " + r->queue + " job " +
                           std::to_string(r->job_id) + ", ";
  const std::string copies = std::to_string(req.copies);
  auto e = ws.log().append_system("print", {"印刷: " + what + copies + " 部", "print: " + what + copies + " copies"});
  if (!e)
    return make_error(e.error().code,
                      "印刷は依頼しました（" + r->queue + " の " + std::to_string(r->job_id) +
                          " 番）が、記録できませんでした: " + e.error().ja,
                      "the print was sent (job " + std::to_string(r->job_id) + " on " + r->queue +
                          ") but could not be recorded: " + e.error().en);
  return r;
}

}  // namespace shodo
