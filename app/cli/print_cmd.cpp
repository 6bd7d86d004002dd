#include "app/cli/print_cmd.hpp"

#include <iostream>
#include <memory>

#include "app/cli/session.hpp"
#include "forensics/i18n/catalogue.hpp"
#include "forensics/i18n/substitute.hpp"
#include "forensics/report/print.hpp"

namespace shodo::cli {
using i18n::tr;

namespace {

struct PrintArgs {
  std::string file, printer;
  int copies = 1;
  bool list = false;
};

int list_queues() {
  auto queues = print_queues();
  if (!queues) return report_error(queues.error());
  for (const auto& q : *queues) std::cout << describe_queue(q, i18n::japanese()) << "\n";
  return 0;
}

int print(const Globals& g, const PrintArgs& a) {
  if (a.file.empty())
    return report_error(make_error(ErrorCode::invalid_input, "印刷するファイルを指定してください（例: shodo print 出力フォルダ/…_chronology.pdf）",
                                   "name the file to print (e.g. shodo print EXPORT_DIR/…_chronology.pdf)"));
  PrintRequest req;
  req.file = a.file;
  req.queue = a.printer;
  req.copies = a.copies;
  auto ws = open_workspace(g, true);
  if (!ws && ws.error().code != ErrorCode::read_only) return report_error(ws.error());
  // A damaged chronology must not stop the paper (blank sheets, the verified part): printed, and
  // the user told that nothing could record it (issue 11).
  auto r = ws ? print_and_record(*ws.value(), req) : print_file(req);
  if (!r) return report_error(r.error());
  std::cout << i18n::fill(tr("cli.print.sent"), {{"queue", r->queue},
                                                 {"job", std::to_string(r->job_id)},
                                                 {"copies", std::to_string(a.copies)}})
            << "\n";
  if (ws)
    std::cout << tr("cli.print.recorded") << ": No. " << ws.value()->log().entries().back().seq << "\n";
  else
    std::cerr << "shodo: " << tr("cli.warning") << ": " << tr("cli.print.not_recorded") << "\n";
  return 0;
}

}  // namespace

void add_print_commands(CLI::App& app, Globals& g, int& exit_code) {
  auto args = std::make_shared<PrintArgs>();
  auto* cmd = app.add_subcommand("print", tr("cli.print.cmd"));
  cmd->add_option("file", args->file, tr("cli.print.opt_file"));
  cmd->add_option("--printer", args->printer, tr("cli.print.opt_printer"));
  cmd->add_option("--copies", args->copies, tr("cli.print.opt_copies"))->check(CLI::Range(1, 99));
  cmd->add_flag("--list", args->list, tr("cli.print.opt_list"));
  cmd->callback([&g, &exit_code, args] { exit_code = args->list ? list_queues() : print(g, *args); });
}

}  // namespace shodo::cli
