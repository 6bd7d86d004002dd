#include "app/gui/headless.hpp"

#include "app/gui/app_model.hpp"
#include "app/gui/keys.hpp"
#include "app/gui/script_runner.hpp"
#include "app/gui/widgets.hpp"

namespace shodo::gui {

HeadlessGui::HeadlessGui(AppModel& model, ImVec2 display_size) {
  IMGUI_CHECKVERSION();
  m_ctx = ImGui::CreateContext();
  ImGui::SetCurrentContext(m_ctx);
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // never write imgui.ini
  io.LogFilename = nullptr;
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  io.DisplaySize = display_size;
  io.DeltaTime = 1.0f / 60.0f;
  configure_key_map(io);
  apply_style();
  m_fonts.build(*io.Fonts);
  m_app = std::make_unique<GuiApp>(model, m_fonts, true);
}

HeadlessGui::~HeadlessGui() {
  m_app.reset();
  ImGui::DestroyContext(m_ctx);
}

void HeadlessGui::set_display_size(ImVec2 size) {
  ImGui::SetCurrentContext(m_ctx);
  ImGui::GetIO().DisplaySize = size;
}

FrameStats HeadlessGui::frame(ScriptRunner* script) {
  ImGui::SetCurrentContext(m_ctx);
  ImGuiIO& io = ImGui::GetIO();
  io.DeltaTime = 1.0f / 60.0f;
  if (m_fonts.needs_rebuild()) m_fonts.rebuild(*io.Fonts);
  if (script) {
    m_app->tags().set_enabled(true);
    script->before_frame(*m_app, io);
    if (script->take_screenshot_request()) script->screenshot_done(false, "no window: screenshots need the GLFW window");
    if (auto size = script->take_resize_request())
      io.DisplaySize = ImVec2(static_cast<float>(size->first), static_cast<float>(size->second));
  }
  ImGui::NewFrame();
  m_app->frame();
  ImGui::Render();
  FrameStats s;
  const ImDrawData* dd = ImGui::GetDrawData();
  if (dd) {
    s.draw_lists = dd->CmdListsCount;
    s.vertices = dd->TotalVtxCount;
    s.indices = dd->TotalIdxCount;
  }
  return s;
}

}  // namespace shodo::gui
