// The Evidence screen (証拠品): four tabs.
//  * Devices: every block device (path, transport, model, serial, size, partitions with file
//    systems, mounts — read-write in red —, a read-only badge on every device and partition);
//    devices that are not offered as sources (the kit's boot medium, the case volume) greyed with
//    the reasons.
//  * Acquire: the acquisition wizard (acquire_wizard.hpp).
//  * Jobs: this session's acquisitions with state and progress, and those in the register
//    (job_list.hpp).
//  * Register: the evidence register of the open incident (EV-03 view): items with number, type,
//    description, derived_from, acquisition outcome and verification, SHA-256 prefix, custodian
//    and seal; the selected item's details with hashes, verification events and transfers;
//    Transfer and Seal dialogs (also opened from the wizard's custody step); EV-01 / EV-02.
//
// Threading decision (acquisitions write the chronology): ChronologyLog keeps its head (seq,
// prev_hash) in memory and appends without re-reading the file, so two Workspace instances on
// one log — even in one process — would each chain onto their own stale head and fork the chain
// (the log then only opens read-only). The job therefore runs on a worker thread with the GUI's
// own Workspace, and while it runs the GUI does not use that Workspace at all: GuiApp keeps the
// user on this screen (the other screens write or read the chronology), the register view is not
// reloaded, and every recording action here (transfer, seal, labels) is disabled, with the
// reason shown. The register itself is read through EvidenceRegister::open_dir (its own reader,
// flock-serialised appends), never through the worker's instance.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "app/gui/acquire_wizard.hpp"
#include "app/gui/ui_context.hpp"
#include "forensics/acquire/devices.hpp"
#include "forensics/evidence/evidence.hpp"

namespace shodo::gui {

enum class EvidenceTab { devices, acquire, jobs, register_view };

class EvidenceScreen {
 public:
  void draw(UiContext& ctx);

  // An acquisition owns the Workspace (see above).
  bool job_busy() const { return m_wizard.busy(); }
  AcquireWizard& wizard() { return m_wizard; }
  const AcquireWizard& wizard() const { return m_wizard; }
  EvidenceTab tab() const { return m_tab; }
  void show_tab(EvidenceTab t);

  void refresh_devices(UiContext& ctx);
  const std::vector<acquire::BlockDevice>& devices() const { return m_devices; }
  const std::string& devices_error() const { return m_devices_error; }

  // Re-reads the open incident's register (not while a job runs).
  void reload_register(UiContext& ctx);
  const std::vector<evidence::EvidenceItem>& items() const { return m_items; }
  const std::string& register_error() const { return m_reg_error; }
  int selected() const { return m_selected; }
  void select(int index);

 private:
  void sync_register(UiContext& ctx);
  void draw_devices(UiContext& ctx);
  void draw_register(UiContext& ctx);
  void draw_detail(UiContext& ctx, const evidence::EvidenceItem& it);
  void draw_transfer_dialog(UiContext& ctx);
  void draw_seal_dialog(UiContext& ctx);
  void open_transfer(const evidence::EvidenceItem& it);
  void open_seal(const evidence::EvidenceItem& it);
  // A seal or transfer asked for at the wizard's custody step.
  void take_custody_request(UiContext& ctx);
  void write_pdf(UiContext& ctx, const std::string& evidence_no, bool label);
  // The reason recording is not possible now (catalogue key), or nullptr.
  const char* write_blocker(UiContext& ctx) const;

  AcquireWizard m_wizard;
  EvidenceTab m_tab = EvidenceTab::devices;
  bool m_select_tab = false;  // make m_tab the selected tab in the next frame

  std::vector<acquire::BlockDevice> m_devices;
  std::string m_devices_error;
  bool m_devices_loaded = false;
  std::string m_devices_time;
  std::uint64_t m_guard_revision = ~std::uint64_t{0};  // entries revision m_guard_seen was read at
  bool m_guard_seen = false;                           // an "evidence_guard_read" entry exists

  std::optional<evidence::EvidenceRegister> m_reg;
  std::string m_reg_incident;  // incident id of m_reg ("" = none loaded)
  std::uint64_t m_reg_revision = 0;
  std::vector<evidence::EvidenceItem> m_items;
  std::vector<evidence::Transfer> m_sel_transfers;
  std::string m_reg_error;
  int m_selected = -1;

  // Transfer dialog
  bool m_transfer_open = false;
  evidence::Transfer m_tr;
  int m_tr_purpose = 0, m_tr_method = 0, m_tr_seal = 0;  // seal: 0 not checked, 1 intact, 2 broken
  std::string m_tr_error;
  // Seal dialog
  bool m_seal_open = false;
  std::string m_seal_no, m_bag_no, m_seal_note, m_seal_error;
  // Outputs written from the register
  std::string m_output_path, m_output_error;
};

}  // namespace shodo::gui
