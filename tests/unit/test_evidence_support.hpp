// Shared by the evidence tests (test_evidence.cpp, test_evidence_pdf.cpp): a workspace in a temp
// dir and sample items with Japanese text. Include after tests/unit/test_support.hpp.
#pragma once
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "forensics/case/workspace.hpp"
#include "forensics/evidence/evidence.hpp"
#include "tests/unit/test_support.hpp"

namespace shodo::evidence_test {

using namespace shodo::evidence;

inline const std::string k_sha_a = "3f5c6a1e0b2d4c8e9f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e";
inline const std::string k_sha_b = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";

inline std::vector<ItemType> all_item_types() {
  return {ItemType::physical_device, ItemType::storage_medium,   ItemType::disk_image, ItemType::memory_capture,
          ItemType::logical_file_set, ItemType::log_export,     ItemType::photo,      ItemType::document,
          ItemType::backup_medium,    ItemType::kit_record_set};
}

struct EvFixture {
  unit::TempDir dir;
  unit::EnvGuard env{{"SHODO_MIRROR_ROOT"}};
  FixedClock clock = unit::t0_clock();
  WorkspaceOptions opt;
  EvFixture() {
    ::unsetenv("SHODO_MIRROR_ROOT");
    opt.case_root = dir / "case";
    opt.incident_id = unit::k_incident;
    opt.op = {"山田 花子", {"SCR"}};
    opt.clock = &clock;
  }
  std::unique_ptr<Workspace> create() {
    IncidentInfo i;
    i.incident_id = unit::k_incident;
    i.title = "電子カルテ停止（ランサムウェア疑い）";
    i.facility = "大阪総合医療センター";
    auto ws = Workspace::create(opt, i);
    if (!ws) throw std::runtime_error("create failed: " + ws.error().describe(false));
    return std::move(ws.value());
  }
};

// The suspect server disk, as found.
inline EvidenceItem sample_disk() {
  EvidenceItem i;
  i.description = "電子カルテサーバ 内蔵SSD（暗号化されたファイルあり）";
  i.item_type = ItemType::storage_medium;
  i.make = "Samsung";
  i.model = "PM883";
  i.serial_no = "S4E7NX0M123456";
  i.capacity_bytes = 960197124096;
  i.interface = "SATA";
  i.hostname = "EMR-DB01";
  i.ip_addresses = {"10.1.2.3", "10.1.2.4"};
  i.mac_addresses = {"00:11:22:33:44:55"};
  i.owner_org = "大阪総合医療センター 情報システム課";
  i.condition = "電源オン、画面に身代金要求、LANケーブル接続";
  i.found_location = "本館3階 サーバ室 ラックB-2";
  i.found_time = entered_time((unit::k_t0_s - 3600) * unit::k_s);
  i.collected_by = {"鈴木 一郎", "DEFR", "情報システム課", "内線 1234"};
  i.witness = {"看護師長 田中", "立会人", "看護部", ""};
  i.collection_reason = "暗号化の起点と疑われる";
  i.source_clock_reading = "2022-10-31 07:41";
  i.source_clock_offset_ns = 62 * unit::k_s;
  i.source_timezone = "Asia/Tokyo";
  i.photos = {{"attachments/IMG_0001.JPG", k_sha_b}};
  i.storage_location = "情報システム課 金庫";
  i.refs = {"院内PHS記録-12"};
  return i;
}

// The image of `parent`, with its acquisition record and the image-file hash.
inline EvidenceItem sample_image(const std::string& parent) {
  EvidenceItem i;
  i.description = "ディスクイメージ（E01）";
  i.item_type = ItemType::disk_image;
  i.derived_from = parent;
  Acquisition a;
  a.method = "dead-physical";
  a.tool_name = "shodo";
  a.tool_version = "0.1.0";
  a.kit_version = "0.1.0";
  a.write_protection = "kernel-ro (BLKROSET)";
  a.source_device_path = "/dev/sdb";
  a.destination_medium_serial = "WD-WX12A3456789";
  a.destination_path = "evidence/images/E002/disk.E01";
  a.image_format = "e01";
  a.started = entered_time(unit::k_t0_s * unit::k_s, "ref-confirmed");
  a.ended = entered_time((unit::k_t0_s + 5400) * unit::k_s, "ref-confirmed");
  a.bytes_read = 960197124096;
  a.read_errors = 2;
  a.operator_ = {"鈴木 一郎", "DEFR", "情報システム課", ""};
  a.witness = {"看護師長 田中", "", "", ""};
  a.deviations = "なし";
  a.outcome = "completed_with_errors";
  i.acquisition = a;
  i.hashes.push_back({"sha256", k_sha_a, "image_file", "disk.E01", 0, "", "shodo 0.1.0"});
  return i;
}

}  // namespace shodo::evidence_test
