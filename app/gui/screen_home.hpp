// Home: what to do next, who is operating (name + roles, §2.3), the incident (open one or create
// one: 病院コード-YYYYMMDD-NN, title, facility, profile, training), the clock with the one-step
// reference-time confirmation, and the kit's identity.
#pragma once
#include <array>
#include <string>

#include "app/gui/time_check_panel.hpp"
#include "app/gui/ui_context.hpp"

namespace shodo::gui {

// The single most useful next step, in order: operator, incident, clock, second copy, chronology.
enum class NextStep { set_operator, open_incident, confirm_time, attach_mirror, chronology };
NextStep next_step(const AppModel& model);
const char* next_step_key(NextStep s);

class HomeScreen {
 public:
  void draw(UiContext& ctx);

 private:
  void draw_next(UiContext& ctx);
  void draw_operator(UiContext& ctx);
  void draw_incidents(UiContext& ctx);
  void draw_new_incident(UiContext& ctx);
  void draw_kit(UiContext& ctx);
  void suggest_incident_id(UiContext& ctx);

  // Operator form
  std::string m_name;
  std::array<bool, 11> m_roles{};
  bool m_operator_loaded = false;
  // New incident form
  bool m_focus_title = false;  // the form just opened with a proposed number
  bool m_new_open = false;
  std::string m_id, m_title, m_facility;
  int m_profile = 0;  // 0 hospital, 1 clinic
  bool m_training = false;
  int m_selected_incident = -1;
  TimeCheckPanel m_time;
};

}  // namespace shodo::gui
