// The window, the frame loop and the GL-only services (texture upload, screenshots).
//
// Index: LoopState and GLFW callbacks (wake-ups) · screenshots · bench · run_gui.
//
// Redraw is event-driven: the loop sleeps in glfwWaitEventsTimeout and, after any input event,
// renders a few more frames, because ImGui reacts to a click over two frames (press, release)
// and a popup appears the frame after it is opened — with one frame per event, quick clicks
// would be merged or lost. It wakes about once a second for the clock in the status bar, and four
// times a second while an acquisition runs (its progress and rate plot are live).
#include "app/gui/gui_main.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <stb/stb_image_write.h>

#include <algorithm>
#include <chrono>
#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <numeric>
#include <optional>
#include <sstream>
#include <vector>

#include "app/gui/app_model.hpp"
#include "app/gui/fonts.hpp"
#include "app/gui/gui_app.hpp"
#include "app/gui/ime_key_filter.hpp"
#include "app/gui/keys.hpp"
#include "app/gui/script_runner.hpp"
#include "app/gui/synthetic_entries.hpp"
#include "app/gui/widgets.hpp"
#include "forensics/i18n/catalogue.hpp"

namespace shodo {
namespace {

using namespace gui;

static_assert(k_key_enter == GLFW_KEY_ENTER && k_key_escape == GLFW_KEY_ESCAPE && k_key_tab == GLFW_KEY_TAB &&
                  k_key_f1 == GLFW_KEY_F1 && k_key_a == GLFW_KEY_A && k_key_0 == GLFW_KEY_0 &&
                  k_key_left_control == GLFW_KEY_LEFT_CONTROL && k_key_kp_enter == GLFW_KEY_KP_ENTER &&
                  k_key_page_down == GLFW_KEY_PAGE_DOWN && k_key_left_alt == GLFW_KEY_LEFT_ALT,
              "keys.hpp must use the GLFW key numbering the ImGui GLFW backend puts in io.KeysDown");

constexpr int k_frames_after_input = 3;
constexpr double k_idle_wake_s = 1.0;      // status-bar clock
constexpr double k_typing_wake_s = 0.5;    // text cursor blink while a field is active
constexpr double k_job_wake_s = 0.25;      // live progress (bar, rates, rate plot) while a job runs

// Shared with the GLFW callbacks through the window user pointer.
struct LoopState {
  bool activity = false;  // an event arrived: render a few frames
  ImeKeyFilter ime;       // keys the input method consumed stay away from ImGui
};

LoopState& state_of(GLFWwindow* w) { return *static_cast<LoopState*>(glfwGetWindowUserPointer(w)); }
// Installed before the ImGui backend, which chains to them.
// Key and character events go to ImGui through us (installed after the backend, replacing its
// own), so that keys taken by the input method can be withheld.
void on_key(GLFWwindow* w, int key, int scancode, int action, int mods) {
  LoopState& s = state_of(w);
  s.activity = true;
  if (s.ime.on_key(key, action, mods)) ImGui_ImplGlfw_KeyCallback(w, key, scancode, action, mods);
}
void on_char(GLFWwindow* w, unsigned int c) {
  LoopState& s = state_of(w);
  s.activity = true;
  s.ime.on_char();
  ImGui_ImplGlfw_CharCallback(w, c);
}
void on_button(GLFWwindow* w, int, int, int) { state_of(w).activity = true; }
void on_scroll(GLFWwindow* w, double, double) { state_of(w).activity = true; }
void on_focus(GLFWwindow* w, int) { state_of(w).activity = true; }
void on_enter(GLFWwindow* w, int) { state_of(w).activity = true; }
// Not chained by the 1.86 backend (it polls the cursor), so ours alone.
void on_cursor(GLFWwindow* w, double, double) { state_of(w).activity = true; }
void on_size(GLFWwindow* w, int, int) { state_of(w).activity = true; }
void on_refresh(GLFWwindow* w) { state_of(w).activity = true; }

void on_glfw_error(int code, const char* text) { std::cerr << "shodo: GLFW error " << code << ": " << text << "\n"; }

// Reads the back buffer into a PNG (top row first). Call after rendering, before swapping.
bool write_screenshot(GLFWwindow* w, const std::string& path, std::string& error) {
  int fw = 0, fh = 0;
  glfwGetFramebufferSize(w, &fw, &fh);
  if (fw <= 0 || fh <= 0) {
    error = "empty framebuffer";
    return false;
  }
  std::vector<unsigned char> px(static_cast<std::size_t>(fw) * static_cast<std::size_t>(fh) * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, fw, fh, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
  const std::size_t stride = static_cast<std::size_t>(fw) * 4;
  std::vector<unsigned char> row(stride);
  for (int y = 0; y < fh / 2; ++y) {
    unsigned char* a = px.data() + static_cast<std::size_t>(y) * stride;
    unsigned char* b = px.data() + static_cast<std::size_t>(fh - 1 - y) * stride;
    std::memcpy(row.data(), a, stride);
    std::memcpy(a, b, stride);
    std::memcpy(b, row.data(), stride);
  }
  for (std::size_t i = 3; i < px.size(); i += 4) px[i] = 255;  // opaque, whatever the GL alpha
  if (!stbi_write_png(path.c_str(), fw, fh, 4, px.data(), static_cast<int>(stride))) {
    error = "cannot write " + path;
    return false;
  }
  return true;
}

// The roles were checked by the CLI (session_operator); an unknown code cannot get here.
chronology::Operator parse_operator(const GuiOptions& opt) {
  chronology::Operator op;
  op.name = opt.operator_name;
  if (auto roles = chronology::parse_roles(opt.roles)) op.roles = std::move(roles.value());
  return op;
}

// An input method is configured when XMODIFIERS names one (XIM is what GLFW 3.3 speaks).
bool input_method_configured() {
  const char* x = std::getenv("XMODIFIERS");
  return x && std::strstr(x, "@im=") && !std::strstr(x, "@im=none");
}

void print_bench(const std::vector<double>& frame_ms, const std::vector<double>& ui_ms, double first_ms,
                 std::size_t entries) {
  if (frame_ms.empty()) return;
  std::vector<double> sorted = frame_ms;
  std::sort(sorted.begin(), sorted.end());
  const double mean = std::accumulate(sorted.begin(), sorted.end(), 0.0) / static_cast<double>(sorted.size());
  const double ui_mean = std::accumulate(ui_ms.begin(), ui_ms.end(), 0.0) / static_cast<double>(ui_ms.size());
  auto pct = [&](double p) { return sorted[std::min(sorted.size() - 1, static_cast<std::size_t>(p * static_cast<double>(sorted.size())))]; };
  std::printf("bench: entries=%zu frames=%zu first_frame_ms=%.2f mean_ms=%.3f p50_ms=%.3f p95_ms=%.3f max_ms=%.3f "
              "ui_mean_ms=%.3f\n",
              entries, sorted.size(), first_ms, mean, pct(0.5), pct(0.95), sorted.back(), ui_mean);
  std::fflush(stdout);
}

}  // namespace

int run_gui(const GuiOptions& opt) {
  // XIM needs a UTF-8 character locale; GLFW only fixes "C" from the environment, which may be C too.
  const char* loc = std::setlocale(LC_CTYPE, "");
  if (!loc || std::strcmp(loc, "C") == 0 || std::strcmp(loc, "POSIX") == 0) std::setlocale(LC_CTYPE, "C.UTF-8");

  std::optional<ScriptRunner> script;
  if (!opt.script_file.empty()) {
    auto s = ScriptRunner::load(opt.script_file);
    if (!s) {
      std::cerr << "shodo: " << s.error().describe(i18n::japanese()) << "\n";
      return 2;
    }
    script = std::move(s.value());
  }
  const bool bench = opt.bench_frames > 0;

  glfwSetErrorCallback(on_glfw_error);
  if (!glfwInit()) {
    std::cerr << "shodo: " << i18n::tr("gui.error.no_display") << "\n";
    return 1;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  GLFWmonitor* monitor = opt.fullscreen ? glfwGetPrimaryMonitor() : nullptr;
  int width = 1280, height = 800;
  if (monitor) {
    const GLFWvidmode* mode = glfwGetVideoMode(monitor);
    width = mode->width;
    height = mode->height;
  }
  GLFWwindow* window = glfwCreateWindow(width, height, i18n::tr("gui.app.title"), monitor, nullptr);
  if (!window) {
    std::cerr << "shodo: " << i18n::tr("gui.error.no_display") << "\n";
    glfwTerminate();
    return 1;
  }
  glfwSetWindowSizeLimits(window, 1024, 768, GLFW_DONT_CARE, GLFW_DONT_CARE);
  glfwMakeContextCurrent(window);
  glfwSwapInterval(bench ? 0 : 1);  // vsync, except when measuring frame time

  LoopState loop;
  glfwSetWindowUserPointer(window, &loop);
  glfwSetMouseButtonCallback(window, on_button);
  glfwSetScrollCallback(window, on_scroll);
  glfwSetWindowFocusCallback(window, on_focus);
  glfwSetCursorEnterCallback(window, on_enter);
  glfwSetCursorPosCallback(window, on_cursor);
  glfwSetWindowSizeCallback(window, on_size);
  glfwSetWindowRefreshCallback(window, on_refresh);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // nothing is written outside the case volume
  io.LogFilename = nullptr;
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  apply_style();
  const auto font_start = std::chrono::steady_clock::now();
  FontLibrary fonts;
  if (!fonts.build(*io.Fonts)) std::cerr << "shodo: " << i18n::tr("gui.error.no_font") << " (" << fonts.problem() << ")\n";
  const double font_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - font_start).count();
  ImGui_ImplGlfw_InitForOpenGL(window, true);  // chains to the callbacks above
  glfwSetKeyCallback(window, on_key);           // ... except keys and characters: see on_key
  glfwSetCharCallback(window, on_char);
  ImGui_ImplOpenGL3_Init("#version 130");

  AppModelOptions mo;
  mo.case_root = opt.case_root;
  mo.incident_id = opt.incident_id;
  mo.op = parse_operator(opt);
  // Opening the incident (reading and verifying its chronology) is part of what a responder waits
  // for: --bench-frames reports it.
  const auto open_start = std::chrono::steady_clock::now();
  AppModel model(std::move(mo));
  const double open_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - open_start).count();
  if (!opt.operator_name.empty()) model.set_operator(parse_operator(opt));
  GuiApp app(model, fonts, input_method_configured());
  if (script) app.tags().set_enabled(true);
  if (bench) {
    std::printf("bench: open_incident_ms=%.1f logged_entries=%zu\n", open_ms, model.entries().size());
    if (model.entries().size() < static_cast<std::size_t>(opt.bench_entries)) {
      const std::string id = model.workspace() ? model.workspace()->incident().incident_id : "BENCH-20260101-01";
      model.show_synthetic(make_synthetic_entries(static_cast<std::size_t>(opt.bench_entries), id, model.kit_id()));
    }
    app.show(Screen::chronology);
    std::printf("bench: font_atlas_ms=%.1f atlas=%dx%d glyphs=%zu\n", font_ms, fonts.texture_width(),
                fonts.texture_height(), fonts.glyph_count());
  }

  int exit_code = 0;
  int extra_frames = k_frames_after_input;
  int frame_no = 0;
  std::vector<double> bench_frame_ms, bench_ui_ms;
  double bench_first_ms = 0;
  while (!glfwWindowShouldClose(window)) {
    const bool continuous = script || bench || !opt.screenshot_file.empty() || extra_frames > 0;
    if (continuous)
      glfwPollEvents();
    else
      glfwWaitEventsTimeout(app.job_busy() ? k_job_wake_s
                            : io.WantTextInput         ? k_typing_wake_s
                                                       : k_idle_wake_s);
    if (loop.activity) extra_frames = k_frames_after_input;
    loop.activity = false;
    // Closing the window (window manager, Alt+F4) while a job runs asks first, like Cancel;
    // when confirmed the window closes after the job has closed its partial image and records.
    if (glfwWindowShouldClose(window) && app.evidence().job_busy()) {
      glfwSetWindowShouldClose(window, GLFW_FALSE);
      app.evidence().wizard().request_close();
      extra_frames = k_frames_after_input;
    }
    if (app.evidence().wizard().close_now()) glfwSetWindowShouldClose(window, GLFW_TRUE);

    // Glyphs typed (IME) or loaded that the atlas lacks are added before this frame uses them.
    for (ImWchar c : io.InputQueueCharacters) fonts.want_codepoint(c);
    if (fonts.needs_rebuild()) {
      fonts.rebuild(*io.Fonts);
      ImGui_ImplOpenGL3_DestroyFontsTexture();
      ImGui_ImplOpenGL3_CreateFontsTexture();
    }

    if (script) {
      if (auto size = script->take_resize_request()) {
        glfwSetWindowSize(window, size->first, size->second);
        glfwPollEvents();  // let the new size arrive before this frame
      }
    }
    const auto t0 = std::chrono::steady_clock::now();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    if (script) script->before_frame(app, io);
    if (bench) {
      // Scroll through the list: the clipper sees new rows every frame.
      io.MousePos = ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.7f);
      io.MouseWheel += 3.0f;
    }
    ImGui::NewFrame();
    app.frame();
    ImGui::Render();
    const auto t1 = std::chrono::steady_clock::now();
    int fw = 0, fh = 0;
    glfwGetFramebufferSize(window, &fw, &fh);
    glViewport(0, 0, fw, fh);
    glClearColor(0.97f, 0.97f, 0.96f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

    std::optional<std::string> shot;
    if (script) shot = script->take_screenshot_request();
    // --screenshot: after start-up (and exit), or with a script, of the script's last frame.
    const bool final_shot = !opt.screenshot_file.empty() && (script ? script->finished() : frame_no == 10);
    if (final_shot && !shot) {
      std::string error;
      if (!write_screenshot(window, opt.screenshot_file, error)) {
        std::cerr << "shodo: " << error << "\n";
        exit_code = 1;
      }
      if (!script) glfwSetWindowShouldClose(window, GLFW_TRUE);
    }
    if (shot) {
      std::string error;
      const bool ok = write_screenshot(window, *shot, error);
      script->screenshot_done(ok, error);
    }
    glfwSwapBuffers(window);
    if (bench) {
      glFinish();
      const auto t2 = std::chrono::steady_clock::now();
      const double frame_ms = std::chrono::duration<double, std::milli>(t2 - t0).count();
      if (frame_no == 0)
        bench_first_ms = frame_ms;
      else {
        bench_frame_ms.push_back(frame_ms);
        bench_ui_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      }
      if (frame_no >= opt.bench_frames) glfwSetWindowShouldClose(window, GLFW_TRUE);
    }
    ++frame_no;
    if (extra_frames > 0) --extra_frames;
    if (script && script->finished()) {
      exit_code = std::max(exit_code, script->exit_code());
      glfwSetWindowShouldClose(window, GLFW_TRUE);
    }
  }
  if (bench) print_bench(bench_frame_ms, bench_ui_ms, bench_first_ms, model.entries().size());

  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  return exit_code;
}

}  // namespace shodo
