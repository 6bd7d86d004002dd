#include "app/gui/job_list.hpp"

#include <cstdio>
#include <filesystem>
#include <string>

#include <imgui.h>

#include "app/gui/widgets.hpp"
#include "forensics/core/clock.hpp"
#include "forensics/i18n/catalogue.hpp"
#include "forensics/i18n/format.hpp"

namespace shodo::gui {

using i18n::tr;

namespace {

constexpr ImU32 k_bg_ok = IM_COL32(205, 235, 210, 255);
constexpr ImU32 k_bg_neutral = IM_COL32(225, 225, 222, 255);
constexpr ImU32 k_bg_running = IM_COL32(214, 226, 248, 255);

void state_chip(JobState s) {
  ImU32 bg = k_bg_running, fg = k_col_system;
  switch (s) {
    case JobState::complete: bg = k_bg_ok, fg = k_col_ok; break;
    case JobState::complete_with_bad_sectors:
    case JobState::paused:
    case JobState::cancelling: bg = k_col_banner_bg, fg = k_col_warn; break;
    case JobState::records_incomplete:
    case JobState::verify_mismatch:
    case JobState::aborted:
    case JobState::refused: bg = k_col_error_bg, fg = k_col_error; break;
    default: break;
  }
  badge_chip(tr(job_state_key(s)), bg, fg);
}

ImU32 outcome_colour(const std::string& outcome) {
  if (outcome == "completed") return k_col_ok;
  if (outcome == "completed_with_errors" || outcome == "in_progress") return k_col_warn;
  return k_col_error;
}

// "→ <name> [format]" and the folder below it: a whole path wraps in the middle of the name.
void destination_lines(const std::string& path, const std::string& format) {
  const std::filesystem::path p(path);
  ImGui::Text("→ %s [%s]", p.filename().string().c_str(), format.c_str());
  if (p.has_parent_path()) ImGui::TextDisabled("   %s", p.parent_path().string().c_str());
}

// "1.20 GiB / 4.00 GiB · current 350.0 MB/s · average 300.0 MB/s · remaining 0:00:12"
std::string live_line(const ProgressSnapshot& p) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s / %s · %s %.1f MB/s · %s %.1f MB/s · %s %s", i18n::format_bytes(p.done).c_str(),
                i18n::format_bytes(p.total).c_str(), tr("gui.ev.run.current"), p.current_rate / 1e6, tr("gui.ev.run.average"),
                p.average_rate / 1e6, tr("gui.ev.run.eta"), i18n::format_eta(p.eta_s).c_str());
  return buf;
}

void draw_session_jobs(UiContext& ctx, AcquireWizard& w, JobListAction& act) {
  const auto& jobs = w.jobs();
  if (jobs.empty()) {
    ImGui::TextDisabled("%s", tr("gui.ev.jobs.none"));
    return;
  }
  const bool ja = i18n::japanese();
  const ImGuiTableFlags flags = ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_RowBg;
  if (!ImGui::BeginTable("session_jobs", 4, flags)) return;
  const float fs = ImGui::GetFontSize();
  ImGui::TableSetupColumn(tr("gui.ev.jobs.col.state"), ImGuiTableColumnFlags_WidthFixed, fs * 9.5f);
  ImGui::TableSetupColumn(tr("gui.ev.jobs.col.what"), ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableSetupColumn(tr("gui.ev.jobs.col.progress"), ImGuiTableColumnFlags_WidthStretch, 1.6f);
  ImGui::TableSetupColumn("##actions", ImGuiTableColumnFlags_WidthFixed, fs * 6.5f);
  ImGui::TableHeadersRow();
  // Newest first: the running job stays at the top where the eye is.
  for (std::size_t k = jobs.size(); k-- > 0;) {
    const JobRecord& j = jobs[k];
    const bool latest = k + 1 == jobs.size();
    const bool running = latest && w.busy();
    ImGui::PushID(j.number);
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    ImGui::Text("#%d", j.number);
    ImGui::SameLine();
    state_chip(j.state);
    tag_n(ctx, "ev.jobs.state.", j.number);
    ImGui::TextDisabled("%s", format_jst_display(j.started_utc_ns).substr(11).c_str());

    ImGui::TableSetColumnIndex(1);
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(j.source.c_str());
    destination_lines(j.destination, j.format);
    if (!j.image_no.empty()) ImGui::Text("%s → %s", j.source_no.c_str(), j.image_no.c_str());
    ImGui::PopTextWrapPos();

    ImGui::TableSetColumnIndex(2);
    const ProgressSnapshot& p = j.progress;
    const float frac = p.total ? static_cast<float>(static_cast<double>(p.done) / static_cast<double>(p.total)) : 0.0f;
    char pct[48];
    const int n = phase_number(acquire::phase_of(p.phase));
    if (running && n > 0)
      std::snprintf(pct, sizeof pct, "%d/%d  %.1f %%", n, phase_count(w.form().verify_source),
                    static_cast<double>(frac) * 100.0);
    else
      std::snprintf(pct, sizeof pct, "%.1f %%", static_cast<double>(frac) * 100.0);
    ImGui::ProgressBar(frac, ImVec2(-1, 0), pct);
    tag_n(ctx, "ev.jobs.bar.", j.number);
    ImGui::PushTextWrapPos(0);
    if (running) {
      ImGui::TextUnformatted(live_line(p).c_str());
      ImGui::Text("%s %llu · %s %s", tr("gui.ev.run.bad"), static_cast<unsigned long long>(p.errors),
                  tr("gui.ev.run.bottleneck"), tr(stage_key(p.bottleneck)));
    } else if (job_state_final(j.state) && j.state != JobState::refused) {
      ImGui::Text("%s / %s · %s %.1f MB/s · %s %llu", i18n::format_bytes(j.bytes_covered).c_str(),
                  i18n::format_bytes(j.source_size).c_str(), tr("gui.ev.run.average"), j.acquire_rate / 1e6,
                  tr("gui.ev.run.bad"), static_cast<unsigned long long>(j.bad_sectors));
    }
    if (!j.reason_ja.empty()) {
      const ImU32 col = j.state == JobState::complete ? k_col_ok
                        : j.state == JobState::complete_with_bad_sectors ? k_col_warn
                                                                          : k_col_error;
      text_wrapped((ja ? j.reason_ja : j.reason_en).c_str(), col);
    }
    ImGui::PopTextWrapPos();

    ImGui::TableSetColumnIndex(3);
    const ImVec2 bw(-1, 0);
    if (running) {
      {
        DisabledScope off(w.job().cancel_requested());
        if (ImGui::Button(w.job().paused() ? tr("gui.ev.run.resume") : tr("gui.ev.run.pause"), bw))
          w.job().set_paused(!w.job().paused());
        tag(ctx, "ev.jobs.pause");
        if (ImGui::Button(tr("gui.ev.run.cancel"), bw)) w.request_cancel();
        tag(ctx, "ev.jobs.cancel");
      }
    }
    if (latest) {
      if (ImGui::Button(tr("gui.ev.jobs.show"), bw)) act.show_wizard = true;
      tag(ctx, "ev.jobs.show");
    }
    ImGui::PopID();
  }
  ImGui::EndTable();
}

void draw_recorded(UiContext& ctx, const std::vector<evidence::EvidenceItem>& items) {
  int rows = 0;
  for (const auto& it : items) rows += it.acquisition ? 1 : 0;
  if (rows == 0) {
    ImGui::TextDisabled("%s", tr("gui.ev.jobs.none_recorded"));
    return;
  }
  const ImGuiTableFlags flags = ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("recorded_jobs", 5, flags)) return;
  ImGui::TableSetupColumn(tr("evidence.field.evidence_no"), ImGuiTableColumnFlags_None, 1.3f);
  ImGui::TableSetupColumn(tr("evidence.acq.source"), ImGuiTableColumnFlags_None, 2.2f);
  ImGui::TableSetupColumn(tr("evidence.acq.outcome"), ImGuiTableColumnFlags_None, 1.6f);
  ImGui::TableSetupColumn(tr("evidence.field.verification"), ImGuiTableColumnFlags_None, 0.9f);
  ImGui::TableSetupColumn(tr("gui.ev.jobs.col.time"), ImGuiTableColumnFlags_None, 1.4f);
  ImGui::TableHeadersRow();
  int row = 0;
  for (const auto& it : items) {
    if (!it.acquisition) continue;
    const auto& a = *it.acquisition;
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    ImGui::TextUnformatted(it.evidence_no.c_str());
    tag_n(ctx, "ev.jobs.recorded.", row++);
    if (!it.derived_from.empty()) ImGui::TextDisabled("← %s", it.derived_from.c_str());
    ImGui::TableSetColumnIndex(1);
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(a.source_device_path.c_str());
    destination_lines(a.destination_path, a.image_format);
    ImGui::PopTextWrapPos();
    ImGui::TableSetColumnIndex(2);
    text_colored(outcome_colour(a.outcome), tr(recorded_outcome_key(a.outcome)));
    ImGui::TextDisabled("%s · %s %lld", i18n::format_bytes(static_cast<std::uint64_t>(a.bytes_read)).c_str(),
                        tr("gui.ev.run.bad"), static_cast<long long>(a.read_errors));
    ImGui::TableSetColumnIndex(3);
    const char* vkey = item_verification_key(it);
    text_colored(it.verification_events.empty() ? k_col_muted : item_verification_ok(it) ? k_col_ok : k_col_error,
                 tr(vkey));
    ImGui::TableSetColumnIndex(4);
    if (a.started.utc_ns) ImGui::TextUnformatted(format_jst_display(a.started.utc_ns).c_str());
    if (a.ended.utc_ns) ImGui::TextDisabled("– %s", format_jst_display(a.ended.utc_ns).substr(11).c_str());
  }
  ImGui::EndTable();
}

}  // namespace

const char* recorded_outcome_key(const std::string& outcome) {
  if (outcome == "completed") return "gui.ev.outcome.completed";
  if (outcome == "completed_with_errors") return "gui.ev.outcome.completed_with_errors";
  if (outcome == "aborted") return "gui.ev.outcome.aborted";
  if (outcome == "in_progress") return "gui.ev.outcome.in_progress";
  return "gui.ev.outcome.failed";
}

bool item_verification_ok(const evidence::EvidenceItem& it) {
  if (it.verification_events.empty()) return false;
  for (const auto& v : it.verification_events)
    if (!v.match) return false;
  return true;
}

const char* item_verification_key(const evidence::EvidenceItem& it) {
  if (it.verification_events.empty()) return "gui.ev.verify.none";
  return item_verification_ok(it) ? "gui.ev.verify.match" : "gui.ev.verify.mismatch";
}

JobListAction draw_job_list(UiContext& ctx, AcquireWizard& wizard, const std::vector<evidence::EvidenceItem>& items,
                            bool register_stale) {
  JobListAction act;
  ImGui::TextUnformatted(tr("gui.ev.jobs.session"));
  draw_session_jobs(ctx, wizard, act);
  ImGui::Spacing();
  ImGui::Spacing();
  ImGui::TextUnformatted(tr("gui.ev.jobs.recorded"));
  if (register_stale) {
    ImGui::SameLine();
    text_colored(k_col_warn, tr("gui.ev.reg.stale"));
  }
  draw_recorded(ctx, items);
  return act;
}

}  // namespace shodo::gui
