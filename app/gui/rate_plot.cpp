#include "app/gui/rate_plot.hpp"

#include <algorithm>

namespace shodo::gui {

bool RatePlot::add(double now_s, double bytes_per_s, double interval_s) {
  if (now_s - m_last_s < interval_s) return false;
  m_last_s = now_s;
  m_mb_s[m_head] = static_cast<float>(std::max(0.0, bytes_per_s) / 1e6);
  m_head = (m_head + 1) % k_capacity;
  m_count = std::min(m_count + 1, k_capacity);
  return true;
}

void RatePlot::clear() {
  m_head = 0;
  m_count = 0;
  m_last_s = -1e300;
}

float RatePlot::at(std::size_t i) const {
  const std::size_t first = (m_head + k_capacity - m_count) % k_capacity;
  return m_mb_s[(first + i) % k_capacity];
}

float RatePlot::peak() const {
  float p = 0;
  for (std::size_t i = 0; i < m_count; ++i) p = std::max(p, at(i));
  return p;
}

void RatePlot::draw(const char* id, const char* overlay, ImVec2 size) const {
  // PlotLines takes a width of 0 as "default item width" but, unlike most widgets, does not
  // resolve negative widths ("full width minus n"): a -1 would draw an empty, inverted frame.
  if (size.x < 0) size.x = std::max(1.0f, ImGui::GetContentRegionAvail().x + size.x + 1.0f);
  const float top = std::max(1.0f, peak() * 1.15f);
  if (m_count == 0) {
    const float none = 0;
    ImGui::PlotLines(id, &none, 1, 0, overlay, 0.0f, top, size);
    return;
  }
  // PlotLines reads a ring buffer directly: values_offset is the oldest sample.
  const std::size_t first = (m_head + k_capacity - m_count) % k_capacity;
  if (m_count < k_capacity)
    ImGui::PlotLines(id, m_mb_s.data() + first, static_cast<int>(m_count), 0, overlay, 0.0f, top, size);
  else
    ImGui::PlotLines(id, m_mb_s.data(), static_cast<int>(k_capacity), static_cast<int>(first), overlay, 0.0f, top,
                     size);
}

}  // namespace shodo::gui
