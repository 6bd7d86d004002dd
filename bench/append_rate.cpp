// Bench helper: appends N entries through ChronologyLog (one write + fsync each, the real path)
// into DIR and prints appends per second. Usage: shodo_bench_append DIR N
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "forensics/chronology/log.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s DIR N\n", argv[0]);
    return 2;
  }
  using namespace shodo::chronology;
  LogOptions o;
  o.file = std::filesystem::path(argv[1]) / "KIT-BENCH002.jsonl";
  o.incident_id = "OGMC-20221031-01";
  o.device_id = "KIT-BENCH002";
  auto log = ChronologyLog::open(o);
  if (!log) {
    std::fprintf(stderr, "%s\n", log.error().en.c_str());
    return 1;
  }
  (*log)->set_operator({"bench", {"SCR"}});
  const long n = std::strtol(argv[2], nullptr, 10);
  const auto t0 = std::chrono::steady_clock::now();
  for (long i = 0; i < n; ++i) {
    Entry d;
    d.from = "情報システム課";
    d.to = {"対策本部"};
    d.category = Category::report;
    d.content = "サーバ室で暗号化を確認 " + std::to_string(i);
    if (auto e = (*log)->append(std::move(d)); !e) {
      std::fprintf(stderr, "%s\n", e.error().en.c_str());
      return 1;
    }
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%ld appends in %.3f s = %.0f appends/s (%.3f ms each)\n", n, s, static_cast<double>(n) / s, s * 1000 / static_cast<double>(n));
  return 0;
}
