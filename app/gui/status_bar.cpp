#include "app/gui/status_bar.hpp"

#include <string>

#include <imgui.h>

#include "app/gui/app_model.hpp"
#include "app/gui/labels.hpp"
#include "app/gui/widgets.hpp"
#include "forensics/i18n/format.hpp"

namespace shodo::gui {

using i18n::tr;

namespace {

// A text "chip" with a background, so states are readable from across the room.
void chip(const char* text, ImU32 bg, ImU32 fg) {
  const ImVec2 pad(6, 2);
  const ImVec2 size = ImGui::CalcTextSize(text);
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const ImVec2 box(size.x + 2 * pad.x, size.y + 2 * pad.y);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p, ImVec2(p.x + box.x, p.y + box.y), bg, 3);
  dl->AddText(ImVec2(p.x + pad.x, p.y + pad.y), fg, text);
  ImGui::Dummy(box);  // one item of the chip's size, so every chip starts on the same line
  ImGui::SameLine(0, 10);
}

constexpr ImU32 k_chip_neutral = IM_COL32(225, 225, 222, 255);
constexpr ImU32 k_chip_ok = IM_COL32(205, 235, 210, 255);
constexpr ImU32 k_chip_bad = IM_COL32(176, 0, 32, 255);
constexpr ImU32 k_white = IM_COL32(255, 255, 255, 255);
constexpr ImU32 k_black = IM_COL32(20, 20, 20, 255);

}  // namespace

float status_bar_height() { return ImGui::GetTextLineHeight() + 4 + ImGui::GetStyle().WindowPadding.y * 2 + 2; }

void draw_status_bar(UiContext& ctx) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float h = status_bar_height();
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x, vp->WorkPos.y + vp->WorkSize.y - h));
  ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x, h));
  ImGui::PushStyleColor(ImGuiCol_WindowBg, IM_COL32(240, 240, 236, 255));
  ImGui::Begin("##status", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav);
  const AppModel& m = ctx.model;
  // Never the Workspace itself: a job's worker may be writing it (app_model.hpp, shared state).
  const WorkspaceStatus& ws = m.workspace_status();

  const std::string open_id = m.open_incident_id();
  std::string incident = open_id.empty() ? std::string(tr("gui.status.no_incident")) : open_id;
  chip(incident.c_str(), k_chip_neutral, k_black);
  if (ws.open && ws.training) chip(tr("training.mark"), k_col_training_bg, k_black);
  if (const ReadOnlyDocument* ro = m.read_only_document()) {
    if (ro->doc.incident.training) chip(tr("training.mark"), k_col_training_bg, k_black);
    chip(tr("gui.status.read_only"), k_chip_bad, k_white);
    tag(ctx, "bar.read_only");
  }

  std::string op = std::string(tr("gui.status.operator")) +
                   (m.operator_confirmed() ? m.session_operator().name : std::string(tr("gui.status.none")));
  chip(op.c_str(), m.operator_confirmed() ? k_chip_neutral : k_col_banner_bg, k_black);

  const auto q = ws.correction.quality;
  const bool corrected = q == chronology::TimeQuality::ref_confirmed || q == chronology::TimeQuality::ref_interpolated;
  chip(quality_label(q), corrected ? k_chip_ok : k_col_banner_bg, corrected ? k_black : k_col_warn);

  const isolate::NetworkState& net = m.network();
  const char* net_key = net.state == isolate::Isolation::isolated       ? "gui.status.isolated"
                        : net.state == isolate::Isolation::not_isolated ? "gui.status.not_isolated"
                                                                        : "gui.status.network_unknown";
  chip(tr(net_key), net.state == isolate::Isolation::isolated ? k_chip_ok : k_chip_bad,
       net.state == isolate::Isolation::isolated ? k_black : k_white);
  tag(ctx, "bar.network");
  if (ImGui::IsItemHovered()) {
    std::string up;
    for (const auto& i : net.up_interfaces) up += (up.empty() ? "" : ", ") + i;
    ImGui::SetTooltip("%s: %s\n%s: %s", tr("gui.status.interfaces_up"), up.empty() ? "—" : up.c_str(),
                      tr("gui.status.default_route"), net.default_route ? tr("gui.yes") : tr("gui.no"));
  }

  if (auto free = m.free_bytes()) {
    std::string s = std::string(tr("gui.status.free")) + i18n::format_bytes(*free);
    const bool low = *free < 2ull * 1000 * 1000 * 1000;
    chip(s.c_str(), low ? k_col_banner_bg : k_chip_neutral, low ? k_col_warn : k_black);
  }
  if (ws.open && !ws.mirrored) chip(tr("gui.status.single_copy"), k_col_banner_bg, k_col_warn);
  if (ws.open && ws.log_failed) chip(tr("gui.form.not_saved"), k_chip_bad, k_white);
  if (ws.open && ws.log_failed) tag(ctx, "bar.not_saved");
  if (m.synthetic()) chip(tr("gui.blocker.synthetic"), k_col_banner_bg, k_col_warn);

  // The clock on the right: corrected JST when available.
  const std::string clock = format_jst_display(m.display_now_ns()).substr(11) + " JST";
  const float w = ImGui::CalcTextSize(clock.c_str()).x;
  ImGui::SameLine(std::max(ImGui::GetCursorPosX(), ImGui::GetWindowContentRegionMax().x - w));
  ImGui::SetCursorPosY(ImGui::GetCursorPosY() + 2);  // level with the chips' text
  ImGui::TextUnformatted(clock.c_str());
  ImGui::End();
  ImGui::PopStyleColor();
}

}  // namespace shodo::gui
