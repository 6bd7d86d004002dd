// Clock status and the one-step reference-time confirmation (CHR-11 … CHR-13). The operator
// picks the reference (117 時報, radio clock, GPS, mobile phone, wall clock; each with its usual
// uncertainty), types the time the reference will show (HH:MM:SS; today's JST date unless
// given) and presses "今 / Now" at that moment. The clock is read at the press (the button fires
// on mouse-down) and Workspace::confirm_time records offset = reference − system.
#pragma once
#include <optional>
#include <string>

#include "app/gui/ui_context.hpp"
#include "forensics/core/clock.hpp"

namespace shodo::gui {

// Nothing is assumed and nothing unconfirmed is recorded (issue 11): no reference is preselected;
// an offset over 5 min (or about ±9 h) is recorded only after "record it" — with the instant of
// the first press; a check recorded by mistake is replaced by the next one, which says why.
class TimeCheckPanel {
 public:
  void draw(UiContext& ctx);

 private:
  // A check waiting for the operator to confirm its large offset.
  struct Pending {
    ClockReading at;
    std::int64_t reference_utc_ns = 0;
    std::int64_t uncertainty_ns = 0;
  };
  void confirm(UiContext& ctx);
  void record(UiContext& ctx, const Pending& p);
  void draw_pending(UiContext& ctx);

  int m_source = -1;  // none chosen yet
  float m_uncertainty_s = 1.0f;
  bool m_replace_last = false;  // the latest check was a mistake: this one replaces it
  std::string m_replace_reason;
  std::optional<Pending> m_pending;
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
