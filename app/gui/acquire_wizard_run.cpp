// The second half of the acquisition wizard: the running job (progress, rates, ETA, bad
// sectors, bottleneck, rate plot, pause / resume / cancel), the result with its verification,
// and the custody step. The first half (the form, the steps before Start, the job bookkeeping)
// is acquire_wizard.cpp.
#include "app/gui/acquire_wizard.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "app/gui/app_model.hpp"
#include "app/gui/fonts.hpp"
#include "app/gui/keys.hpp"
#include "app/gui/widgets.hpp"
#include "forensics/case/workspace.hpp"
#include "forensics/core/clock.hpp"
#include "forensics/i18n/catalogue.hpp"
#include "forensics/i18n/format.hpp"

namespace shodo::gui {

using i18n::tr;

namespace {

// The width of the wizard's label column (as in acquire_wizard.cpp).
float label_width() { return ImGui::GetFontSize() * 11.0f; }

const char* verify_what_key(const std::string& what) {
  if (what == "image_reread") return "gui.ev.res.what.image_reread";
  if (what == "second_image_reread") return "gui.ev.res.what.second_image_reread";
  if (what == "source_reread") return "gui.ev.res.what.source_reread";
  if (what == "e01_stored_md5") return "gui.ev.res.what.e01_stored_md5";
  if (what == "e01_stored_sha1") return "gui.ev.res.what.e01_stored_sha1";
  return "gui.ev.res.what.other";
}

// A read-only, selectable field (hashes and paths can be copied).
void copyable(const char* id, const std::string& text) {
  std::string v = text;
  ImGui::SetNextItemWidth(-1);
  ImGui::InputText(id, &v, ImGuiInputTextFlags_ReadOnly);
}

}  // namespace

void AcquireWizard::draw_run(UiContext& ctx) {
  const ProgressSnapshot& s = m_snap;
  char line[256];
  const acquire::Phase phase = acquire::phase_of(s.phase);
  if (const int n = phase_number(phase)) {
    std::snprintf(line, sizeof line, "%s %d/%d: %s", tr("gui.ev.run.phase"), n, phase_count(m_form.verify_source),
                  tr(acquire::phase_key(phase)));
  } else {
    std::snprintf(line, sizeof line, "%s",
                  tr(phase == acquire::Phase::writing_records ? "gui.ev.run.records" : "gui.ev.run.preparing"));
  }
  ImGui::PushFont(ctx.fonts.large());
  ImGui::TextUnformatted(line);
  ImGui::PopFont();
  tag(ctx, "acq.run.phase");
  if (!m_jobs.empty()) {
    const JobRecord& j = m_jobs.back();
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    badge_chip(tr(job_state_key(j.state)), j.state == JobState::paused || j.state == JobState::cancelling
                                               ? k_col_banner_bg
                                               : IM_COL32(214, 226, 248, 255),
               j.state == JobState::paused || j.state == JobState::cancelling ? k_col_warn : k_col_system);
    tag(ctx, "acq.run.state");
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("%s → %s [%s]", j.source.c_str(), j.destination.c_str(), j.format.c_str());
    ImGui::PopTextWrapPos();
  }

  const float frac = s.total ? static_cast<float>(static_cast<double>(s.done) / static_cast<double>(s.total)) : 0.0f;
  char pct[32];
  std::snprintf(pct, sizeof pct, "%.1f %%", static_cast<double>(frac) * 100.0);
  ImGui::ProgressBar(frac, ImVec2(-1, 0), pct);
  tag(ctx, "acq.run.bar");

  // The numbers in a two-column grid so they do not jump about as digits change.
  const bool paused = m_job.paused();
  if (ImGui::BeginTable("run_numbers", 4, ImGuiTableFlags_SizingStretchSame)) {
    auto cell = [](const char* label, const std::string& value, ImU32 col = 0) {
      ImGui::TableNextColumn();
      ImGui::TextDisabled("%s", label);
      ImGui::SameLine();
      if (col)
        text_colored(col, value.c_str());
      else
        ImGui::TextUnformatted(value.c_str());
    };
    char v[96];
    cell(tr("gui.ev.run.bytes"), i18n::format_bytes(s.done) + " / " + i18n::format_bytes(s.total));
    std::snprintf(v, sizeof v, "%.1f MB/s", s.current_rate / 1e6);
    cell(tr("gui.ev.run.current"), v);
    std::snprintf(v, sizeof v, "%.1f MB/s", s.average_rate / 1e6);
    cell(tr("gui.ev.run.average"), v);
    cell(tr("gui.ev.run.eta"), paused ? std::string(tr("gui.ev.job.state.paused")) : i18n::format_eta(s.eta_s));
    cell(tr("gui.ev.run.elapsed"), i18n::format_eta(s.elapsed_s));
    std::snprintf(v, sizeof v, "%llu", static_cast<unsigned long long>(s.errors));
    cell(tr("gui.ev.run.bad"), v, s.errors ? k_col_error : 0);
    tag(ctx, "acq.run.bad");
    cell(tr("gui.ev.run.bottleneck"), tr(stage_key(s.bottleneck)));
    tag(ctx, "acq.run.bottleneck");
    ImGui::EndTable();
  }

  ImGui::Spacing();
  // The numbers above the plot, not over it: ImGui writes an overlay across the top of the line.
  // The peak is of the plotted samples: none yet (the first second, or paused at once) → no peak.
  if (m_plot.size() == 0)
    ImGui::TextDisabled("%s  %s %.1f MB/s", tr("gui.ev.run.plot"), tr("gui.ev.run.current"), s.current_rate / 1e6);
  else
    ImGui::TextDisabled("%s  %s %.1f MB/s · %s %.1f MB/s", tr("gui.ev.run.plot"), tr("gui.ev.run.current"),
                        s.current_rate / 1e6, tr("gui.ev.run.peak"), static_cast<double>(m_plot.peak()));
  m_plot.draw("##rate", nullptr, ImVec2(-1, ImGui::GetFontSize() * 5.0f));
  tag(ctx, "acq.run.plot");
  ImGui::Spacing();

  if (m_job.paused()) banner(k_col_banner_bg, k_col_warn, tr("gui.ev.run.paused"));
  if (m_job.cancel_requested()) banner(k_col_error_bg, k_col_error, tr("gui.ev.run.cancelling"));

  DisabledScope off(!m_job.busy() || m_job.cancel_requested());
  if (ImGui::Button(m_job.paused() ? tr("gui.ev.run.resume") : tr("gui.ev.run.pause"), ImVec2(ImGui::GetFontSize() * 8, 0)))
    m_job.set_paused(!m_job.paused());
  tag(ctx, "acq.pause");
  ImGui::SameLine();
  if (ImGui::Button(tr("gui.ev.run.cancel"), ImVec2(ImGui::GetFontSize() * 8, 0))) m_confirm_cancel = true;
  tag(ctx, "acq.cancel");
  if (m_job_preflight && !m_job_preflight->can_start()) text_colored(k_col_error, tr("gui.ev.pf.blocked"));
}

void AcquireWizard::draw_cancel_confirm(UiContext& ctx) {
  const std::string title = std::string(tr("gui.ev.cancel.title")) + "###acq_cancel";
  if (m_confirm_cancel) {
    ImGui::OpenPopup(title.c_str());
    m_confirm_cancel = false;
  }
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  ImGui::SetNextWindowSize(ImVec2(std::min(640.0f, display.x - 40), 0), ImGuiCond_Appearing);
  ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, display.y * 0.4f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (!ImGui::BeginPopupModal(title.c_str(), nullptr, ImGuiWindowFlags_NoSavedSettings)) return;
  text_wrapped(tr("gui.ev.cancel.text"));
  if (m_close_after_cancel) {
    ImGui::Spacing();
    text_wrapped(tr("gui.ev.cancel.closing"));
  }
  ImGui::Separator();
  if (ImGui::Button(tr("gui.ev.cancel.yes"))) {
    m_job.cancel();
    ImGui::CloseCurrentPopup();
  }
  tag(ctx, "acq.cancel.yes");
  ImGui::SameLine();
  if (ImGui::Button(tr("gui.ev.cancel.no")) ||
      (!ImGui::IsWindowAppearing() && ImGui::IsKeyPressed(k_key_escape, false))) {
    m_close_after_cancel = false;  // keep going: the window stays too
    ImGui::CloseCurrentPopup();
  } else if (!m_job.busy()) {
    ImGui::CloseCurrentPopup();
  }
  tag(ctx, "acq.cancel.no");
  ImGui::EndPopup();
}

void AcquireWizard::draw_result(UiContext& ctx) {
  if (!m_result) {
    // The job is in its verification phases: the same progress panel.
    draw_run(ctx);
    return;
  }
  const bool ja = i18n::japanese();
  if (!m_result->ok()) {
    banner(k_col_error_bg, k_col_error, tr("gui.ev.res.failed"));
    text_wrapped(m_result->error().describe(ja).c_str(), k_col_error);
    tag(ctx, "acq.res.error");
    return;
  }
  const acquire::AcquireResult& r = m_result->value();
  const acquire::AcquisitionRecord& rec = r.record;
  const bool complete = acquire::is_complete(r.outcome);
  const ImU32 col = complete && r.verified ? (r.outcome == acquire::Outcome::complete ? k_col_ok : k_col_warn) : k_col_error;
  const JobState state = final_job_state(*m_result);
  ImGui::PushFont(ctx.fonts.large());
  badge_chip(tr(job_state_key(state)),
             col == k_col_ok ? IM_COL32(205, 235, 210, 255) : col == k_col_warn ? k_col_banner_bg : k_col_error_bg, col);
  ImGui::PopFont();
  tag(ctx, "acq.res.state");
  text_wrapped((ja ? rec.outcome_ja : rec.outcome_en).c_str(), col);
  tag(ctx, "acq.res.outcome");
  text_wrapped((ja ? rec.verify_summary_ja : rec.verify_summary_en).c_str(), col);
  if (ImGui::BeginTable("res_facts", 2, ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn("k", ImGuiTableColumnFlags_WidthFixed, label_width() - ImGui::GetStyle().CellPadding.x * 2);
    ImGui::TableSetupColumn("v", ImGuiTableColumnFlags_WidthStretch);
    auto fact = [](const char* k, const std::string& v) {
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      ImGui::TextDisabled("%s", k);
      ImGui::TableSetColumnIndex(1);
      text_wrapped(v.c_str());
    };
    fact(tr("acquire.evidence"), rec.source_evidence_no + " → " + rec.image_evidence_no);
    fact(tr("evidence.acq.source"), rec.source_path);
    fact(tr("evidence.acq.write_protection"), rec.write_protection);
    fact(tr("acquire.bytes"), std::to_string(rec.bytes_covered) + " / " + std::to_string(rec.source_size) + " " +
                                  tr("devices.bytes") + " (" + i18n::format_bytes(rec.bytes_covered) + ")");
    char times[160];
    std::snprintf(times, sizeof times, "%s %s (%.1f MB/s) · %s %s", tr("gui.ev.res.acquire_time"),
                  i18n::format_eta(rec.acquire_seconds).c_str(),
                  rec.acquire_seconds > 0 ? static_cast<double>(rec.bytes_covered) / rec.acquire_seconds / 1e6 : 0.0,
                  tr("gui.ev.res.verify_time"), i18n::format_eta(rec.verify_seconds).c_str());
    fact(tr("gui.ev.res.times"), times);
    if (!rec.deviations.empty()) {
      std::string dev;
      for (const auto& d : rec.deviations) dev += (dev.empty() ? "" : "\n") + d;
      fact(tr("evidence.acq.deviations"), dev);
    }
    ImGui::EndTable();
  }

  if (ImGui::CollapsingHeader(tr("gui.ev.res.hashes"), ImGuiTreeNodeFlags_DefaultOpen)) {
    const auto& hashes = complete ? rec.source_hashes : rec.partial_hashes;
    if (!complete) text_colored(k_col_error, tr("acquire.no_whole_hash"));
    if (ImGui::BeginTable("hashes", 2, ImGuiTableFlags_BordersInnerH)) {
      ImGui::TableSetupColumn("algo", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 5);
      ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
      for (std::size_t i = 0; i < hashes.size(); ++i) {
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(to_string(hashes[i].algo));
        ImGui::TableSetColumnIndex(1);
        ImGui::PushID(static_cast<int>(i));
        copyable("##h", hashes[i].hex);
        tag(ctx, (std::string("acq.res.hash.") + to_string(hashes[i].algo)).c_str());
        ImGui::PopID();
      }
      ImGui::EndTable();
    }
  }
  if (ImGui::CollapsingHeader(tr("gui.ev.res.verification"), ImGuiTreeNodeFlags_DefaultOpen)) {
    if (rec.verification.empty()) ImGui::TextDisabled("%s", tr("gui.ev.res.not_verified"));
    if (!rec.verification.empty() && ImGui::BeginTable("verify", 3, ImGuiTableFlags_BordersInnerH)) {
      ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthStretch, 1.2f);
      ImGui::TableSetupColumn("result", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 5);
      ImGui::TableSetupColumn("note", ImGuiTableColumnFlags_WidthStretch, 2.0f);
      for (std::size_t i = 0; i < rec.verification.size(); ++i) {
        const auto& c = rec.verification[i];
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        ImGui::Text("%s %s", tr(verify_what_key(c.what)), c.algo.c_str());
        ImGui::TableSetColumnIndex(1);
        if (!c.done)
          ImGui::TextDisabled("%s", tr("gui.ev.res.not_run"));
        else
          text_colored(c.match ? k_col_ok : k_col_error, tr(c.match ? "acquire.match" : "acquire.mismatch"));
        tag_n(ctx, "acq.res.verify.", static_cast<long long>(i));
        if (c.done && ImGui::IsItemHovered())
          ImGui::SetTooltip("%s %s\n%s %s", tr("acquire.expected"), c.expected.c_str(), tr("acquire.actual"), c.actual.c_str());
        ImGui::TableSetColumnIndex(2);
        text_wrapped(ja ? c.note_ja.c_str() : c.note_en.c_str(), ImGui::GetColorU32(ImGuiCol_TextDisabled));
      }
      ImGui::EndTable();
    }
  }
  char head[128];
  std::snprintf(head, sizeof head, "%s: %llu###bad", tr("acquire.bad_sectors"), static_cast<unsigned long long>(rec.bad_sectors));
  if (ImGui::CollapsingHeader(head, rec.bad.empty() ? 0 : ImGuiTreeNodeFlags_DefaultOpen)) {
    if (rec.bad.empty()) ImGui::TextDisabled("%s", tr("gui.ev.res.no_bad"));
    if (!rec.bad.empty() && ImGui::BeginTable("bad", 3, ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY,
                                              ImVec2(0, ImGui::GetTextLineHeightWithSpacing() * 7))) {
      ImGui::TableSetupScrollFreeze(0, 1);
      ImGui::TableSetupColumn(tr("gui.ev.res.first_lba"));
      ImGui::TableSetupColumn(tr("gui.ev.res.sectors"));
      ImGui::TableSetupColumn(tr("acquire.byte_offset"));
      ImGui::TableHeadersRow();
      const std::uint32_t ss = rec.sector_size ? rec.sector_size : 512;
      ImGuiListClipper clip;
      clip.Begin(static_cast<int>(rec.bad.size()));
      while (clip.Step())
        for (int i = clip.DisplayStart; i < clip.DisplayEnd; ++i) {
          const auto& b = rec.bad[static_cast<std::size_t>(i)];
          ImGui::TableNextRow();
          ImGui::TableSetColumnIndex(0);
          ImGui::Text("%llu", static_cast<unsigned long long>(b.offset / ss));
          ImGui::TableSetColumnIndex(1);
          ImGui::Text("%llu", static_cast<unsigned long long>(b.length / ss));
          ImGui::TableSetColumnIndex(2);
          ImGui::Text("%llu", static_cast<unsigned long long>(b.offset));
        }
      ImGui::EndTable();
    }
  }
  if (ImGui::CollapsingHeader(tr("acquire.files"), ImGuiTreeNodeFlags_DefaultOpen)) {
    for (std::size_t i = 0; i < r.written.size(); ++i) {
      ImGui::PushID(static_cast<int>(i));
      copyable("##f", r.written[i].string());
      ImGui::PopID();
    }
  }
  if (r.error) {
    text_wrapped(r.error->describe(ja).c_str(), k_col_error);
  }
}

std::optional<evidence::WrittenFile> write_evidence_pdf(UiContext& ctx, Workspace& ws, const std::string& evidence_no,
                                                        bool label, std::string& error) {
  auto r = label ? evidence::export_label(ws, evidence_no, i18n::japanese())
                 : evidence::export_custody_form(ws, evidence_no, i18n::japanese());
  if (!r) {
    error = r.error().describe(i18n::japanese());
    if (r.error().code == ErrorCode::not_saved || r.error().code == ErrorCode::no_space)
      ctx.model.push_error("gui.error.not_saved", r.error());
    return std::nullopt;
  }
  return std::move(r.value());
}

void AcquireWizard::write_pdf(UiContext& ctx, const std::string& evidence_no, bool label) {
  m_output_error.clear();
  Workspace* ws = ctx.model.workspace();
  if (busy() || !ws) return;
  // GUI thread, no job running: the Workspace is ours again.
  auto r = write_evidence_pdf(ctx, *ws, evidence_no, label, m_output_error);
  if (!r) return;
  // Printing again replaces the earlier line for the same item and kind.
  const std::string kind = label ? "label" : "custody_form";
  m_outputs.erase(std::remove_if(m_outputs.begin(), m_outputs.end(),
                                 [&](const CustodyOutput& o) { return o.evidence_no == evidence_no && o.kind == kind; }),
                  m_outputs.end());
  m_outputs.push_back({evidence_no, kind, std::move(*r)});
}

void AcquireWizard::draw_custody(UiContext& ctx) {
  if (!m_result || !m_result->ok()) return;
  const auto& rec = m_result->value().record;
  text_wrapped(tr("gui.ev.cust.intro"));
  ImGui::Spacing();
  const bool can_write = !busy() && ctx.model.append_blocker() == nullptr;
  const std::array<const std::string*, 2> numbers = {&rec.source_evidence_no, &rec.image_evidence_no};
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    const std::string& no = *numbers[i];
    if (no.empty()) continue;
    ImGui::PushID(static_cast<int>(i));
    ImGui::AlignTextToFramePadding();
    ImGui::Text("%s  %s", tr(i == 0 ? "gui.ev.cust.source" : "gui.ev.cust.image"), no.c_str());
    ImGui::SameLine(ImGui::GetFontSize() * 18);
    DisabledScope off(!can_write);
    if (ImGui::Button(tr("gui.ev.cust.label"))) write_pdf(ctx, no, true);
    tag_n(ctx, "acq.cust.label.", static_cast<long long>(i));
    ImGui::SameLine();
    if (ImGui::Button(tr("gui.ev.cust.form"))) write_pdf(ctx, no, false);
    tag_n(ctx, "acq.cust.form.", static_cast<long long>(i));
    // Seal and transfer are the register's dialogs (the Evidence screen opens them).
    ImGui::SameLine();
    if (ImGui::Button(tr("gui.ev.reg.seal"))) m_custody_request = CustodyRequest{no, false};
    tag_n(ctx, "acq.cust.seal.", static_cast<long long>(i));
    ImGui::SameLine();
    if (ImGui::Button(tr("gui.ev.reg.transfer"))) m_custody_request = CustodyRequest{no, true};
    tag_n(ctx, "acq.cust.transfer.", static_cast<long long>(i));
    ImGui::PopID();
  }
  if (!can_write && !busy()) {
    if (const char* why = ctx.model.append_blocker()) text_colored(k_col_warn, tr(why));
  }
  if (!m_output_error.empty()) {
    text_wrapped(m_output_error.c_str(), k_col_error);
  }
  if (!m_outputs.empty()) {
    ImGui::Spacing();
    ImGui::TextUnformatted(tr("gui.ev.cust.written"));
    for (std::size_t i = 0; i < m_outputs.size(); ++i) {
      const auto& o = m_outputs[i];
      ImGui::PushID(static_cast<int>(i));
      ImGui::Text("%s  %s", o.evidence_no.c_str(), tr(o.kind == "label" ? "gui.ev.cust.label" : "gui.ev.cust.form"));
      copyable("##path", o.file.path.string());
      tag_n(ctx, "acq.cust.path.", static_cast<long long>(i));
      ImGui::TextDisabled("SHA-256 %s", o.file.sha256.c_str());
      ImGui::PopID();
    }
  }
  // What the job wrote into the chronology (acquisition started/ended, items added, hashes,
  // verifications): the custody record is these entries, not a separate store.
  ImGui::Spacing();
  char head[160];
  std::snprintf(head, sizeof head, "%s (%zu)###job_entries", tr("gui.ev.cust.entries"), m_job_entries.size());
  if (ImGui::CollapsingHeader(head, ImGuiTreeNodeFlags_DefaultOpen)) {
    tag(ctx, "acq.cust.entries");
    if (ImGui::BeginTable("job_entries", 3, ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_RowBg)) {
      ImGui::TableSetupColumn("seq", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 2.5f);
      ImGui::TableSetupColumn("time", ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize("00:00:00 JST").x);
      ImGui::TableSetupColumn("content", ImGuiTableColumnFlags_WidthStretch);
      for (std::size_t i = 0; i < m_job_entries.size(); ++i) {
        const auto& e = m_job_entries[i];
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        ImGui::TextDisabled("%lld", static_cast<long long>(e.seq));
        ImGui::TableSetColumnIndex(1);
        ImGui::TextUnformatted((format_jst_display(e.display_utc_ns()).substr(11) + " JST").c_str());
        ImGui::TableSetColumnIndex(2);
        text_wrapped(content_for(e, !i18n::japanese()).c_str());
        tag_n(ctx, "acq.cust.entry.", static_cast<long long>(i));
      }
      ImGui::EndTable();
    }
  }
}

}  // namespace shodo::gui
