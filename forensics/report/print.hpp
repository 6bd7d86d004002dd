// Printing through CUPS (issue 11 "Printing and the paper anchor"): the kit has CUPS and printer
// drivers; the responder picks a queue, the PDF is sent to it, and the print is an entry of the
// chronology (DESIGN.md "One spine") naming the file, its SHA-256, the queue and the job number.
// When no printing service or no printer is set up, the error says so and how to set one up, and
// that the PDF can be carried to another PC on a USB stick meanwhile.
//
// libcups finds the scheduler as every CUPS client does: $CUPS_SERVER, then client.conf, then
// the local socket /run/cups/cups.sock. Calls block for at most a moment on the local socket.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "forensics/case/workspace.hpp"
#include "forensics/core/result.hpp"

namespace shodo {

struct PrintQueue {
  std::string name;         // the CUPS queue name (what lp -d takes)
  std::string description;  // printer-info, e.g. "Brother HL-L2375DW" (may be empty)
  std::string location;     // printer-location (may be empty)
  bool is_default = false;
  bool stopped = false;      // printer-state 5: paused or in error; jobs wait
  bool accepting = true;     // printer-is-accepting-jobs
  std::string state_reasons; // printer-state-reasons, e.g. "media-empty-error" ("none" when fine)
};

// The queues the scheduler knows, the default first. Errors: unsupported (no printing service
// reachable), not_found (the service runs but no printer is set up). Both say how to set up.
Result<std::vector<PrintQueue>> print_queues();

struct PrintRequest {
  std::filesystem::path file;  // a PDF (or text) file
  std::string queue;           // empty: the default queue, else the only queue
  int copies = 1;              // 1..99
  std::string title;           // the job's name on the printer's list; empty: the file name
};

struct PrintSubmitted {
  std::string queue;
  int job_id = 0;
  std::string sha256;  // of the file as sent
  std::int64_t bytes = 0;
};

// Sends the file to the queue. Errors: invalid_input (no such file, copies out of range, no such
// queue: the message lists the queues), unsupported / not_found (as print_queues), io_error (the
// scheduler refused the job: its reason).
Result<PrintSubmitted> print_file(const PrintRequest& request);

// Prints and records the print in the chronology (system entry "print": the file, relative to the
// incident folder when inside it, its SHA-256, the queue, the job number, the copies). The file is
// hashed before it is sent; nothing is recorded when the print was not accepted. Errors: as
// print_file, and as the append (the job is then already queued: the message says so).
Result<PrintSubmitted> print_and_record(Workspace& ws, const PrintRequest& request);

// One line for the screens: "Brother HL-L2375DW (office-1) — 既定" / "— 停止中: media-empty-error".
std::string describe_queue(const PrintQueue& q, bool japanese);

}  // namespace shodo
