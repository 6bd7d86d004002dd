#include "app/gui/widgets.hpp"

#include <algorithm>
#include <cstdio>

#include <imgui_internal.h>
#include <imgui_stdlib.h>

#include "app/gui/app_model.hpp"
#include "forensics/i18n/catalogue.hpp"

namespace shodo::gui {

void ScriptTags::begin_frame() {
  if (!m_enabled) return;
  m_last.swap(m_current);
  m_current.clear();
}

void ScriptTags::add(std::string_view name, ImVec2 min, ImVec2 max) {
  if (m_enabled) m_current[std::string(name)] = Rect{min, max};
}

std::optional<ScriptTags::Rect> ScriptTags::find(std::string_view name) const {
  auto it = m_last.find(std::string(name));
  if (it == m_last.end()) return std::nullopt;
  return it->second;
}

void apply_style() {
  ImGui::StyleColorsLight();
  ImGuiStyle& s = ImGui::GetStyle();
  s.FramePadding = ImVec2(8, 5);
  s.ItemSpacing = ImVec2(8, 6);
  s.CellPadding = ImVec2(6, 3);
  s.WindowPadding = ImVec2(10, 8);
  s.FrameRounding = 3;
  s.GrabRounding = 3;
  s.WindowRounding = 0;
  s.ScrollbarSize = 16;
  s.FrameBorderSize = 1;
  s.Colors[ImGuiCol_WindowBg] = ImVec4(0.97f, 0.97f, 0.96f, 1.0f);
  s.Colors[ImGuiCol_Text] = ImVec4(0.05f, 0.05f, 0.05f, 1.0f);
  s.Colors[ImGuiCol_TextDisabled] = ImVec4(0.45f, 0.45f, 0.45f, 1.0f);
}

void tag(UiContext& ctx, const char* name) {
  if (ctx.tags.enabled()) ctx.tags.add(name, ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
}

void tag_n(UiContext& ctx, const char* prefix, long long n) {
  if (!ctx.tags.enabled()) return;
  char buf[96];
  std::snprintf(buf, sizeof buf, "%s%lld", prefix, n);
  ctx.tags.add(buf, ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
}

bool input_with_picklist(UiContext& ctx, const char* tag_name, const char* id, const char* hint, std::string& value,
                         const std::vector<std::string>& recent, float width, bool* enter_pressed) {
  ImGui::PushID(id);
  const float arrow = ImGui::GetFrameHeight();
  ImGui::SetNextItemWidth(width > arrow ? width - arrow : width);
  bool changed = ImGui::InputTextWithHint("##v", hint, &value, ImGuiInputTextFlags_EnterReturnsTrue);
  tag(ctx, tag_name);
  // With EnterReturnsTrue the return value means Enter; edits are still applied to `value`.
  if (changed && enter_pressed) *enter_pressed = true;
  changed = changed || ImGui::IsItemEdited();
  ImGui::SameLine(0, 0);
  {
    DisabledScope off(recent.empty());
    if (ImGui::ArrowButton("##pick", ImGuiDir_Down)) ImGui::OpenPopup("pick");
  }
  if (ctx.tags.enabled()) tag(ctx, (std::string(tag_name) + ".pick").c_str());
  if (ImGui::BeginPopup("pick")) {
    for (std::size_t i = 0; i < recent.size(); ++i) {
      ImGui::PushID(static_cast<int>(i));
      if (ImGui::Selectable(recent[i].c_str(), recent[i] == value)) {
        value = recent[i];
        changed = true;
      }
      ImGui::PopID();
    }
    ImGui::EndPopup();
  }
  ImGui::PopID();
  return changed;
}

void strike_through(ImVec2 text_min, float text_width, float line_height, bool double_line) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float mid = text_min.y + line_height * 0.5f;
  const ImVec2 a(text_min.x, mid), b(text_min.x + text_width, mid);
  if (double_line) {
    dl->AddLine(ImVec2(a.x, a.y - 2.0f), ImVec2(b.x, b.y - 2.0f), k_col_strike, 1.0f);
    dl->AddLine(ImVec2(a.x, a.y + 2.0f), ImVec2(b.x, b.y + 2.0f), k_col_strike, 1.0f);
  } else {
    dl->AddLine(a, b, k_col_strike, 1.0f);
  }
}

void text_colored(ImU32 col, const char* text) {
  ImGui::PushStyleColor(ImGuiCol_Text, col);
  ImGui::TextUnformatted(text);
  ImGui::PopStyleColor();
}

void banner(ImU32 bg, ImU32 fg, const char* text) {
  const float w = ImGui::GetContentRegionAvail().x;
  const ImVec2 pad = ImGui::GetStyle().FramePadding;
  const ImVec2 size = ImGui::CalcTextSize(text, nullptr, false, w - 2 * pad.x);
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::GetWindowDrawList()->AddRectFilled(p, ImVec2(p.x + w, p.y + size.y + 2 * pad.y), bg, 3.0f);
  ImGui::SetCursorScreenPos(ImVec2(p.x + pad.x, p.y + pad.y));
  ImGui::PushStyleColor(ImGuiCol_Text, fg);
  ImGui::PushTextWrapPos(p.x + w - pad.x);
  ImGui::TextUnformatted(text);
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
  ImGui::SetCursorScreenPos(ImVec2(p.x, p.y + size.y + 2 * pad.y));
  ImGui::Dummy(ImVec2(w, ImGui::GetStyle().ItemSpacing.y * 0.5f));
}

void read_only_banner(UiContext& ctx) {
  if (!ctx.model.read_only()) return;
  std::string text = i18n::tr("gui.banner.read_only");
  for (const auto& p : ctx.model.read_only_problems(i18n::japanese())) text += "\n・" + p;
  banner(k_col_error, IM_COL32(255, 255, 255, 255), text.c_str());
  tag(ctx, "banner.read_only");
  // What to do, in one sentence, and the way on (issue 11): a new file of this kit that names the
  // damaged one; the damaged file stays untouched as evidence.
  text_wrapped(i18n::tr("gui.banner.read_only_next"), k_col_error);
  if (ImGui::Button(i18n::tr("gui.banner.continue"))) ctx.model.continue_after_damage();
  tag(ctx, "banner.continue");
}

bool button_on_press(const char* label, ImVec2 size) {
  return ImGui::ButtonEx(label, size, ImGuiButtonFlags_PressedOnClick);
}

namespace {
std::vector<std::string>& help_texts() {
  static std::vector<std::string> texts;  // GUI thread only
  return texts;
}
}  // namespace

void help_texts_begin_frame() { help_texts().clear(); }
const std::vector<std::string>& frame_help_texts() { return help_texts(); }

void focus_last_item() {
  ImGuiContext& g = *GImGui;
  ImGui::FocusWindow(g.CurrentWindow);
  ImGui::SetFocusID(ImGui::GetItemID(), g.CurrentWindow);
  g.NavDisableHighlight = false;
}

void help_marker(const char* text) {
  if (std::find(help_texts().begin(), help_texts().end(), text) == help_texts().end()) help_texts().emplace_back(text);
  ImGui::TextDisabled("(?)");
  if (ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30.0f);
    ImGui::TextUnformatted(text);
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
}

// --- Japanese-aware wrapping, badges (moved from acquire_wizard.cpp: every screen uses them) ---

namespace {

// One UTF-8 sequence starting at s (s < end): its length and code point (U+FFFD when broken).
int utf8_next(const char* s, const char* end, unsigned& cp) {
  const auto b = static_cast<unsigned char>(*s);
  const int n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 1;
  if (n == 1 || end - s < n) {
    cp = b < 0x80 ? b : 0xFFFD;
    return 1;
  }
  cp = b & (0xFFu >> (n + 1));
  for (int i = 1; i < n; ++i) cp = (cp << 6) | (static_cast<unsigned char>(s[i]) & 0x3Fu);
  return n;
}

// Closing marks that Japanese typesetting never puts at the start of a line (禁則).
bool no_line_start(unsigned cp) {
  switch (cp) {
    case 0x3001: case 0x3002: case 0xFF0C: case 0xFF0E: case 0xFF09: case 0x300D: case 0x300F:
    case 0x3011: case 0xFF1A: case 0xFF1B: case 0xFF01: case 0xFF1F: case 0x30FC: case 0x2026:
    case ')': case ',': case '.': case ':': case ';': case ']': return true;
    default: return false;
  }
}

}  // namespace

void text_wrapped(const char* text, ImU32 col) {
  if (col) ImGui::PushStyleColor(ImGuiCol_Text, col);
  ImFont* font = ImGui::GetFont();
  const float size = ImGui::GetFontSize();
  const float width = std::max(size, ImGui::GetContentRegionAvail().x);
  const char* s = text;
  const char* end = text + std::strlen(text);
  const char* line = s;
  const char* after_space = nullptr;  // just after the last space on this line
  float w = 0;
  auto emit = [&](const char* to) {
    ImGui::TextUnformatted(line, to);
    line = to;
    w = 0;
    after_space = nullptr;
  };
  while (s < end) {
    unsigned cp = 0;
    const int n = utf8_next(s, end, cp);
    if (cp == '\n') {
      emit(s);
      line = s + n;
      s = line;
      continue;
    }
    const float adv = font->CalcTextSizeA(size, FLT_MAX, 0.0f, s, s + n).x;
    if (w + adv > width && s > line) {
      const char* brk = s;
      if (no_line_start(cp)) {
        brk = s + n;  // the mark stays at the end of this line, a little past the edge
      } else if (cp < 0x80 && cp != ' ' && after_space && after_space > line) {
        brk = after_space;  // an ASCII word (path, hash, English) moves whole
      }
      emit(brk);
      while (line < end && *line == ' ') ++line;  // no leading space on the new line
      s = line;
      continue;
    }
    w += adv;
    s += n;
    if (cp == ' ') after_space = s;
  }
  if (line < end || end == text) ImGui::TextUnformatted(line, end);
  if (col) ImGui::PopStyleColor();
}

void badge_chip(const char* text, ImU32 bg, ImU32 fg) {
  const ImVec2 pad(5, 1);
  const ImVec2 sz = ImGui::CalcTextSize(text);
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::GetWindowDrawList()->AddRectFilled(p, ImVec2(p.x + sz.x + pad.x * 2, p.y + sz.y + pad.y * 2), bg, 3.0f);
  ImGui::GetWindowDrawList()->AddText(ImVec2(p.x + pad.x, p.y + pad.y), fg, text);
  ImGui::Dummy(ImVec2(sz.x + pad.x * 2, sz.y + pad.y * 2));
}

void ro_badge(bool read_only, bool offered) {
  if (read_only)
    badge_chip(i18n::tr("gui.ev.dev.ro_badge"), IM_COL32(205, 235, 210, 255), k_col_ok);
  else if (offered)
    badge_chip(i18n::tr("gui.ev.dev.rw_badge"), k_col_banner_bg, k_col_warn);
  else
    badge_chip(i18n::tr("gui.ev.dev.rw_badge_excluded"), IM_COL32(225, 225, 222, 255), k_col_muted);
  if (ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30);
    ImGui::TextUnformatted(i18n::tr(read_only ? "gui.ev.dev.ro_help" : offered ? "gui.ev.dev.rw_help" : "gui.ev.dev.rw_excluded_help"));
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
}

}  // namespace shodo::gui
