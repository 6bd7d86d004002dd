#include "app/gui/time_check_panel.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "app/gui/app_model.hpp"
#include "app/gui/labels.hpp"
#include "forensics/core/time_input.hpp"
#include "app/gui/widgets.hpp"
#include "forensics/chronology/time_reference.hpp"
#include "forensics/i18n/substitute.hpp"

namespace shodo::gui {

using i18n::tr;

namespace {

struct Source {
  const char* value;  // stored in the time_check entry
  const char* key;
  float uncertainty_s;
};

constexpr std::array<Source, 5> k_sources = {{{"117", "gui.time.source.117", 1.0f},
                                              {"radio_clock", "gui.time.source.radio_clock", 1.0f},
                                              {"gps", "gui.time.source.gps", 1.0f},
                                              {"mobile", "gui.time.source.mobile", 2.0f},
                                              {"wall_clock", "gui.time.source.wall_clock", 30.0f}}};

const char* source_label(const std::string& value) {
  for (const auto& s : k_sources)
    if (value == s.value) return tr(s.key);
  return value.c_str();
}

}  // namespace

std::string clock_status_text(const UiContext& ctx) {
  const Workspace* ws = ctx.model.workspace();
  if (!ws) return tr("time_quality.uncorrected");
  const auto c = ctx.model.correction_now();
  const auto* last = ws->log().time_reference().latest();
  std::string s = quality_label(c.quality);
  if (last) {
    s += " (" + format_offset_s(last->offset_ns) + " ±" + format_offset_s(last->uncertainty_ns).substr(1) + ", " +
         source_label(last->source) + ", " + format_jst_hm(last->sys_utc_ns + last->offset_ns).substr(0, 5) + " " +
         last->operator_name + ")";
  }
  return s;
}

void TimeCheckPanel::draw(UiContext& ctx) {
  const Workspace* ws = ctx.model.workspace();
  const ClockReading now = ctx.model.clock().now();
  const auto c = ctx.model.correction_now();
  ImGui::TextUnformatted(tr("gui.time.system_clock"));
  ImGui::SameLine(ImGui::GetFontSize() * 7.5f);
  ImGui::Text("%s JST", format_jst_display(now.sys_utc_ns).c_str());
  ImGui::TextUnformatted(tr("gui.time.corrected_clock"));
  ImGui::SameLine(ImGui::GetFontSize() * 7.5f);
  if (c.corrected_utc_ns) {
    ImGui::PushStyleColor(ImGuiCol_Text, k_col_ok);
    ImGui::Text("%s JST", format_jst_display(*c.corrected_utc_ns).c_str());
    ImGui::PopStyleColor();
  } else {
    text_colored(k_col_warn, tr("time_quality.uncorrected"));
  }
  ImGui::TextUnformatted(tr("gui.time.status"));
  ImGui::SameLine(ImGui::GetFontSize() * 7.5f);
  ImGui::TextUnformatted(clock_status_text(ctx).c_str());
  if (ws) {
    const auto* last = ws->log().time_reference().latest();
    if (last) {
      // Only once the checks are far enough apart for the figure to mean something.
      if (auto d = ws->log().time_reference().drift(last->boot_id)) {
        ImGui::TextUnformatted(tr("gui.time.drift"));
        ImGui::SameLine(ImGui::GetFontSize() * 7.5f);
        ImGui::Text("%+.1f ppm (±%.0f)", d->ppm, d->uncertainty_ppm);
      }
      // CHR-13: a clean ±9 h means the RTC keeps local time; say so instead of alarming.
      if (chronology::TimeReference::looks_like_rtc_local_time(last->offset_ns))
        banner(k_col_banner_bg, k_col_warn, tr("hint.rtc_local_time"));
    }
  }
  ImGui::Separator();

  ImGui::TextUnformatted(tr("gui.time.confirm_title"));
  ImGui::SameLine();
  help_marker(tr("gui.time.instructions"));
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(tr("gui.time.source"));
  ImGui::SameLine(ImGui::GetFontSize() * 7.5f);
  // Widths follow the column: the home screen is two columns even at 1024 px.
  const float unc_w = ImGui::GetFontSize() * 4.5f;
  const float field_w = ImGui::GetContentRegionAvail().x - unc_w -
                        ImGui::CalcTextSize("±").x - ImGui::GetStyle().ItemSpacing.x * 2;
  ImGui::SetNextItemWidth(std::max(120.0f, field_w));
  const char* preview = m_source < 0 ? tr("gui.time.source.choose") : tr(k_sources[static_cast<std::size_t>(m_source)].key);
  if (ImGui::BeginCombo("##source", preview)) {
    for (std::size_t i = 0; i < k_sources.size(); ++i) {
      if (ImGui::Selectable(tr(k_sources[i].key), m_source == static_cast<int>(i))) {
        m_source = static_cast<int>(i);
        m_uncertainty_s = k_sources[i].uncertainty_s;
      }
      tag(ctx, (std::string("home.time.source.") + k_sources[i].value).c_str());
    }
    ImGui::EndCombo();
  }
  tag(ctx, "home.time.source");
  ImGui::SameLine();
  ImGui::TextUnformatted("±");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(unc_w);
  ImGui::InputFloat("##unc", &m_uncertainty_s, 0, 0, "%.0f s");
  m_uncertainty_s = std::clamp(m_uncertainty_s, 0.1f, 3600.0f);

  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(tr("gui.time.reference"));
  ImGui::SameLine(ImGui::GetFontSize() * 7.5f);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
  ImGui::InputTextWithHint("##ref", "10:15:30", &m_reference);
  tag(ctx, "home.time.reference");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
  ImGui::InputTextWithHint("##date", format_jst_date(ctx.model.display_now_ns()).c_str(), &m_date);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("gui.time.date_hint"));
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(tr("gui.field.witness"));
  ImGui::SameLine(ImGui::GetFontSize() * 7.5f);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
  ImGui::InputText("##witness", &m_witness);
  ImGui::SameLine();
  {
    DisabledScope off(m_source < 0 || m_reference.empty() || m_pending || (m_replace_last && m_replace_reason.empty()) ||
                      ctx.model.append_blocker() != nullptr);
    // Fires on mouse-down: the instant of the press is the instant measured.
    if (button_on_press(tr("gui.time.now"), ImVec2(ImGui::GetFontSize() * 5, 0))) confirm(ctx);
    tag(ctx, "home.time.now");
  }
  // A check recorded by mistake stays in the record; the next one replaces it and says why.
  if (const auto* last = ws ? ws->log().time_reference().latest() : nullptr) {
    ImGui::Checkbox(i18n::fill(tr("gui.time.replace_last"), {{"seq", std::to_string(last->seq)}}).c_str(), &m_replace_last);
    tag(ctx, "home.time.replace_last");
    if (m_replace_last) {
      ImGui::SetNextItemWidth(-1);
      ImGui::InputTextWithHint("##replace_reason", tr("gui.time.replace_reason"), &m_replace_reason);
      tag(ctx, "home.time.replace_reason");
    }
  } else {
    m_replace_last = false;
  }
  if (m_pending) draw_pending(ctx);
  if (!m_error.empty()) banner(k_col_error_bg, k_col_error, m_error.c_str());
  if (!m_result.empty()) text_wrapped(m_result.c_str(), k_col_ok);
}

void TimeCheckPanel::draw_pending(UiContext& ctx) {
  const std::int64_t offset = m_pending->reference_utc_ns - m_pending->at.sys_utc_ns;
  const bool rtc = chronology::offset_concern(offset) == chronology::OffsetConcern::rtc_local_time;
  const std::string text =
      i18n::fill(tr(rtc ? "timecheck.rtc_offset" : "timecheck.large_offset"), {{"offset", format_offset_s(offset)}});
  banner(k_col_banner_bg, k_col_warn, text.c_str());
  if (ImGui::Button(tr("gui.time.record_anyway"))) {
    const Pending p = *m_pending;
    m_pending.reset();
    record(ctx, p);
  }
  tag(ctx, "home.time.record_anyway");
  ImGui::SameLine();
  if (ImGui::Button(tr("gui.time.try_again"))) {
    m_pending.reset();
    m_result = tr("gui.time.not_recorded");
  }
  tag(ctx, "home.time.try_again");
}

void TimeCheckPanel::confirm(UiContext& ctx) {
  const ClockReading at = ctx.model.clock().now();  // first: the moment of the press
  m_error.clear();
  m_result.clear();
  const auto c = ctx.model.correction_now();
  const std::int64_t anchor = c.corrected_utc_ns.value_or(at.sys_utc_ns);
  std::optional<std::int64_t> ref;
  if (!m_date.empty())
    ref = parse_jst_input(m_date + " " + m_reference, anchor, DayChoice::nearest);
  else
    ref = parse_jst_input(m_reference, anchor, DayChoice::nearest);
  if (!ref) {
    m_error = tr("gui.time.bad_reference");
    return;
  }
  const auto unc = static_cast<std::int64_t>(std::llround(static_cast<double>(m_uncertainty_s) * 1e9));
  const Pending p{at, *ref, unc};
  if (chronology::offset_concern(*ref - at.sys_utc_ns) != chronology::OffsetConcern::none) {
    m_pending = p;  // asked first; recorded with this press's instant only after "record it"
    return;
  }
  record(ctx, p);
}

void TimeCheckPanel::record(UiContext& ctx, const Pending& p) {
  std::optional<Workspace::Supersede> replaces;
  const Workspace* ws = ctx.model.workspace();
  const auto* last = ws ? ws->log().time_reference().latest() : nullptr;
  if (m_replace_last && last) replaces = Workspace::Supersede{last->seq, m_replace_reason};
  auto e = ctx.model.confirm_time(p.at, p.reference_utc_ns, p.uncertainty_ns,
                                  k_sources[static_cast<std::size_t>(m_source)].value, m_witness, replaces);
  if (!e) {
    m_error = tr("gui.form.not_saved");
    return;
  }
  const std::int64_t off = e->time_check ? e->time_check->offset_ns : 0;
  m_result = std::string(tr("gui.time.recorded")) + format_offset_s(off) + "\n" +
             i18n::fill(tr("gui.time.if_mistaken"), {{"seq", std::to_string(e->seq)}});
  m_reference.clear();
  m_replace_last = false;
  m_replace_reason.clear();
}

}  // namespace shodo::gui
