// Clock status and the one-step reference-time confirmation (CHR-11 … CHR-13). The operator
// picks the reference (117 時報, radio clock, GPS, mobile phone, wall clock; each with its usual
// uncertainty), types the time the reference will show (HH:MM:SS; today's JST date unless
// given) and presses "今 / Now" at that moment. The clock is read at the press (the button fires
// on mouse-down) and Workspace::confirm_time records offset = reference − system.
#pragma once
#include <string>

#include "app/gui/ui_context.hpp"

namespace shodo::gui {

class TimeCheckPanel {
 public:
  void draw(UiContext& ctx);

 private:
  void confirm(UiContext& ctx);

  int m_source = 0;
  float m_uncertainty_s = 1.0f;
  std::string m_reference;  // "HH:MM:SS"
  std::string m_date;       // optional "YYYY-MM-DD"
  std::string m_witness;
  std::string m_result;  // after a confirmation: the offset found
  bool m_rtc_hint = false;
  std::string m_error;
};

// One status line: "補正済 (+3.2 s ±1 s, 117, 10:02 山田)" or "未補正".
std::string clock_status_text(const UiContext& ctx);

}  // namespace shodo::gui
