// One frame of the whole GUI, independent of GLFW and OpenGL: the navigation bar, the current
// screen, the status bar and the error modal. gui_main.cpp calls frame() between
// ImGui::NewFrame() and ImGui::Render(); the headless tests do the same without a window.
#pragma once
#include <string>
#include <vector>

#include "app/gui/screen_chronology.hpp"
#include "app/gui/screen_evidence.hpp"
#include "app/gui/screen_home.hpp"
#include "app/gui/screen_settings.hpp"
#include "app/gui/ui_context.hpp"

namespace shodo::gui {

class GuiApp {
 public:
  GuiApp(AppModel& model, FontLibrary& fonts, bool ime_configured);
  void frame();

  UiContext& context() { return m_ctx; }
  ScriptTags& tags() { return m_tags; }
  Screen screen() const { return m_ctx.screen; }
  void show(Screen s) { m_ctx.screen = s; }
  const ChronologyScreen& chronology() const { return m_chronology; }
  bool help_open() const { return m_help_open; }
  EvidenceScreen& evidence() { return m_evidence; }
  // A job runs on a worker (an acquisition or an export): the frame loop keeps waking to take
  // its progress and result.
  bool job_busy() const { return m_evidence.job_busy() || m_chronology.export_dialog().busy(); }
  const EvidenceScreen& evidence() const { return m_evidence; }

 private:
  void draw_nav();
  void draw_error_modal();
  // F1 (issue 11): the keys of the current screen and its "(?)" help texts, without a mouse.
  void draw_help();

  bool m_help_open = false;
  bool m_help_request = false;
  Screen m_drawn_screen = Screen::home;
  bool m_first_frame = true;
  std::vector<std::string> m_help_texts;

  ScriptTags m_tags;
  UiContext m_ctx;
  HomeScreen m_home;
  ChronologyScreen m_chronology;
  SettingsScreen m_settings;
  EvidenceScreen m_evidence;
};

// Screen names used by scripts and --screen: "home", "chronology", "settings", "evidence".
const char* screen_name(Screen s);

}  // namespace shodo::gui
