// Bench helper: writes a valid, hash-chained chronology of N entries quickly (no fsync), using
// the same serialisation and hashing as the real log, for load/verify benchmarks.
// Usage: shodo_bench_gen FILE N [INCIDENT_ID DEVICE_ID]
// (by default OGMC-20221031-01 / KIT-BENCH001; give the incident's and the kit's to replace a real
// incident's log, as bench/gui_frames.sh does)
#include <cstdio>
#include <cstdlib>
#include <string>

#include "forensics/chronology/entry.hpp"

int main(int argc, char** argv) {
  if (argc != 3 && argc != 5) {
    std::fprintf(stderr, "usage: %s FILE N [INCIDENT_ID DEVICE_ID]\n", argv[0]);
    return 2;
  }
  using namespace shodo::chronology;
  std::FILE* f = std::fopen(argv[1], "wb");
  if (!f) return 1;
  const long n = std::strtol(argv[2], nullptr, 10);
  const std::string incident_id = argc == 5 ? argv[3] : "OGMC-20221031-01";
  const std::string device_id = argc == 5 ? argv[4] : "KIT-BENCH001";
  std::string prev = k_genesis_hash;
  static const char* k_contents[] = {"サーバ室で暗号化を確認", "電子カルテ端末のLANケーブルを抜線",
                                     "保守事業者に電話連絡、折り返し待ち", "対策本部会議 第1回 開始",
                                     "PACS の画像参照は継続可能"};
  for (long i = 1; i <= n; ++i) {
    Entry e;
    e.entry_id = new_uuid();
    e.seq = i;
    e.incident_id = incident_id;
    e.device_id = device_id;
    e.boot_id = "00000000-0000-4000-8000-000000000001";
    e.recorded_sys_utc_ns = 1667173200LL * 1000000000LL + i * 1000000000LL;
    e.recorded_mono_ns = 1000000000000LL + i * 1000000000LL;
    e.author = "山田 花子";
    e.author_roles = {"SCR"};
    e.from = "情報システム課";
    e.to = {"対策本部"};
    e.category = Category::report;
    e.content = k_contents[i % 5];
    if (i % 3 == 0) {
      e.action = "確認する";
      e.status = ItemStatus::open;
      e.assignee = "佐藤";
    }
    e.prev_hash = prev;
    nlohmann::json j = to_json(e);
    e.entry_hash = compute_entry_hash(prev, j);
    j["entry_hash"] = e.entry_hash;
    const std::string line = canonical_json(j) + "\n";
    std::fwrite(line.data(), 1, line.size(), f);
    prev = e.entry_hash;
  }
  std::fclose(f);
  std::printf("%s\n", prev.c_str());
  return 0;
}
