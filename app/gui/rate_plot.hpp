// A small rate plot for long jobs: a fixed ring buffer of rate samples (bytes per second) taken
// at a steady interval, drawn with ImGui::PlotLines in MB/s. The buffer is pure data (no ImGui)
// so the headless tests can check it; draw() is the only ImGui call.
#pragma once
#include <array>
#include <cstddef>

#include <imgui.h>

namespace shodo::gui {

class RatePlot {
 public:
  static constexpr std::size_t k_capacity = 240;  // 4 minutes at one sample per second

  // Adds a sample when at least `interval_s` passed since the last one (now_s: any monotonic
  // seconds). Returns true when the sample was taken.
  bool add(double now_s, double bytes_per_s, double interval_s = 1.0);
  void clear();
  std::size_t size() const { return m_count; }
  // Oldest first; i < size().
  float at(std::size_t i) const;
  float peak() const;  // MB/s
  // The plot, `overlay` written over it (e.g. the current rate). Draws an empty frame without
  // samples. size.x < 0: the available width minus (-size.x - 1), as for other widgets.
  void draw(const char* id, const char* overlay, ImVec2 size) const;

 private:
  std::array<float, k_capacity> m_mb_s{};  // MB/s (10^6 bytes), ring
  std::size_t m_head = 0;                  // next write position
  std::size_t m_count = 0;
  double m_last_s = -1e300;
};

}  // namespace shodo::gui
