#include "app/gui/screen_home.hpp"

#include <algorithm>
#include <cstdio>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "app/gui/app_model.hpp"
#include "app/gui/labels.hpp"
#include "forensics/core/time_input.hpp"
#include "app/gui/widgets.hpp"
#include "forensics/case/incident_number.hpp"
#include "forensics/case/kit_settings.hpp"

namespace shodo::gui {

using i18n::tr;

namespace {

void section(const char* title) {
  ImGui::Spacing();
  ImGui::PushStyleColor(ImGuiCol_Text, k_col_system);
  ImGui::TextUnformatted(title);
  ImGui::PopStyleColor();
  ImGui::Separator();
}

std::string roles_text(const std::vector<std::string>& roles) {
  std::string s;
  for (const auto& r : roles) s += (s.empty() ? "" : ",") + r;
  return s;
}

}  // namespace

NextStep next_step(const AppModel& model) {
  // The operator comes first: creating an incident records who created it.
  if (!model.operator_confirmed()) return NextStep::set_operator;
  if (!model.workspace()) return NextStep::open_incident;
  if (model.correction_now().quality == chronology::TimeQuality::uncorrected) return NextStep::confirm_time;
  if (!model.workspace()->log().mirrored()) return NextStep::attach_mirror;
  return NextStep::chronology;
}

const char* next_step_key(NextStep s) {
  switch (s) {
    case NextStep::set_operator: return "gui.next.set_operator";
    case NextStep::open_incident: return "gui.next.open_incident";
    case NextStep::confirm_time: return "gui.next.confirm_time";
    case NextStep::attach_mirror: return "gui.next.attach_mirror";
    case NextStep::chronology: return "gui.next.chronology";
  }
  return "gui.next.chronology";
}

void HomeScreen::draw(UiContext& ctx) {
  if (!m_operator_loaded) {
    // Pre-fill from --operator/--roles or the log's last operator; confirming is still a click.
    const auto& op = ctx.model.session_operator();
    m_name = op.name;
    for (std::size_t i = 0; i < k_role_codes.size(); ++i)
      for (const auto& r : op.roles) m_roles[i] = m_roles[i] || r == k_role_codes[i];
    m_operator_loaded = true;
  }
  draw_next(ctx);
  read_only_banner(ctx);
  if (ctx.model.workspace() && ctx.model.correction_now().quality == chronology::TimeQuality::uncorrected)
    banner(k_col_banner_bg, k_col_warn, tr("gui.banner.uncorrected"));

  if (!ImGui::BeginTable("home", 2, ImGuiTableFlags_SizingStretchSame | ImGuiTableFlags_BordersInnerV)) return;
  ImGui::TableNextRow();
  ImGui::TableSetColumnIndex(0);
  section(tr("gui.home.operator"));
  draw_operator(ctx);
  section(tr("gui.home.incident"));
  draw_incidents(ctx);
  draw_new_incident(ctx);
  ImGui::TableSetColumnIndex(1);
  section(tr("gui.home.clock"));
  {
    DisabledScope off(ctx.model.workspace() == nullptr);
    m_time.draw(ctx);
  }
  section(tr("gui.home.kit"));
  draw_kit(ctx);
  ImGui::EndTable();
}

void HomeScreen::draw_next(UiContext& ctx) {
  const NextStep s = next_step(ctx.model);
  const std::string text = std::string(tr("gui.next.title")) + " " + tr(next_step_key(s));
  banner(s == NextStep::chronology ? IM_COL32(220, 240, 225, 255) : k_col_banner_bg,
         s == NextStep::chronology ? k_col_ok : k_col_warn, text.c_str());
  tag(ctx, "home.next");
  if (s == NextStep::chronology) {
    if (ImGui::Button(tr("gui.nav.chronology"))) ctx.screen = Screen::chronology;
    tag(ctx, "home.go_chronology");
  }
}

void HomeScreen::draw_operator(UiContext& ctx) {
  const auto& op = ctx.model.session_operator();
  if (ctx.model.operator_confirmed())
    ImGui::Text("%s %s [%s]", tr("gui.home.operating"), op.name.c_str(), roles_text(op.roles).c_str());
  else
    text_colored(k_col_warn, tr("gui.home.no_operator"));
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(tr("gui.home.name"));
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1);
  // The first field of Home: the focus lands here when the screen opens (issue 11); Enter sets
  // the operator (the roles are ticked with Tab and Space first, or afterwards).
  if (ctx.screen_entered) ImGui::SetKeyboardFocusHere();
  const bool name_enter =
      ImGui::InputTextWithHint("##op_name", tr("gui.home.name_hint"), &m_name, ImGuiInputTextFlags_EnterReturnsTrue);
  tag(ctx, "home.operator.name");
  ImGui::TextDisabled("%s", tr("gui.home.roles"));
  if (ImGui::BeginTable("roles", 2, ImGuiTableFlags_SizingStretchSame)) {
    for (std::size_t i = 0; i < k_role_codes.size(); ++i) {
      ImGui::TableNextColumn();
      char label[160];
      std::snprintf(label, sizeof label, "%s %s", k_role_codes[i].data(), tr(k_role_keys[i]));
      ImGui::Checkbox(label, &m_roles[i]);
      if (ctx.tags.enabled()) tag(ctx, ("home.role." + std::string(k_role_codes[i])).c_str());
    }
    ImGui::EndTable();
  }
  chronology::Operator next;
  next.name = m_name;
  for (std::size_t i = 0; i < k_role_codes.size(); ++i)
    if (m_roles[i]) next.roles.emplace_back(k_role_codes[i]);
  const bool same = ctx.model.operator_confirmed() && next.name == op.name && next.roles == op.roles;
  {
    DisabledScope off(m_name.empty() || same);
    if (ImGui::Button(tr("gui.home.set_operator")) || (name_enter && !m_name.empty() && !same)) ctx.model.set_operator(next);
    tag(ctx, "home.operator.set");
  }
  ImGui::SameLine();
  help_marker(tr("gui.home.roles_help"));
}

void HomeScreen::draw_incidents(UiContext& ctx) {
  if (const Workspace* ws = ctx.model.workspace()) {
    const IncidentInfo& i = ws->incident();
    ImGui::Text("%s  %s", i.incident_id.c_str(), i.title.c_str());
    ImGui::TextDisabled("%s / %s", i.facility.c_str(), tr(i.profile == "clinic" ? "gui.profile.clinic" : "gui.profile.hospital"));
    if (i.training) {
      ImGui::SameLine();
      text_colored(k_col_warn, tr("training.mark"));
    }
    ImGui::TextDisabled("%s: %lld", tr("gui.home.entries"), static_cast<long long>(ws->log().count()));
  } else if (const ReadOnlyDocument* ro = ctx.model.read_only_document()) {
    const IncidentInfo& i = ro->doc.incident;
    ImGui::Text("%s  %s", i.incident_id.c_str(), i.title.c_str());
    ImGui::SameLine();
    text_colored(k_col_error, tr("gui.status.read_only"));
    ImGui::TextDisabled("%s / %s", i.facility.c_str(), tr(i.profile == "clinic" ? "gui.profile.clinic" : "gui.profile.hospital"));
    ImGui::TextDisabled("%s: %lld", tr("gui.home.entries"), static_cast<long long>(ro->doc.entries.size()));
    if (ImGui::Button(tr("gui.nav.chronology"))) ctx.screen = Screen::chronology;
    tag(ctx, "home.read_only.go_chronology");
  } else {
    text_colored(k_col_warn, tr("gui.home.no_incident"));
  }
  const auto& list = ctx.model.incidents();
  if (list.empty()) {
    ImGui::TextDisabled("%s", tr("gui.home.no_incidents_yet"));
  } else {
    const float h = ImGui::GetTextLineHeightWithSpacing() * static_cast<float>(std::min<std::size_t>(list.size(), 5) + 1);
    if (ImGui::BeginChild("incidents", ImVec2(0, h), true)) {
      for (std::size_t k = 0; k < list.size(); ++k) {
        const auto& i = list[k];
        const bool current = ctx.model.open_incident_id() == i.incident_id;
        std::string label = i.incident_id + "  " + i.title;
        if (i.training) label += std::string("  [") + tr("training.mark") + "]";
        if (current) label = "● " + label;
        ImGui::PushID(static_cast<int>(k));
        if (ImGui::Selectable(label.c_str(), m_selected_incident == static_cast<int>(k), ImGuiSelectableFlags_AllowDoubleClick)) {
          m_selected_incident = static_cast<int>(k);
          if (ImGui::IsMouseDoubleClicked(0) && !current) ctx.model.open_incident(i.incident_id);
        }
        if (ctx.tags.enabled()) tag(ctx, ("home.incident." + i.incident_id).c_str());
        ImGui::PopID();
      }
    }
    ImGui::EndChild();
    const bool valid = m_selected_incident >= 0 && static_cast<std::size_t>(m_selected_incident) < list.size();
    DisabledScope off(!valid);
    if (ImGui::Button(tr("gui.home.open")) && valid)
      ctx.model.open_incident(list[static_cast<std::size_t>(m_selected_incident)].incident_id);
    tag(ctx, "home.incident.open");
  }
}

// The proposed number (issue 11): the facility code kept in the kit's settings (else the code of
// the newest incident here), today's date in JST, the next free NN. No code known: the field
// stays empty and the line below it says what a 病院コード is.
void HomeScreen::suggest_incident_id(UiContext& ctx) {
  const auto& list = ctx.model.incidents();
  auto settings = load_kit_settings(ctx.model.case_root());
  std::string code = settings ? settings->facility_code : std::string();
  if (code.empty() && !list.empty()) code = list.front().incident_id.substr(0, list.front().incident_id.find('-'));
  if (!code.empty())
    if (auto id = propose_incident_id(ctx.model.case_root(), code, ctx.model.display_now_ns())) m_id = id.value();
  if (m_facility.empty()) m_facility = settings && !settings->facility_name.empty() ? settings->facility_name
                                      : list.empty()                                ? std::string()
                                                                                    : list.front().facility;
  if (settings && settings->facility_code == code && !code.empty()) m_profile = settings->profile == "clinic" ? 1 : 0;
}

void HomeScreen::draw_new_incident(UiContext& ctx) {
  ImGui::Spacing();
  if (ImGui::Button(m_new_open ? tr("gui.home.new_incident_hide") : tr("gui.home.new_incident"))) {
    m_new_open = !m_new_open;
    if (m_new_open && m_id.empty()) suggest_incident_id(ctx);
    m_focus_title = m_new_open && !m_id.empty();
  }
  tag(ctx, "home.new_incident");
  if (!m_new_open) return;
  const float label_x = ImGui::GetFontSize() * 7;
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(tr("gui.home.incident_id"));
  ImGui::SameLine(label_x);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 13);
  bool enter = ImGui::InputTextWithHint("##id", "OGMC-20221031-01", &m_id, ImGuiInputTextFlags_EnterReturnsTrue);
  tag(ctx, "home.new.id");
  const Status id_check = check_incident_id(m_id);
  const bool id_ok = id_check.ok();
  ImGui::SameLine();
  if (id_ok) text_colored(k_col_ok, "✓");
  // Until the number is right: what a 病院コード is, in one line, and which part is wrong.
  if (!id_ok) {
    text_wrapped(i18n::japanese() ? facility_code_explained_ja() : facility_code_explained_en(), k_col_muted);
    if (!m_id.empty()) text_wrapped((i18n::japanese() ? id_check.error().ja : id_check.error().en).c_str(), k_col_error);
  }
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(tr("gui.home.title"));
  ImGui::SameLine(label_x);
  ImGui::SetNextItemWidth(-1);
  // Enter in the number or the title accepts the proposal and creates the incident; the title is
  // where the typing starts when a number was proposed.
  if (m_focus_title) {
    ImGui::SetKeyboardFocusHere();
    m_focus_title = false;
  }
  enter |= ImGui::InputTextWithHint("##title", tr("gui.home.title_hint"), &m_title, ImGuiInputTextFlags_EnterReturnsTrue);
  tag(ctx, "home.new.title");
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(tr("gui.home.facility"));
  ImGui::SameLine(label_x);
  ImGui::SetNextItemWidth(-1);
  ImGui::InputText("##facility", &m_facility);
  tag(ctx, "home.new.facility");
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(tr("gui.home.profile"));
  ImGui::SameLine(label_x);
  ImGui::RadioButton(tr("gui.profile.hospital"), &m_profile, 0);
  ImGui::SameLine();
  ImGui::RadioButton(tr("gui.profile.clinic"), &m_profile, 1);
  ImGui::SameLine(0, 20);
  ImGui::Checkbox(tr("gui.home.training"), &m_training);
  tag(ctx, "home.new.training");
  const bool ready = id_ok && !m_title.empty() && ctx.model.operator_confirmed();
  {
    DisabledScope off(!ready);
    if (ImGui::Button(tr("gui.home.create")) || (enter && ready)) {
      IncidentInfo info;
      info.incident_id = m_id;
      info.title = m_title;
      info.facility = m_facility;
      info.profile = m_profile == 1 ? "clinic" : "hospital";
      info.training = m_training;
      if (ctx.model.create_incident(info)) {
        m_new_open = false;
        m_id.clear();
        m_title.clear();
        m_training = false;
      }
    }
    tag(ctx, "home.new.create");
  }
  if (!ctx.model.operator_confirmed()) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", tr("gui.next.set_operator"));
  }
}

void HomeScreen::draw_kit(UiContext& ctx) {
  ImGui::TextUnformatted(tr("gui.kit.id"));
  ImGui::SameLine(ImGui::GetFontSize() * 9);
  ImGui::TextUnformatted(ctx.model.kit_id().c_str());
  ImGui::TextUnformatted(tr("gui.kit.fingerprint"));
  ImGui::SameLine(ImGui::GetFontSize() * 9);
  ImGui::TextUnformatted(ctx.model.key_fingerprint().c_str());
  ImGui::TextUnformatted(tr("gui.kit.case_root"));
  ImGui::SameLine(ImGui::GetFontSize() * 9);
  ImGui::TextUnformatted(ctx.model.case_root().string().c_str());
  if (const Workspace* ws = ctx.model.workspace()) {
    ImGui::TextUnformatted(tr("gui.kit.mirror"));
    ImGui::SameLine(ImGui::GetFontSize() * 9);
    if (ws->log().mirrored())
      text_colored(k_col_ok, ws->log().options().mirror->string().c_str());
    else
      text_colored(k_col_warn, tr("gui.status.single_copy"));
  }
}

}  // namespace shodo::gui
