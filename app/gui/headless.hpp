// Runs the GUI without a window or GL context: an ImGui context with a display size, the real
// font atlas (texture data built, never uploaded) and the GLFW key numbering, so tests can
// render every screen, drive scripts and inspect the draw lists. Not used by the binary's
// window path, but small enough to keep beside it.
#pragma once
#include <memory>

#include <imgui.h>

#include "app/gui/fonts.hpp"
#include "app/gui/gui_app.hpp"

namespace shodo::gui {

class AppModel;
class ScriptRunner;

struct FrameStats {
  int draw_lists = 0;
  int vertices = 0;
  int indices = 0;
};

class HeadlessGui {
 public:
  explicit HeadlessGui(AppModel& model, ImVec2 display_size = ImVec2(1280, 800));
  ~HeadlessGui();
  HeadlessGui(const HeadlessGui&) = delete;
  HeadlessGui& operator=(const HeadlessGui&) = delete;

  // One frame: the script's input (if any), NewFrame, the app, Render. 1/60 s per frame.
  FrameStats frame(ScriptRunner* script = nullptr);
  void set_display_size(ImVec2 size);
  GuiApp& app() { return *m_app; }
  FontLibrary& fonts() { return m_fonts; }
  ImGuiContext* context() { return m_ctx; }

 private:
  ImGuiContext* m_ctx = nullptr;
  FontLibrary m_fonts;
  std::unique_ptr<GuiApp> m_app;
};

}  // namespace shodo::gui
