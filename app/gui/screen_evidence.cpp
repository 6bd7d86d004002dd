#include "app/gui/screen_evidence.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "app/gui/app_model.hpp"
#include "app/gui/fonts.hpp"
#include "app/gui/job_list.hpp"
#include "app/gui/keys.hpp"
#include "app/gui/widgets.hpp"
#include "forensics/case/incident.hpp"
#include "forensics/case/workspace.hpp"
#include "forensics/core/clock.hpp"
#include "forensics/report/evidence_pdf.hpp"
#include "forensics/i18n/catalogue.hpp"
#include "forensics/i18n/format.hpp"

namespace shodo::gui {

using i18n::tr;

namespace {

// Transfer purposes and methods: stored value (evidence.hpp) and label key.
struct Choice {
  const char* value;
  const char* key;
};
constexpr std::array<Choice, 4> k_purposes = {{{"analysis", "gui.ev.tr.purpose.analysis"},
                                               {"storage", "gui.ev.tr.purpose.storage"},
                                               {"police_submission", "gui.ev.tr.purpose.police_submission"},
                                               {"return", "gui.ev.tr.purpose.return"}}};
constexpr std::array<Choice, 2> k_methods = {{{"hand_carry", "gui.ev.tr.method.hand_carry"},
                                              {"courier", "gui.ev.tr.method.courier"}}};

const char* choice_label(const std::string& value, const Choice* begin, const Choice* end) {
  for (const Choice* c = begin; c != end; ++c)
    if (value == c->value) return tr(c->key);
  return value.c_str();
}

// A person as everywhere else (i18n::format_person); empty when nobody is recorded, so the
// detail row is skipped.
std::string person_text(const evidence::Person& p) {
  if (p.empty()) return {};
  return i18n::format_person(p.name, {p.organisation, p.role, p.phone});
}

std::string short_hash(const evidence::EvidenceItem& it) {
  const evidence::HashRecord* h = it.primary_sha256();
  return h ? h->value.substr(0, 12) : std::string();
}

// "<incident>-E001" → "E001" inside the incident's own register (the full number is in the
// detail below and on every printed form).
std::string short_number(const std::string& no, const std::string& incident) {
  if (!incident.empty() && no.size() > incident.size() + 1 && no.compare(0, incident.size(), incident) == 0 &&
      no[incident.size()] == '-')
    return no.substr(incident.size() + 1);
  return no;
}

// "Label: value" in two columns of a detail table (skipped when empty).
void detail_row(const char* label, const std::string& value) {
  if (value.empty()) return;
  ImGui::TableNextRow();
  ImGui::TableSetColumnIndex(0);
  ImGui::TextDisabled("%s", label);
  ImGui::TableSetColumnIndex(1);
  text_wrapped(value.c_str());
}

std::string time_text(const evidence::RecordedTime& t) {
  if (t.utc_ns == 0) return {};
  const std::string q = i18n::format_time_quality(t.quality);  // the label, never the raw code
  return format_jst_display(t.utc_ns) + " JST" + (q.empty() ? "" : " (" + q + ")");
}

float dialog_label_width() { return ImGui::GetFontSize() * 9.0f; }

bool dialog_field(UiContext& ctx, const char* label, const char* tag_name, const char* id, std::string& v) {
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(label);
  ImGui::SameLine(dialog_label_width());
  ImGui::SetNextItemWidth(-1);
  const bool changed = ImGui::InputText(id, &v);
  tag(ctx, tag_name);
  if (changed) ctx.fonts.want_text(v);
  return changed;
}

}  // namespace

// ---- tabs ----------------------------------------------------------------------------------

void EvidenceScreen::show_tab(EvidenceTab t) {
  m_tab = t;
  m_select_tab = true;
}

const char* EvidenceScreen::write_blocker(UiContext& ctx) const {
  if (job_busy()) return "gui.ev.blocker.job";
  return ctx.model.append_blocker();  // no job: the model's Workspace may be read
}

void EvidenceScreen::draw(UiContext& ctx) {
  m_wizard.update(ctx);
  if (!m_devices_loaded) refresh_devices(ctx);
  sync_register(ctx);
  if (job_busy()) {
    banner(k_col_banner_bg, k_col_warn, tr("gui.ev.busy_banner"));
    tag(ctx, "ev.busy_banner");
  }
  read_only_banner(ctx);

  if (ImGui::BeginTabBar("evidence_tabs")) {
    // A tab asked for while drawing a later tab is selected in the next frame.
    const bool selecting = m_select_tab;
    struct TabDef {
      EvidenceTab tab;
      const char* key;
      const char* tag_name;
    };
    const TabDef tabs[] = {{EvidenceTab::devices, "gui.ev.tab.devices", "ev.tab.devices"},
                           {EvidenceTab::acquire, "gui.ev.tab.acquire", "ev.tab.acquire"},
                           {EvidenceTab::jobs, "gui.ev.tab.jobs", "ev.tab.jobs"},
                           {EvidenceTab::register_view, "gui.ev.tab.register", "ev.tab.register"}};
    for (const auto& t : tabs) {
      const std::string label = std::string(tr(t.key)) + "###" + t.tag_name;
      const ImGuiTabItemFlags flags = m_select_tab && m_tab == t.tab ? ImGuiTabItemFlags_SetSelected : 0;
      const bool open = ImGui::BeginTabItem(label.c_str(), nullptr, flags);
      tag(ctx, t.tag_name);
      if (!open) continue;
      if (!m_select_tab) m_tab = t.tab;
      switch (t.tab) {
        case EvidenceTab::devices: draw_devices(ctx); break;
        case EvidenceTab::acquire: m_wizard.draw(ctx, m_devices, m_reg ? &*m_reg : nullptr); break;
        case EvidenceTab::jobs:
          if (draw_job_list(ctx, m_wizard, m_items, job_busy()).show_wizard) {
            m_wizard.show_job();
            show_tab(EvidenceTab::acquire);
          }
          break;
        case EvidenceTab::register_view: draw_register(ctx); break;
      }
      ImGui::EndTabItem();
    }
    if (selecting) m_select_tab = false;
    ImGui::EndTabBar();
  }
  take_custody_request(ctx);
  m_wizard.draw_cancel_confirm(ctx);
  draw_transfer_dialog(ctx);
  draw_seal_dialog(ctx);
}

void EvidenceScreen::take_custody_request(UiContext& ctx) {
  auto req = m_wizard.take_custody_request();
  if (!req || job_busy()) return;
  if (m_reg_incident.empty() || m_items.empty()) reload_register(ctx);
  for (std::size_t i = 0; i < m_items.size(); ++i) {
    if (m_items[i].evidence_no != req->evidence_no) continue;
    select(static_cast<int>(i));
    if (req->transfer)
      open_transfer(m_items[i]);
    else
      open_seal(m_items[i]);
    return;
  }
}

void EvidenceScreen::open_transfer(const evidence::EvidenceItem& it) {
  m_transfer_open = true;
  m_tr = {};
  m_tr.evidence_nos = {it.evidence_no};
  m_tr.from = it.current_custodian;
  m_tr.seal_no_before = it.seal_no;
  m_tr_purpose = m_tr_method = m_tr_seal = 0;
  m_tr_error.clear();
}

void EvidenceScreen::open_seal(const evidence::EvidenceItem& it) {
  m_seal_open = true;
  m_seal_no.clear();
  m_bag_no = it.bag_no;
  m_seal_note.clear();
  m_seal_error.clear();
}

// ---- devices -------------------------------------------------------------------------------

void EvidenceScreen::refresh_devices(UiContext& ctx) {
  m_devices_loaded = true;
  auto r = acquire::list_block_devices(ctx.model.device_list_options());
  if (!r) {
    m_devices.clear();
    m_devices_error = r.error().describe(i18n::japanese());
  } else {
    m_devices = std::move(r.value());
    m_devices_error.clear();
  }
  for (const auto& d : m_devices) {
    ctx.fonts.want_text(d.model);
    ctx.fonts.want_text(d.excluded_reason_ja);
    for (const auto& p : d.partitions) ctx.fonts.want_text(p.fs_label);
  }
  m_devices_time = format_jst_display(ctx.model.clock().now().sys_utc_ns).substr(11);
}

void EvidenceScreen::draw_devices(UiContext& ctx) {
  if (ImGui::Button(tr("gui.ev.dev.refresh"))) refresh_devices(ctx);
  // The focus lands on the first button when the screen opens, or below on "I have read it" while
  // the "do not" list waits for that (issue 11: Space presses it).
  if (ctx.screen_entered) focus_last_item();
  tag(ctx, "ev.dev.refresh");
  ImGui::SameLine();
  ImGui::TextDisabled("%s %s", tr("gui.ev.dev.refreshed"), m_devices_time.c_str());
  ImGui::SameLine();
  help_marker(tr("gui.ev.dev.help"));
  // "What not to do" is open until the operator has confirmed reading it once for this incident;
  // the confirmation is an entry of the chronology (one spine), so every kit and every later
  // session knows it was read, and by whom (issue 11).
  if (ctx.model.entries_revision() != m_guard_revision) {
    m_guard_revision = ctx.model.entries_revision();
    m_guard_seen = false;
    for (const auto& e : ctx.model.entries())
      if (e.system_event == "evidence_guard_read") m_guard_seen = true;
  }
  if (!m_guard_seen) ImGui::SetNextItemOpen(true, ImGuiCond_Always);
  const bool guard_open = ImGui::CollapsingHeader(tr("gui.ev.guard.title"));
  tag(ctx, "ev.guard");
  if (guard_open) {
    for (const char* key : {"gui.ev.guard.power", "gui.ev.guard.av", "gui.ev.guard.ransom_note", "gui.ev.guard.copy",
                            "gui.ev.guard.backup"}) {
      ImGui::Bullet();
      text_wrapped(tr(key));
    }
    Workspace* ws = ctx.model.workspace();
    if (!m_guard_seen && ws && !ctx.model.workspace_lent()) {
      if (ImGui::Button(tr("gui.ev.guard.read"))) {
        auto e = ws->log().append_system("evidence_guard_read", {"証拠保全の「してはいけないこと」を確認", "read the evidence \"do not\" list"});
        if (!e) ctx.model.push_error("gui.error.not_saved", e.error());
      }
      if (ctx.screen_entered) focus_last_item();
      tag(ctx, "ev.guard.read");
    }
  }
  if (!m_devices_error.empty()) text_colored(k_col_error, m_devices_error.c_str());
  if (m_devices.empty() && m_devices_error.empty()) ImGui::TextDisabled("%s", tr("devices.none"));

  const ImGuiTableFlags flags = ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("devices", 6, flags, ImVec2(0, 0))) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn(tr("gui.ev.dev.col.device"), ImGuiTableColumnFlags_None, 1.1f);
  ImGui::TableSetupColumn(tr("gui.ev.dev.col.model"), ImGuiTableColumnFlags_None, 2.0f);
  ImGui::TableSetupColumn(tr("gui.ev.dev.col.size"), ImGuiTableColumnFlags_None, 0.8f);
  ImGui::TableSetupColumn(tr("gui.ev.dev.col.fs"), ImGuiTableColumnFlags_None, 1.1f);
  ImGui::TableSetupColumn(tr("gui.ev.dev.col.state"), ImGuiTableColumnFlags_None, 2.4f);
  ImGui::TableSetupColumn("##use", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 6.5f);
  ImGui::TableHeadersRow();
  for (std::size_t i = 0; i < m_devices.size(); ++i) {
    const auto& d = m_devices[i];
    const bool offered = d.offered();
    ImGui::PushID(static_cast<int>(i));
    if (!offered) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    ImGui::TextUnformatted(d.path.c_str());
    tag_n(ctx, "ev.dev.row.", static_cast<long long>(i));
    ImGui::TextDisabled("%s", d.transport.c_str());
    ImGui::TableSetColumnIndex(1);
    const std::string model = d.vendor.empty() ? d.model : d.vendor + " " + d.model;
    ImGui::TextUnformatted(model.empty() ? tr("devices.unknown") : model.c_str());
    if (!d.serial.empty()) ImGui::TextDisabled("%s %s", tr("devices.label.serial"), d.serial.c_str());
    if (!d.backing_file.empty())
      text_wrapped((std::string(tr("devices.label.backing_file")) + " " + d.backing_file).c_str(),
                   ImGui::GetColorU32(ImGuiCol_TextDisabled));
    ImGui::TableSetColumnIndex(2);
    ImGui::TextUnformatted(i18n::format_bytes(d.size_bytes).c_str());
    ImGui::TableSetColumnIndex(3);
    if (!d.partition_table.empty()) ImGui::TextUnformatted(d.partition_table.c_str());
    if (!d.fs_type.empty()) ImGui::Text("%s %s", d.fs_type.c_str(), d.fs_label.c_str());
    ImGui::TableSetColumnIndex(4);
    ro_badge(d.read_only, offered);
    tag_n(ctx, "ev.dev.ro.", static_cast<long long>(i));
    ImGui::SameLine();
    // Beside the badge when it fits, else below it (narrow windows).
    if (ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize(tr(offered ? "devices.offered" : "devices.label.not_offered")).x)
      ImGui::NewLine();
    if (!offered) {
      ImGui::TextUnformatted(tr("devices.label.not_offered"));
      // One reason per line: the joined sentence would wrap in the middle of a reason.
      ImGui::Indent(ImGui::GetFontSize());
      for (const auto& code : d.excluded_codes)
        text_wrapped((std::string(i18n::japanese() ? "・" : "- ") + tr(("devices.excluded." + code).c_str())).c_str());
      ImGui::Unindent(ImGui::GetFontSize());
    } else {
      text_colored(k_col_ok, tr("devices.offered"));
    }
    // The whole device's own mounts (partitions list theirs below).
    bool whole_mounted = false;
    for (const auto& m : d.mounts) {
      bool of_partition = false;
      for (const auto& p : d.partitions) of_partition = of_partition || m.device == p.path;
      if (of_partition) continue;
      whole_mounted = true;
      const std::string s = std::string(tr("devices.label.mounts")) + " " + m.mount_point + " (" +
                            tr(m.read_write ? "devices.mounted_rw" : "devices.mounted_ro") + ")";
      text_wrapped(s.c_str(), m.read_write ? k_col_error : 0);
    }
    if (!whole_mounted && d.partitions.empty()) ImGui::TextDisabled("%s", tr("gui.ev.dev.not_mounted"));
    ImGui::TableSetColumnIndex(5);
    {
      DisabledScope off(!offered || job_busy());
      if (ImGui::Button(tr("gui.ev.dev.use"))) {
        m_wizard.use_device(d.path);
        show_tab(EvidenceTab::acquire);
      }
      tag_n(ctx, "ev.dev.use.", static_cast<long long>(i));
    }
    // Partitions, indented under their device.
    for (std::size_t k = 0; k < d.partitions.size(); ++k) {
      const auto& p = d.partitions[k];
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      ImGui::Indent(ImGui::GetFontSize());
      ImGui::Text("%s %s", tr("gui.ev.dev.partition"), p.name.c_str());
      ImGui::Unindent(ImGui::GetFontSize());
      ImGui::TableSetColumnIndex(2);
      ImGui::TextUnformatted(i18n::format_bytes(p.size_bytes).c_str());
      ImGui::TableSetColumnIndex(3);
      if (p.fs_type.empty())
        ImGui::TextDisabled("%s", tr("gui.ev.dev.no_fs"));
      else
        ImGui::Text("%s %s", p.fs_type.c_str(), p.fs_label.c_str());
      ImGui::TableSetColumnIndex(4);
      ro_badge(p.read_only, offered);
      tag_n(ctx, (std::string("ev.dev.ro.") + std::to_string(i) + ".").c_str(), static_cast<long long>(k));
      ImGui::SameLine();
      if (p.mounts.empty()) ImGui::TextDisabled("%s", tr("gui.ev.dev.not_mounted"));
      for (const auto& m : p.mounts) {
        const std::string s = std::string(tr("devices.label.mounts")) + " " + m.mount_point + " (" +
                              tr(m.read_write ? "devices.mounted_rw" : "devices.mounted_ro") + ")";
        ImGui::PushTextWrapPos(0);
        if (m.read_write)
          text_colored(k_col_error, s.c_str());
        else
          ImGui::TextUnformatted(s.c_str());
        ImGui::PopTextWrapPos();
      }
    }
    if (!offered) ImGui::PopStyleColor();
    ImGui::PopID();
  }
  ImGui::EndTable();
}

// ---- register ------------------------------------------------------------------------------

void EvidenceScreen::sync_register(UiContext& ctx) {
  const bool finished = m_wizard.take_finished();
  if (job_busy()) return;  // the worker is writing it; the view waits for the job to end
  const std::string id = ctx.model.open_incident_id();
  const std::uint64_t rev = ctx.model.entries_revision();
  // Every register event also writes a chronology entry, so a new entry may mean a new event.
  if (finished || id != m_reg_incident || rev != m_reg_revision) reload_register(ctx);
}

void EvidenceScreen::reload_register(UiContext& ctx) {
  if (job_busy()) return;
  const std::string id = ctx.model.open_incident_id();
  const std::string keep = m_selected >= 0 && m_selected < static_cast<int>(m_items.size())
                               ? m_items[static_cast<std::size_t>(m_selected)].evidence_no
                               : std::string();
  m_reg_incident = id;
  m_reg_revision = ctx.model.entries_revision();
  m_reg.reset();
  m_items.clear();
  m_sel_transfers.clear();
  m_reg_error.clear();
  m_selected = -1;
  if (id.empty()) return;
  auto r = evidence::EvidenceRegister::open_dir(incident_dir(ctx.model.case_root(), id), id);
  if (!r) {
    m_reg_error = r.error().describe(i18n::japanese());
    return;
  }
  m_reg.emplace(std::move(r.value()));
  m_items = m_reg->items();
  for (const auto& it : m_items) {
    ctx.fonts.want_text(it.description);
    ctx.fonts.want_text(it.current_custodian.name);
    ctx.fonts.want_text(it.found_location);
  }
  for (std::size_t i = 0; i < m_items.size(); ++i)
    if (m_items[i].evidence_no == keep) select(static_cast<int>(i));
}

void EvidenceScreen::select(int index) {
  m_selected = index >= 0 && index < static_cast<int>(m_items.size()) ? index : -1;
  m_sel_transfers.clear();
  if (m_selected >= 0 && m_reg) m_sel_transfers = m_reg->transfers_of(m_items[static_cast<std::size_t>(m_selected)].evidence_no);
}

void EvidenceScreen::draw_register(UiContext& ctx) {
  {
    DisabledScope off(job_busy());
    if (ImGui::Button(tr("gui.ev.reg.reload"))) reload_register(ctx);
    tag(ctx, "ev.reg.reload");
  }
  ImGui::SameLine();
  ImGui::TextDisabled("%s %zu", tr("gui.ev.reg.count"), m_items.size());
  if (!m_reg_incident.empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("· %s %s-", tr("gui.ev.reg.prefix"), m_reg_incident.c_str());
  }
  if (job_busy()) {
    ImGui::SameLine();
    text_colored(k_col_warn, tr("gui.ev.reg.stale"));
  }
  if (m_reg_incident.empty()) {
    ImGui::TextDisabled("%s", tr("gui.blocker.no_incident"));
    return;
  }
  if (!m_reg_error.empty()) {
    text_wrapped(m_reg_error.c_str(), k_col_error);
    return;
  }
  if (m_items.empty()) {
    ImGui::TextDisabled("%s", tr("evidence.register.empty"));
    return;
  }
  const float avail = ImGui::GetContentRegionAvail().y;
  const float table_h = std::max(ImGui::GetTextLineHeightWithSpacing() * 4, avail * 0.38f);
  const ImGuiTableFlags flags = ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_SizingStretchProp;
  if (ImGui::BeginTable("items", 8, flags, ImVec2(0, table_h))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn(tr("evidence.field.evidence_no"), ImGuiTableColumnFlags_None, 0.75f);
    ImGui::TableSetupColumn(tr("evidence.field.item_type"), ImGuiTableColumnFlags_None, 0.95f);
    ImGui::TableSetupColumn(tr("evidence.field.description"), ImGuiTableColumnFlags_None, 2.2f);
    ImGui::TableSetupColumn(tr("evidence.field.derived_from"), ImGuiTableColumnFlags_None, 0.55f);
    ImGui::TableSetupColumn(tr("gui.ev.reg.col.state"), ImGuiTableColumnFlags_None, 1.5f);
    ImGui::TableSetupColumn(tr("gui.ev.reg.col.sha256"), ImGuiTableColumnFlags_None, 1.1f);
    ImGui::TableSetupColumn(tr("evidence.field.current_custodian"), ImGuiTableColumnFlags_None, 1.0f);
    ImGui::TableSetupColumn(tr("evidence.field.seal_no"), ImGuiTableColumnFlags_None, 0.8f);
    ImGui::TableHeadersRow();
    const bool ja = i18n::japanese();
    for (std::size_t i = 0; i < m_items.size(); ++i) {
      const auto& it = m_items[i];
      ImGui::PushID(static_cast<int>(i));
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      // The incident prefix is the same on every row (shown above): the table shows "E001".
      if (ImGui::Selectable(short_number(it.evidence_no, it.case_no).c_str(), m_selected == static_cast<int>(i),
                            ImGuiSelectableFlags_SpanAllColumns))
        select(static_cast<int>(i));
      tag_n(ctx, "ev.reg.row.", static_cast<long long>(i));
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", it.evidence_no.c_str());
      ImGui::TableSetColumnIndex(1);
      ImGui::TextUnformatted(evidence::item_type_label(it.item_type, ja).c_str());
      ImGui::TableSetColumnIndex(2);
      ImGui::TextUnformatted(it.description.c_str());
      if (ImGui::IsItemHovered() && ImGui::CalcTextSize(it.description.c_str()).x > ImGui::GetColumnWidth())
        ImGui::SetTooltip("%s", it.description.c_str());
      ImGui::TableSetColumnIndex(3);
      ImGui::TextUnformatted(short_number(it.derived_from, it.case_no).c_str());
      ImGui::TableSetColumnIndex(4);
      if (it.acquisition) {
        const auto& outcome = it.acquisition->outcome;
        text_colored(outcome == "completed" ? k_col_ok : outcome == "completed_with_errors" ? k_col_warn : k_col_error,
                     tr(recorded_outcome_key(outcome)));
        tag_n(ctx, "ev.reg.state.", static_cast<long long>(i));
        ImGui::SameLine();
        text_colored(it.verification_events.empty() ? k_col_muted
                     : item_verification_ok(it)     ? k_col_ok
                                                    : k_col_error,
                     tr(item_verification_key(it)));
      } else if (!it.seal_no.empty()) {
        ImGui::TextUnformatted(tr("gui.ev.reg.sealed"));
      }
      ImGui::TableSetColumnIndex(5);
      const std::string h = short_hash(it);
      if (h.empty())
        ImGui::TextDisabled("%s", tr("evidence.label.sha256_missing"));
      else
        ImGui::TextUnformatted(h.c_str());
      ImGui::TableSetColumnIndex(6);
      ImGui::TextUnformatted(it.current_custodian.name.c_str());
      ImGui::TableSetColumnIndex(7);
      ImGui::TextUnformatted(it.seal_no.c_str());
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  if (m_selected < 0) {
    ImGui::TextDisabled("%s", tr("gui.ev.reg.select"));
    return;
  }
  const auto& it = m_items[static_cast<std::size_t>(m_selected)];
  // Actions on the selected item: all of them write through the Workspace on this thread.
  const char* blocker = write_blocker(ctx);
  {
    DisabledScope off(blocker != nullptr);
    if (ImGui::Button(tr("gui.ev.reg.transfer"))) open_transfer(it);
    tag(ctx, "ev.reg.transfer");
    ImGui::SameLine();
    if (ImGui::Button(tr("gui.ev.reg.seal"))) open_seal(it);
    tag(ctx, "ev.reg.seal");
    ImGui::SameLine();
    if (ImGui::Button(tr("gui.ev.cust.label"))) write_pdf(ctx, it.evidence_no, true);
    tag(ctx, "ev.reg.label");
    ImGui::SameLine();
    if (ImGui::Button(tr("gui.ev.cust.form"))) write_pdf(ctx, it.evidence_no, false);
    tag(ctx, "ev.reg.form");
  }
  if (blocker) {
    ImGui::SameLine();
    text_colored(k_col_warn, tr(blocker));
  }
  if (!m_output_error.empty()) text_colored(k_col_error, m_output_error.c_str());
  if (!m_output_path.empty()) ImGui::TextDisabled("%s %s", tr("gui.ev.cust.written"), m_output_path.c_str());
  ImGui::BeginChild("detail", ImVec2(0, 0), true);
  draw_detail(ctx, it);
  ImGui::EndChild();
}

void EvidenceScreen::draw_detail(UiContext& ctx, const evidence::EvidenceItem& it) {
  const bool ja = i18n::japanese();
  ImGui::PushFont(ctx.fonts.large());
  ImGui::TextUnformatted(it.evidence_no.c_str());
  ImGui::PopFont();
  ImGui::SameLine();
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(evidence::item_type_label(it.item_type, ja).c_str());
  if (ImGui::BeginTable("fields", 2, ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn("k", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 10);
    ImGui::TableSetupColumn("v", ImGuiTableColumnFlags_WidthStretch);
    detail_row(tr("evidence.field.description"), it.description);
    detail_row(tr("evidence.field.derived_from"), it.derived_from);
    std::string mm = it.make.empty() ? it.model : it.make + " " + it.model;
    detail_row(tr("evidence.field.make_model"), mm);
    detail_row(tr("evidence.field.serial_no"), it.serial_no);
    if (it.capacity_bytes)
      detail_row(tr("evidence.field.capacity"), i18n::format_bytes(static_cast<std::uint64_t>(*it.capacity_bytes)) + " (" +
                                                    std::to_string(*it.capacity_bytes) + " " + tr("devices.bytes") + ")");
    detail_row(tr("evidence.field.interface"), it.interface);
    detail_row(tr("evidence.field.found_location"), it.found_location);
    if (it.collected_time) detail_row(tr("evidence.field.collected_time"), time_text(*it.collected_time));
    detail_row(tr("evidence.field.collected_by"), person_text(it.collected_by));
    detail_row(tr("evidence.field.witness"), person_text(it.witness));
    detail_row(tr("evidence.field.collection_reason"), it.collection_reason);
    detail_row(tr("evidence.field.current_custodian"), person_text(it.current_custodian));
    detail_row(tr("evidence.field.seal_no"), it.seal_no);
    detail_row(tr("evidence.field.bag_no"), it.bag_no);
    detail_row(tr("evidence.field.storage_location"), it.storage_location);
    if (it.acquisition) {
      const auto& a = *it.acquisition;
      detail_row(tr("evidence.acq.source"), a.source_device_path);
      detail_row(tr("evidence.acq.write_protection"), a.write_protection);
      detail_row(tr("evidence.acq.destination"), a.destination_path + (a.image_format.empty() ? "" : " [" + a.image_format + "]"));
      detail_row(tr("evidence.acq.medium_serial"), a.destination_medium_serial);
      detail_row(tr("gui.ev.reg.tool"), a.tool_name + " " + a.tool_version);
      detail_row(tr("evidence.acq.outcome"), a.outcome + ", " + std::to_string(a.bytes_read) + " " + tr("devices.bytes") +
                                                 ", " + tr("evidence.acq.read_errors") + " " + std::to_string(a.read_errors));
      detail_row(tr("evidence.acq.deviations"), a.deviations);
    }
    ImGui::EndTable();
  }
  if (!it.hashes.empty() && ImGui::CollapsingHeader(tr("evidence.field.hashes"), ImGuiTreeNodeFlags_DefaultOpen)) {
    for (std::size_t i = 0; i < it.hashes.size(); ++i) {
      const auto& h = it.hashes[i];
      ImGui::TextDisabled("%s · %s · %s", h.algorithm.c_str(), h.scope.c_str(), h.target.c_str());
      ImGui::PushID(static_cast<int>(i));
      std::string v = h.value;
      ImGui::SetNextItemWidth(-1);
      ImGui::InputText("##hash", &v, ImGuiInputTextFlags_ReadOnly);
      ImGui::PopID();
    }
  }
  if (ImGui::CollapsingHeader(tr("evidence.field.verification"), ImGuiTreeNodeFlags_DefaultOpen)) {
    if (it.verification_events.empty()) ImGui::TextDisabled("%s", tr("gui.ev.reg.none"));
    for (std::size_t i = 0; i < it.verification_events.size(); ++i) {
      const auto& v = it.verification_events[i];
      ImGui::TextUnformatted((format_jst_display(v.utc_ns) + "  " + v.what + "  ").c_str());
      ImGui::SameLine(0, 0);
      text_colored(v.match ? k_col_ok : k_col_error, tr(v.match ? "evidence.verify.match" : "evidence.verify.mismatch"));
      tag_n(ctx, "ev.reg.verify.", static_cast<long long>(i));
      if (ImGui::IsItemHovered() && !v.detail.empty()) ImGui::SetTooltip("%s", v.detail.c_str());
      ImGui::SameLine();
      ImGui::TextDisabled("%s", v.by.c_str());
    }
  }
  if (ImGui::CollapsingHeader(tr("evidence.field.transfers"), ImGuiTreeNodeFlags_DefaultOpen)) {
    if (m_sel_transfers.empty()) ImGui::TextDisabled("%s", tr("gui.ev.reg.none"));
    for (std::size_t i = 0; i < m_sel_transfers.size(); ++i) {
      const auto& t = m_sel_transfers[i];
      ImGui::Text("%s  %s  %s → %s", t.transfer_id.c_str(), format_jst_display(t.time.utc_ns).c_str(),
                  person_text(t.from).c_str(), person_text(t.to).c_str());
      tag_n(ctx, "ev.reg.transfer.", static_cast<long long>(i));
      std::string line = std::string(choice_label(t.purpose, k_purposes.data(), k_purposes.data() + k_purposes.size())) +
                         " · " + choice_label(t.method, k_methods.data(), k_methods.data() + k_methods.size());
      if (!t.tracking_no.empty()) line += " " + t.courier + " " + t.tracking_no;
      if (!t.seal_no_before.empty() || !t.seal_no_after.empty())
        line += " · " + std::string(tr("evidence.field.seal_no")) + " " + t.seal_no_before + " → " + t.seal_no_after;
      ImGui::Indent();
      ImGui::TextDisabled("%s", line.c_str());
      if (t.seal_intact) {
        ImGui::SameLine();
        text_colored(*t.seal_intact ? k_col_ok : k_col_error, tr(*t.seal_intact ? "evidence.seal.intact" : "evidence.seal.broken"));
      }
      if (!t.condition_on_receipt.empty()) ImGui::TextDisabled("%s", t.condition_on_receipt.c_str());
      ImGui::Unindent();
    }
  }
}

void EvidenceScreen::write_pdf(UiContext& ctx, const std::string& evidence_no, bool label) {
  m_output_error.clear();
  m_output_path.clear();
  Workspace* ws = ctx.model.workspace();
  if (write_blocker(ctx) || !ws) return;
  if (auto r = write_evidence_pdf(ctx, *ws, evidence_no, label, m_output_error)) m_output_path = r->path.string();
}

// ---- dialogs -------------------------------------------------------------------------------

void EvidenceScreen::draw_transfer_dialog(UiContext& ctx) {
  const std::string title = std::string(tr("gui.ev.tr.title")) + "###transfer_dialog";
  if (m_transfer_open && !ImGui::IsPopupOpen(title.c_str())) ImGui::OpenPopup(title.c_str());
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  ImGui::SetNextWindowSize(ImVec2(std::min(760.0f, display.x - 40), 0), ImGuiCond_Appearing);
  ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, display.y * 0.45f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (!ImGui::BeginPopupModal(title.c_str(), nullptr, ImGuiWindowFlags_NoSavedSettings)) return;
  if (!m_tr.evidence_nos.empty()) ImGui::Text("%s %s", tr("evidence.field.evidence_no"), m_tr.evidence_nos.front().c_str());
  dialog_field(ctx, tr("gui.ev.tr.from"), "tr.from", "##from", m_tr.from.name);
  dialog_field(ctx, tr("gui.ev.tr.from_org"), "tr.from_org", "##from_org", m_tr.from.organisation);
  dialog_field(ctx, tr("gui.ev.tr.to"), "tr.to", "##to", m_tr.to.name);
  dialog_field(ctx, tr("gui.ev.tr.to_org"), "tr.to_org", "##to_org", m_tr.to.organisation);
  dialog_field(ctx, tr("gui.ev.tr.to_phone"), "tr.to_phone", "##to_phone", m_tr.to.phone);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(tr("evidence.cli.purpose"));
  ImGui::SameLine(dialog_label_width());
  for (std::size_t i = 0; i < k_purposes.size(); ++i) {
    if (i) ImGui::SameLine();
    ImGui::RadioButton(tr(k_purposes[i].key), &m_tr_purpose, static_cast<int>(i));
    tag_n(ctx, "tr.purpose.", static_cast<long long>(i));
  }
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(tr("evidence.cli.method"));
  ImGui::SameLine(dialog_label_width());
  for (std::size_t i = 0; i < k_methods.size(); ++i) {
    if (i) ImGui::SameLine();
    ImGui::RadioButton(tr(k_methods[i].key), &m_tr_method, static_cast<int>(i));
    tag_n(ctx, "tr.method.", static_cast<long long>(i));
  }
  if (m_tr_method == 1) {
    dialog_field(ctx, tr("evidence.cli.opt.courier"), "tr.courier", "##courier", m_tr.courier);
    dialog_field(ctx, tr("evidence.cli.tracking"), "tr.tracking", "##tracking", m_tr.tracking_no);
  }
  dialog_field(ctx, tr("evidence.cli.opt.seal_before"), "tr.seal_before", "##seal_before", m_tr.seal_no_before);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(tr("gui.ev.tr.seal"));
  ImGui::SameLine(dialog_label_width());
  const char* seal_keys[] = {"gui.ev.tr.seal_unchecked", "evidence.seal.intact", "evidence.seal.broken"};
  for (int i = 0; i < 3; ++i) {
    if (i) ImGui::SameLine();
    ImGui::RadioButton(tr(seal_keys[i]), &m_tr_seal, i);
    tag_n(ctx, "tr.seal.", i);
  }
  dialog_field(ctx, tr("evidence.cli.opt.seal_after"), "tr.seal_after", "##seal_after", m_tr.seal_no_after);
  dialog_field(ctx, tr("evidence.cli.opt.condition_on_receipt"), "tr.condition", "##condition", m_tr.condition_on_receipt);
  if (!m_tr_error.empty()) {
    text_wrapped(m_tr_error.c_str(), k_col_error);
  }
  ImGui::Separator();
  const char* blocker = write_blocker(ctx);
  const bool ready = !m_tr.from.name.empty() && !m_tr.to.name.empty() && blocker == nullptr;
  {
    DisabledScope off(!ready);
    if (ImGui::Button(tr("gui.ev.tr.record"), ImVec2(ImGui::GetFontSize() * 8, 0))) {
      evidence::Transfer t = m_tr;
      t.purpose = k_purposes[static_cast<std::size_t>(m_tr_purpose)].value;
      t.method = k_methods[static_cast<std::size_t>(m_tr_method)].value;
      if (m_tr_method != 1) {
        t.courier.clear();
        t.tracking_no.clear();
      }
      if (m_tr_seal == 1) t.seal_intact = true;
      if (m_tr_seal == 2) t.seal_intact = false;
      Workspace* ws = ctx.model.workspace();
      if (ws && m_reg) {
        auto r = m_reg->record_transfer(*ws, std::move(t));
        if (!r) {
          m_tr_error = r.error().describe(i18n::japanese());
          if (r.error().code == ErrorCode::not_saved || r.error().code == ErrorCode::no_space)
            ctx.model.push_error("gui.error.not_saved", r.error());
        } else {
          m_transfer_open = false;
          ImGui::CloseCurrentPopup();
          reload_register(ctx);
        }
      }
    }
    tag(ctx, "tr.ok");
  }
  ImGui::SameLine();
  if (ImGui::Button(tr("gui.dialog.close")) || (!ImGui::IsWindowAppearing() && ImGui::IsKeyPressed(k_key_escape, false))) {
    m_transfer_open = false;
    ImGui::CloseCurrentPopup();
  }
  tag(ctx, "tr.cancel");
  if (blocker) {
    ImGui::SameLine();
    text_colored(k_col_warn, tr(blocker));
  }
  ImGui::EndPopup();
}

void EvidenceScreen::draw_seal_dialog(UiContext& ctx) {
  const std::string title = std::string(tr("gui.ev.seal.title")) + "###seal_dialog";
  if (m_seal_open && !ImGui::IsPopupOpen(title.c_str())) ImGui::OpenPopup(title.c_str());
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  ImGui::SetNextWindowSize(ImVec2(std::min(640.0f, display.x - 40), 0), ImGuiCond_Appearing);
  ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, display.y * 0.45f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (!ImGui::BeginPopupModal(title.c_str(), nullptr, ImGuiWindowFlags_NoSavedSettings)) return;
  const std::string no = m_selected >= 0 && m_selected < static_cast<int>(m_items.size())
                             ? m_items[static_cast<std::size_t>(m_selected)].evidence_no
                             : std::string();
  ImGui::Text("%s %s", tr("evidence.field.evidence_no"), no.c_str());
  dialog_field(ctx, tr("evidence.field.seal_no"), "seal.no", "##seal_no", m_seal_no);
  dialog_field(ctx, tr("evidence.field.bag_no"), "seal.bag", "##bag_no", m_bag_no);
  dialog_field(ctx, tr("evidence.cli.opt.note"), "seal.note", "##seal_note", m_seal_note);
  if (!m_seal_error.empty()) {
    text_wrapped(m_seal_error.c_str(), k_col_error);
  }
  ImGui::Separator();
  const char* blocker = write_blocker(ctx);
  {
    DisabledScope off(m_seal_no.empty() || no.empty() || blocker != nullptr);
    if (ImGui::Button(tr("gui.ev.seal.record"), ImVec2(ImGui::GetFontSize() * 8, 0))) {
      Workspace* ws = ctx.model.workspace();
      if (ws && m_reg) {
        auto st = m_reg->record_seal(*ws, no, m_seal_no, m_bag_no, m_seal_note);
        if (!st) {
          m_seal_error = st.error().describe(i18n::japanese());
          if (st.error().code == ErrorCode::not_saved || st.error().code == ErrorCode::no_space)
            ctx.model.push_error("gui.error.not_saved", st.error());
        } else {
          m_seal_open = false;
          ImGui::CloseCurrentPopup();
          reload_register(ctx);
        }
      }
    }
    tag(ctx, "seal.ok");
  }
  ImGui::SameLine();
  if (ImGui::Button(tr("gui.dialog.close")) || (!ImGui::IsWindowAppearing() && ImGui::IsKeyPressed(k_key_escape, false))) {
    m_seal_open = false;
    ImGui::CloseCurrentPopup();
  }
  tag(ctx, "seal.cancel");
  if (blocker) {
    ImGui::SameLine();
    text_colored(k_col_warn, tr(blocker));
  }
  ImGui::EndPopup();
}

}  // namespace shodo::gui
