#include "app/gui/gui_app.hpp"

#include <string>

#include <imgui.h>

#include "app/gui/app_model.hpp"
#include "app/gui/fonts.hpp"
#include "app/gui/keys.hpp"
#include "app/gui/status_bar.hpp"
#include "app/gui/widgets.hpp"
#include "forensics/i18n/catalogue.hpp"

namespace shodo::gui {

using i18n::tr;

const char* screen_name(Screen s) {
  switch (s) {
    case Screen::home: return "home";
    case Screen::chronology: return "chronology";
    case Screen::settings: return "settings";
    case Screen::evidence: return "evidence";
  }
  return "home";
}

GuiApp::GuiApp(AppModel& model, FontLibrary& fonts, bool ime_configured)
    : m_ctx{model, fonts, m_tags, Screen::home, ime_configured} {
  // With an incident and an operator already given, the scribe starts where the work is.
  if ((model.workspace() && model.operator_confirmed()) || model.read_only()) m_ctx.screen = Screen::chronology;
}

void GuiApp::frame() {
  m_ctx.model.tick(ImGui::GetTime());
  m_tags.begin_frame();
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float status_h = status_bar_height();
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x, vp->WorkSize.y - status_h));
  ImGui::Begin("##main", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBringToFrontOnFocus);
  draw_nav();
  const bool scroll = m_ctx.screen != Screen::chronology;  // the chronology table scrolls itself
  ImGui::BeginChild("screen", ImVec2(0, 0), false, scroll ? 0 : ImGuiWindowFlags_NoScrollbar);
  m_ctx.screen_entered = m_first_frame || m_ctx.screen != m_drawn_screen;
  m_first_frame = false;
  m_drawn_screen = m_ctx.screen;
  help_texts_begin_frame();
  switch (m_ctx.screen) {
    case Screen::home: m_home.draw(m_ctx); break;
    case Screen::chronology: m_chronology.draw(m_ctx); break;
    case Screen::settings: m_settings.draw(m_ctx); break;
    case Screen::evidence: m_evidence.draw(m_ctx); break;
  }
  ImGui::EndChild();
  ImGui::End();
  draw_status_bar(m_ctx);
  draw_help();
  draw_error_modal();
}

void GuiApp::draw_help() {
  const char* title_id = "###help";
  if (!ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId) && ImGui::IsKeyPressed(k_key_f1, false)) m_help_request = true;
  if (m_help_request) {
    m_help_request = false;
    m_help_texts = frame_help_texts();  // what this screen explains with (?)
    const std::string title = std::string(tr("gui.help.title")) + title_id;
    ImGui::OpenPopup(title.c_str());
  }
  const std::string title = std::string(tr("gui.help.title")) + title_id;
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  ImGui::SetNextWindowSize(ImVec2(std::min(820.0f, display.x - 40), std::min(620.0f, display.y - 60)), ImGuiCond_Appearing);
  ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, display.y * 0.5f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  m_help_open = ImGui::BeginPopupModal(title.c_str(), nullptr, ImGuiWindowFlags_NoSavedSettings);
  if (!m_help_open) return;
  static const char* const k_screen_keys[] = {"gui.help.keys.home", "gui.help.keys.chronology", "gui.help.keys.settings",
                                              "gui.help.keys.evidence"};
  ImGui::BeginChild("help_text", ImVec2(0, -ImGui::GetFrameHeightWithSpacing() - 4));
  text_wrapped(tr("gui.help.keys.all"));
  ImGui::Separator();
  text_wrapped(tr(k_screen_keys[static_cast<int>(m_ctx.screen)]));
  tag(m_ctx, "help.keys");
  if (!m_help_texts.empty()) {
    ImGui::Separator();
    ImGui::TextDisabled("%s", tr("gui.help.explanations"));
    for (const auto& t : m_help_texts) text_wrapped(("・" + t).c_str());
  }
  ImGui::EndChild();
  const bool keys = !ImGui::IsWindowAppearing();
  if (ImGui::Button(tr("gui.dialog.close"), ImVec2(120, 0)) ||
      (keys && (ImGui::IsKeyPressed(k_key_escape, false) || ImGui::IsKeyPressed(k_key_f1, false) ||
                ImGui::IsKeyPressed(k_key_enter, false)))) {
    ImGui::CloseCurrentPopup();
    m_help_open = false;
  }
  tag(m_ctx, "help.close");
  ImGui::EndPopup();
}

void GuiApp::draw_nav() {
  ImGui::PushFont(m_ctx.fonts.large());
  ImGui::TextUnformatted(tr("gui.app.title"));
  ImGui::PopFont();
  struct Item {
    Screen screen;
    const char* key;
    const char* tag_name;
    int fkey;
  };
  // F1 is help (issue 11); the screens are F2 … F5.
  const Item items[] = {{Screen::home, "gui.nav.home", "nav.home", k_key_f1 + 1},
                        {Screen::chronology, "gui.nav.chronology", "nav.chronology", k_key_f1 + 2},
                        {Screen::settings, "gui.nav.settings", "nav.settings", k_key_f1 + 3},
                        {Screen::evidence, "gui.nav.evidence", "nav.evidence", k_key_f1 + 4}};
  const bool no_popup = !ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId);
  // An acquisition writes the chronology through the one Workspace: until it ends, the screens
  // that read or write it are out of reach (screen_evidence.hpp, threading).
  const bool job_locked = m_evidence.job_busy();
  if (job_locked) m_ctx.screen = Screen::evidence;
  ImGui::SameLine(0, 30);
  const float y = ImGui::GetCursorPosY();
  for (const auto& it : items) {
    const bool on = m_ctx.screen == it.screen;
    ImGui::SetCursorPosY(y + 2);
    if (on) {
      ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
      ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 255, 255, 255));
    }
    char label[128];
    std::snprintf(label, sizeof label, "%s (F%d)", tr(it.key), it.fkey - k_key_f1 + 1);
    const bool locked = job_locked && it.screen != Screen::evidence;
    ImGui::BeginDisabled(locked);
    if (ImGui::Button(label)) m_ctx.screen = it.screen;
    ImGui::EndDisabled();
    if (on) ImGui::PopStyleColor(2);
    tag(m_ctx, it.tag_name);
    if (locked && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", tr("gui.ev.blocker.job"));
    if (!locked && no_popup && ImGui::IsKeyPressed(it.fkey, false)) m_ctx.screen = it.screen;
    ImGui::SameLine();
  }
  ImGui::NewLine();
  ImGui::Separator();
}

void GuiApp::draw_error_modal() {
  const UiError* err = m_ctx.model.current_error();
  const std::string title = std::string(err ? tr(err->title_key) : "") + "###error_modal";
  // Another dialog keeps its own draft: the error waits until it is closed.
  if (err && !ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId)) ImGui::OpenPopup(title.c_str());
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  ImGui::SetNextWindowSize(ImVec2(std::min(720.0f, display.x - 40), 0), ImGuiCond_Appearing);
  ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, display.y * 0.4f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (!ImGui::BeginPopupModal(title.c_str(), nullptr, ImGuiWindowFlags_NoSavedSettings)) return;
  if (err) {
    if (err->title_key == "gui.error.not_saved") banner(k_col_error_bg, k_col_error, tr("gui.form.not_saved"));
    text_wrapped(err->error.describe(i18n::japanese()).c_str());  // breaks Japanese where it must
  }
  ImGui::Separator();
  // Keys count only after the first frame: the Ctrl+Enter that failed to save must not also
  // dismiss the message that says so.
  const bool keys = !ImGui::IsWindowAppearing();
  if (ImGui::Button(tr("gui.dialog.ok"), ImVec2(120, 0)) ||
      (keys && (ImGui::IsKeyPressed(k_key_enter, false) || ImGui::IsKeyPressed(k_key_escape, false)))) {
    m_ctx.model.pop_error();
    ImGui::CloseCurrentPopup();
  }
  tag(m_ctx, "error.ok");
  ImGui::EndPopup();
}

}  // namespace shodo::gui
