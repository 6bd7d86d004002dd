// The GUI entry point, called by app/main.cpp (through the CLI) when no subcommand is given and a
// display exists. Only gui_main.cpp touches GLFW and OpenGL; everything drawn lives in GuiApp.
#pragma once
#include <filesystem>
#include <string>

namespace shodo {

struct GuiOptions {
  std::filesystem::path case_root;
  std::string incident_id;      // opened at start when not empty
  std::string operator_name;    // pre-fills "who is operating" (still confirmed on Home)
  std::string roles;            // "SCR,CSIRT"
  std::string script_file;      // --script: drive the UI from a script (tests)
  std::string screenshot_file;  // --screenshot: write a PNG after start-up and exit
  bool fullscreen = false;      // --fullscreen: the kiosk
  int bench_frames = 0;         // --bench-frames N: render N frames with the list, print timings
  int bench_entries = 100000;   // entries shown by the bench (synthetic when the log has fewer)
};

// Runs the window until it is closed. Returns the process exit code: 0, 1 when the window
// cannot be created or a script command failed, 2 when the script cannot be read.
int run_gui(const GuiOptions& opt);

}  // namespace shodo
