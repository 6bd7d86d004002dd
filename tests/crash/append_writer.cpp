// Crash-safety test driver: appends entries to a chronology in a loop and prints
// "ACK <seq> <entry_hash>" on stdout (flushed) after each append returns, i.e. after the entry
// is durable by contract. The test kills it or cuts power and then checks every ACK'ed entry.
// Usage: chrono_append_writer FILE COUNT [INCIDENT DEVICE]
#include <cstdio>
#include <cstdlib>
#include <string>

#include "forensics/chronology/log.hpp"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s FILE COUNT [INCIDENT DEVICE]\n", argv[0]);
    return 2;
  }
  shodo::chronology::LogOptions o;
  o.file = argv[1];
  o.incident_id = argc > 3 ? argv[3] : "TEST-20261124-01";
  o.device_id = argc > 4 ? argv[4] : "KIT-CRASH";
  shodo::chronology::OpenReport rep;
  auto log = shodo::chronology::ChronologyLog::open(o, &rep);
  if (!log) {
    std::fprintf(stderr, "OPEN-FAILED %s\n", log.error().en.c_str());
    return 6;
  }
  if (rep.recovered_torn_tail) std::printf("RECOVERED %s %llu\n", rep.torn_side_file.c_str(),
                                           static_cast<unsigned long long>(rep.torn_bytes));
  (*log)->set_operator({"crash-test", {"SCR"}});
  const long n = std::strtol(argv[2], nullptr, 10);
  for (long i = 0; i < n; ++i) {
    shodo::chronology::Entry d;
    d.from = "tester";
    d.to = {"HQ"};
    d.category = shodo::chronology::Category::report;
    d.content = "crash-test entry " + std::to_string(i) + " — サーバ室で暗号化を確認 " + std::string(static_cast<std::size_t>(i % 97), 'x');
    auto e = (*log)->append(std::move(d));
    if (!e) {
      std::printf("NOT-SAVED %s\n", e.error().en.c_str());
      std::fflush(stdout);
      return 5;
    }
    std::printf("ACK %lld %s\n", static_cast<long long>(e->seq), e->entry_hash.c_str());
    std::fflush(stdout);
  }
  return 0;
}
