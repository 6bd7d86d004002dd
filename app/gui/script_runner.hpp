// Script mode (--script FILE) for tests and demos: drives the real UI through ImGui's input
// (mouse position and buttons, keys, typed characters), so a script clicks exactly the widgets a
// user would. Widgets are found by the tags the screens record (ScriptTags); nothing is called
// behind the widgets' backs. One command per line, '#' starts a comment:
//
//   wait_frames N          render N frames
//   click TAG              move the pointer to the tagged widget, press, release
//   screen NAME            click the navigation button of home|chronology|settings|evidence
//   type TEXT              type the rest of the line (UTF-8) into the focused field
//   key COMBO              press and release, e.g. enter, ctrl+enter, ctrl+d, tab, escape, f2
//   screenshot PATH        write the frame as PNG (window mode only)
//   resize W H             resize the window (or the headless display) to W x H pixels
//   expect_entries N       fail unless the chronology holds N entries
//   expect_rows N          fail unless the chronology list shows N rows (its filter applied)
//   expect_screen NAME     fail unless NAME is showing
//   expect_no_error        fail if an error is waiting in the modal
//   expect_tag TAG         fail unless TAG was drawn in the last frame
//   touch PATH             create an empty file (to signal a test driver)
//   wait_file PATH [S]     keep rendering until PATH exists (default 30 s), else fail
//   wait_job [S]           keep rendering until the running job (acquisition or export) has ended
//                          and its result is shown (default 120 s), else fail
//   sleep MS               keep rendering for MS milliseconds
//   echo TEXT              print TEXT to stdout
//   quit [CODE]            stop (exit code CODE, default 0)
//
// A failing command prints "script FILE:LINE: what" to stderr and stops with exit code 1.
#pragma once
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "forensics/core/result.hpp"

struct ImGuiIO;

namespace shodo::gui {

class GuiApp;

class ScriptRunner {
 public:
  // Errors: invalid_input naming the line of an unknown command; not_found for a missing file.
  static Result<ScriptRunner> parse(const std::string& text, const std::string& name);
  static Result<ScriptRunner> load(const std::filesystem::path& file);

  // Feeds this frame's input. Call after the platform backend's NewFrame (which overwrites the
  // mouse) and before ImGui::NewFrame().
  void before_frame(GuiApp& app, ImGuiIO& io);
  // A screenshot the host should write after rendering this frame.
  std::optional<std::string> take_screenshot_request();
  void screenshot_done(bool ok, const std::string& error);
  // A window size the host should apply before the next frame (width, height).
  std::optional<std::pair<int, int>> take_resize_request();

  bool finished() const { return m_finished; }
  int exit_code() const { return m_exit_code; }
  const std::string& failure() const { return m_failure; }

 private:
  struct Command {
    int line = 0;
    std::string op;
    std::string arg;
  };
  void fail(const Command& c, const std::string& what);
  void next_command();
  bool press_keys(ImGuiIO& io, const std::string& combo, bool down, std::string& error);

  std::string m_name;
  std::vector<Command> m_commands;
  std::size_t m_pc = 0;
  int m_stage = 0;
  std::chrono::steady_clock::time_point m_stage_start;
  bool m_finished = false;
  int m_exit_code = 0;
  std::string m_failure;
  float m_mouse_x = -1e30f, m_mouse_y = -1e30f;
  bool m_mouse_down = false;
  std::optional<std::string> m_screenshot;
  std::optional<std::pair<int, int>> m_resize;
};

}  // namespace shodo::gui
