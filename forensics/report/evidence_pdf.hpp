// Evidence outputs (REQUIREMENTS §4.4): EV-01 label, EV-02 custody form, EV-03 register PDF + CSV
// + sha256sum manifest. Rendered with the report helpers (forensics/report/pdf_*: Cairo/Pango,
// Noto Sans CJK JP, black only), written durably (write_file_atomic), user text printed as typed.
//
//  * EV-01 label: one label per page, page size 90 × 50 mm (label printers with 90 mm stock, or
//    plain paper cut to size; print at 100 %, no scaling). Evidence number large across the
//    top, then case number, type, short description (≤ 2 lines), collection time in JST with its
//    time quality, collector, seal number, the first 16 hex digits of the primary SHA-256 and a
//    QR code (ECC level M, 4-module quiet zone) that encodes exactly the evidence number.
//  * EV-02 custody form: A4 portrait, one per item: the item data, then a transfer table pre-filled
//    with the recorded transfers and empty rows (≥ 13 mm) to be filled and signed by hand by
//    引渡者 and 受領者 (date/time, purpose, seal numbers before/after, method/tracking). Continues
//    on further pages when needed; every page has the evidence number, QR code and page n/N.
//  * EV-03 register: A4 landscape table of every item (the chronology PDFs' page frame), the same
//    rows as CSV (UTF-8 with BOM, RFC 4180, CRLF), and a `sha256sum -c` manifest of the acquired
//    image files (SHA-256 hashes of scope image_file or segment; the target path is relative to
//    the incident folder: check with `cd <incident> && sha256sum -c <manifest>`).
//
// The export_* functions also hash what they wrote and add a chronology system entry
// "evidence_output" (refs: the evidence numbers) listing each file with its SHA-256.
//
// Lives in report/ (it renders the register's documents with the report helpers; evidence/ sits
// below report/ and must not include it) but keeps the shodo::evidence namespace of its callers.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "forensics/case/incident.hpp"
#include "forensics/core/result.hpp"
#include "forensics/evidence/evidence.hpp"

namespace shodo {
class Workspace;
}

namespace shodo::evidence {

// The page size of EV-01 labels in millimetres.
inline constexpr double k_label_width_mm = 90.0;
inline constexpr double k_label_height_mm = 50.0;

// What every output prints about where it came from.
struct OutputInfo {
  IncidentInfo incident;
  bool japanese = true;
  std::int64_t created_utc_ns = 0;  // export time (also the PDF creation date)
  std::string created_quality;      // time quality of created_utc_ns
  std::string created_by;           // operator
  std::string kit_id;
  std::int64_t register_lines = 0;  // register head at export time
  std::string register_head_hash;
};
OutputInfo output_info(const Workspace& ws, const EvidenceRegister& reg, bool japanese);

// QR code modules of `text` (qrencode, ECC level M, 8-bit mode). Errors: invalid_input (too long).
struct QrMatrix {
  int size = 0;            // modules per side (21 for version 1, +4 per version)
  std::vector<bool> dark;  // row-major, size*size
  bool at(int x, int y) const { return dark[static_cast<std::size_t>(y * size + x)]; }
};
Result<QrMatrix> qr_matrix(const std::string& text);

// PDF bytes. Errors: invalid_input (no items), io_error (rendering).
Result<std::string> render_labels_pdf(const std::vector<EvidenceItem>& items, const OutputInfo& info);
Result<std::string> render_custody_form_pdf(const EvidenceItem& item, const std::vector<Transfer>& transfers,
                                            const OutputInfo& info);
Result<std::string> render_register_pdf(const std::vector<EvidenceItem>& items, const std::vector<Transfer>& transfers,
                                        const OutputInfo& info);
// EV-03 CSV as a table of UTF-8 strings (header record first) and as file bytes (BOM + CRLF).
std::vector<std::vector<std::string>> register_csv_table(const std::vector<EvidenceItem>& items, bool japanese);
std::string register_csv(const std::vector<EvidenceItem>& items, bool japanese);
// `sha256sum` lines ("<hex>  <path>\n"; names with '\\' or newline escaped as sha256sum does),
// one per SHA-256 of scope image_file or segment, in evidence-number order.
std::string image_manifest(const std::vector<EvidenceItem>& items);

struct WrittenFile {
  std::filesystem::path path;
  std::string sha256;
};

// Default output folder: <incident>/evidence/output.
std::filesystem::path default_output_dir(const Workspace& ws);

// Writes the label of `evidence_no` (empty `out`: <output>/<no>_label.pdf) and records it.
// Errors: not_found (unknown item), integrity (register damaged), io_error, not_saved.
Result<WrittenFile> export_label(Workspace& ws, const std::string& evidence_no, bool japanese,
                                 const std::filesystem::path& out = {});
// The custody form of `evidence_no` (empty `out`: <output>/<no>_custody_form.pdf).
Result<WrittenFile> export_custody_form(Workspace& ws, const std::string& evidence_no, bool japanese,
                                        const std::filesystem::path& out = {});
// The register set into `out_dir` (empty: <output>/register_<YYYYMMDDTHHMMSS>): evidence_register.pdf,
// evidence_register.csv and, when any image hashes exist, evidence_images.sha256.
Result<std::vector<WrittenFile>> export_register(Workspace& ws, bool japanese, const std::filesystem::path& out_dir = {});

}  // namespace shodo::evidence
