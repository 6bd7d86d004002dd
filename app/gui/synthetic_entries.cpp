#include "app/gui/synthetic_entries.hpp"

#include <array>

namespace shodo::gui {

using namespace chronology;

std::vector<Entry> make_synthetic_entries(std::size_t count, const std::string& incident_id,
                                          const std::string& device_id, std::int64_t start_utc_ns) {
  static constexpr std::array<const char*, 6> k_from = {"救急外来", "対策本部", "情報システム課", "電子カルテ事業者",
                                                       "看護部", "保健所"};
  static constexpr std::array<const char*, 6> k_to = {"対策本部", "院長", "CSIRT", "事務長", "薬剤部", "警察"};
  static constexpr std::array<const char*, 8> k_content = {
      "サーバ室で暗号化を確認", "電子カルテが参照できない（外来端末3台）", "LANケーブル抜線を指示",
      "紙運用へ切替を決定",     "バックアップ媒体の所在を確認中",         "ランサムノートの写真を撮影",
      "保健所へ第一報",         "Ransom note found on file server \\\\fs01\\share"};
  static constexpr std::array<Category, 8> k_cat = {Category::report,   Category::instruction, Category::request,
                                                    Category::decision, Category::notice,      Category::information,
                                                    Category::action,   Category::assessment};
  std::vector<Entry> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    Entry e;
    e.seq = static_cast<std::int64_t>(i) + 1;
    e.entry_id = "synthetic-" + std::to_string(e.seq);
    e.incident_id = incident_id;
    e.device_id = device_id;
    e.boot_id = "synthetic";
    e.recorded_sys_utc_ns = start_utc_ns + static_cast<std::int64_t>(i) * 7'000'000'000;  // one every 7 s
    e.recorded_mono_ns = static_cast<std::int64_t>(i) * 7'000'000'000;
    e.time_quality = (i % 3 == 0) ? TimeQuality::uncorrected : TimeQuality::ref_confirmed;
    if (e.time_quality != TimeQuality::uncorrected) e.recorded_ref_utc_ns = e.recorded_sys_utc_ns + 1'500'000'000;
    e.author = (i % 2) ? "山田 花子" : "Suzuki";
    e.author_roles = {"SCR"};
    e.from = k_from[i % k_from.size()];
    e.to = {k_to[(i / 2) % k_to.size()]};
    e.category = k_cat[i % k_cat.size()];
    e.content = k_content[(i / 3) % k_content.size()];
    if (i % 11 == 0) e.content += "\n（続き）二行目の記述";
    if (i % 4 == 1) {
      e.action = "確認して報告";
      e.assignee = "田中";
      e.status = ItemStatus::open;
    }
    if (i % 9 == 0) {
      e.source = SourceKind::system;
      e.category = Category::system;
      e.system_event = "app_start";
      e.from = e.author = "Shodo";
      e.to = {"Shodo"};
      e.content = "アプリ起動";
      e.content_en = "app started";
      e.action.clear();
      e.assignee.clear();
      e.status = ItemStatus::none;
    }
    if (i % 17 == 5) e.event_time = EventTime{e.recorded_sys_utc_ns - 1800'000'000'000, Precision::approx, {}};
    // Every 50th entry corrects, every 97th voids, every 31st closes an earlier normal entry.
    const std::size_t target = i >= 10 ? i - 8 : 0;
    if (i >= 10 && out[target].type == EntryType::normal && out[target].source != SourceKind::system) {
      if (i % 50 == 0) {
        e.type = EntryType::correction;
        e.target_entry_id = out[target].entry_id;
        e.reason = "聞き間違い";
        e.content = out[target].content + "（訂正）";
      } else if (i % 97 == 0) {
        e.type = EntryType::void_entry;
        e.target_entry_id = out[target].entry_id;
        e.reason = "別インシデントの記録";
        e.content.clear();
        e.action.clear();
        e.status = ItemStatus::none;
      } else if (i % 31 == 0 && out[target].status == ItemStatus::open) {
        e.type = EntryType::status_change;
        e.target_entry_id = out[target].entry_id;
        e.status = ItemStatus::done;
        e.content.clear();
        e.action.clear();
      }
    }
    e.prev_hash = std::string(64, '0');
    e.entry_hash = std::string(64, '0');
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace shodo::gui
