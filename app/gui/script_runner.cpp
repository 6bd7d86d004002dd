#include "app/gui/script_runner.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include <imgui.h>

#include "app/gui/app_model.hpp"
#include "app/gui/gui_app.hpp"
#include "app/gui/keys.hpp"

namespace shodo::gui {
namespace {

constexpr int k_tag_wait_frames = 120;  // a tag may appear a few frames after a screen change

const char* const k_ops[] = {"wait_frames",   "click",      "screen",   "type",  "key",  "screenshot",
                             "resize", "expect_entries", "expect_rows", "expect_screen", "expect_no_error", "expect_tag", "touch",
                             "wait_file",     "wait_job",   "sleep",    "echo",  "quit"};

int key_index(const std::string& name) {
  static const struct {
    const char* name;
    int key;
  } k_named[] = {{"enter", k_key_enter},     {"return", k_key_enter},       {"kp_enter", k_key_kp_enter},
                 {"tab", k_key_tab},         {"escape", k_key_escape},      {"esc", k_key_escape},
                 {"backspace", k_key_backspace}, {"delete", k_key_delete},  {"space", k_key_space},
                 {"up", k_key_up},           {"down", k_key_down},          {"left", k_key_left},
                 {"right", k_key_right},     {"home", k_key_home},          {"end", k_key_end},
                 {"page_up", k_key_page_up}, {"page_down", k_key_page_down}};
  for (const auto& k : k_named)
    if (name == k.name) return k.key;
  if (name.size() == 1 && name[0] >= 'a' && name[0] <= 'z') return key_letter(static_cast<char>(name[0] - 'a' + 'A'));
  if (name.size() == 1 && name[0] >= '0' && name[0] <= '9') return k_key_0 + (name[0] - '0');
  if (name.size() >= 2 && name[0] == 'f') {
    const int n = std::atoi(name.c_str() + 1);
    if (n >= 1 && n <= 12) return k_key_f1 + n - 1;
  }
  return -1;
}

}  // namespace

Result<ScriptRunner> ScriptRunner::parse(const std::string& text, const std::string& name) {
  ScriptRunner r;
  r.m_name = name;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto b = line.find_first_not_of(" \t");
    if (b == std::string::npos || line[b] == '#') continue;
    const auto sp = line.find_first_of(" \t", b);
    Command c;
    c.line = n;
    c.op = line.substr(b, sp == std::string::npos ? std::string::npos : sp - b);
    if (sp != std::string::npos) {
      const auto a = line.find_first_not_of(" \t", sp);
      if (a != std::string::npos) c.arg = line.substr(a);
    }
    bool known = false;
    for (const char* op : k_ops) known = known || c.op == op;
    if (!known)
      return make_error(ErrorCode::invalid_input,
                        "スクリプト " + name + ":" + std::to_string(n) + ": 不明なコマンド「" + c.op + "」",
                        "script " + name + ":" + std::to_string(n) + ": unknown command '" + c.op + "'");
    r.m_commands.push_back(std::move(c));
  }
  return r;
}

Result<ScriptRunner> ScriptRunner::load(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in)
    return make_error(ErrorCode::not_found, "スクリプトを開けません: " + file.string(),
                      "cannot open the script: " + file.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), file.string());
}

void ScriptRunner::fail(const Command& c, const std::string& what) {
  m_failure = "script " + m_name + ":" + std::to_string(c.line) + ": " + c.op + " " + c.arg + ": " + what;
  std::cerr << m_failure << "\n";
  m_finished = true;
  m_exit_code = 1;
}

void ScriptRunner::next_command() {
  ++m_pc;
  m_stage = 0;
  m_stage_start = std::chrono::steady_clock::now();
}

bool ScriptRunner::press_keys(ImGuiIO& io, const std::string& combo, bool down, std::string& error) {
  std::string part;
  std::istringstream ss(combo);
  while (std::getline(ss, part, '+')) {
    for (auto& ch : part) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (part == "ctrl" || part == "control") {
      io.KeyCtrl = down;
      io.KeysDown[k_key_left_control] = down;
    } else if (part == "shift") {
      io.KeyShift = down;
      io.KeysDown[k_key_left_shift] = down;
    } else if (part == "alt") {
      io.KeyAlt = down;
      io.KeysDown[k_key_left_alt] = down;
    } else {
      const int k = key_index(part);
      if (k < 0) {
        error = "unknown key '" + part + "'";
        return false;
      }
      io.KeysDown[k] = down;
    }
  }
  return true;
}

void ScriptRunner::before_frame(GuiApp& app, ImGuiIO& io) {
  if (m_finished) return;
  if (m_pc >= m_commands.size()) {
    m_finished = true;
    return;
  }
  if (m_stage == 0 && m_pc == 0 && m_stage_start == std::chrono::steady_clock::time_point{})
    m_stage_start = std::chrono::steady_clock::now();
  const Command& c = m_commands[m_pc];
  const auto elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - m_stage_start).count();
  AppModel& model = app.context().model;

  if (c.op == "wait_frames") {
    if (m_stage >= std::max(1, std::atoi(c.arg.c_str()))) next_command();
    else ++m_stage;
  } else if (c.op == "click" || c.op == "screen") {
    const std::string tag_name = c.op == "screen" ? "nav." + c.arg : c.arg;
    if (m_stage <= k_tag_wait_frames) {
      if (auto r = app.tags().find(tag_name)) {
        m_mouse_x = (r->min.x + r->max.x) * 0.5f;
        m_mouse_y = (r->min.y + r->max.y) * 0.5f;
        m_mouse_down = false;
        m_stage = k_tag_wait_frames + 1;
      } else if (++m_stage > k_tag_wait_frames) {
        fail(c, "no widget with this tag is on screen");
        return;
      }
    } else if (m_stage == k_tag_wait_frames + 1) {
      m_mouse_down = true;
      ++m_stage;
    } else if (m_stage == k_tag_wait_frames + 2) {
      m_mouse_down = false;
      ++m_stage;
    } else {
      next_command();
    }
  } else if (c.op == "type") {
    if (m_stage == 0) {
      io.AddInputCharactersUTF8(c.arg.c_str());
      ++m_stage;
    } else {
      next_command();
    }
  } else if (c.op == "key") {
    std::string error;
    if (m_stage == 0) {
      if (!press_keys(io, c.arg, true, error)) return fail(c, error);
      ++m_stage;
    } else if (m_stage == 1) {
      press_keys(io, c.arg, false, error);
      ++m_stage;
    } else {
      next_command();
    }
  } else if (c.op == "screenshot") {
    if (m_stage == 0) {
      m_screenshot = c.arg.empty() ? std::string("shodo-screenshot.png") : c.arg;
      ++m_stage;  // screenshot_done() moves on
    }
  } else if (c.op == "resize") {
    if (m_stage == 0) {
      int w = 0, h = 0;
      if (std::sscanf(c.arg.c_str(), "%d %d", &w, &h) != 2 || w < 320 || h < 240) return fail(c, "need W H");
      m_resize = std::make_pair(w, h);
      ++m_stage;
    } else if (++m_stage > 3) {  // a few frames for the layout to settle
      next_command();
    }
  } else if (c.op == "expect_entries") {
    const auto want = std::strtoull(c.arg.c_str(), nullptr, 10);
    if (model.entries().size() != want)
      return fail(c, "the chronology holds " + std::to_string(model.entries().size()) + " entries");
    next_command();
  } else if (c.op == "expect_rows") {
    // The chronology list's rows shown with its current filter (system rows hidden by default).
    const auto want = std::strtoull(c.arg.c_str(), nullptr, 10);
    const std::size_t shown = app.chronology().list().visible().size();
    if (shown != want) return fail(c, "the list shows " + std::to_string(shown) + " rows");
    next_command();
  } else if (c.op == "expect_screen") {
    if (c.arg != screen_name(app.screen())) return fail(c, std::string("showing ") + screen_name(app.screen()));
    next_command();
  } else if (c.op == "expect_no_error") {
    if (const UiError* e = model.current_error()) return fail(c, e->title_key + ": " + e->error.describe(false));
    next_command();
  } else if (c.op == "expect_tag") {
    if (!app.tags().find(c.arg)) return fail(c, "not on screen");
    next_command();
  } else if (c.op == "touch") {
    std::ofstream(c.arg).flush();
    next_command();
  } else if (c.op == "wait_file") {
    std::istringstream ss(c.arg);
    std::string path;
    double timeout_s = 30;
    ss >> path >> timeout_s;
    std::error_code ec;
    if (std::filesystem::exists(path, ec))
      next_command();
    else if (elapsed_ms > timeout_s * 1000)
      return fail(c, "timed out");
  } else if (c.op == "wait_job") {
    const double timeout_s = c.arg.empty() ? 120.0 : std::atof(c.arg.c_str());
    if (!app.job_busy())
      next_command();
    else if (elapsed_ms > timeout_s * 1000)
      return fail(c, "the job (acquisition or export) is still running");
  } else if (c.op == "sleep") {
    if (elapsed_ms >= std::atof(c.arg.c_str())) next_command();
  } else if (c.op == "echo") {
    std::cout << c.arg << std::endl;
    next_command();
  } else if (c.op == "quit") {
    m_exit_code = std::atoi(c.arg.c_str());
    m_finished = true;
  }
  io.MousePos = ImVec2(m_mouse_x, m_mouse_y);
  io.MouseDown[0] = m_mouse_down;
}

std::optional<std::string> ScriptRunner::take_screenshot_request() {
  auto s = std::move(m_screenshot);
  m_screenshot.reset();
  return s;
}

std::optional<std::pair<int, int>> ScriptRunner::take_resize_request() {
  auto r = m_resize;
  m_resize.reset();
  return r;
}

void ScriptRunner::screenshot_done(bool ok, const std::string& error) {
  if (m_pc >= m_commands.size()) return;
  if (!ok) return fail(m_commands[m_pc], error);
  next_command();
}

}  // namespace shodo::gui
