#include "app/gui/entry_form.hpp"

#include <imgui.h>
#include <imgui_internal.h>
#include <imgui_stdlib.h>

#include "app/gui/app_model.hpp"
#include "app/gui/fonts.hpp"
#include "app/gui/keys.hpp"
#include "app/gui/labels.hpp"
#include "forensics/core/time_input.hpp"
#include "forensics/i18n/substitute.hpp"
#include "app/gui/widgets.hpp"

namespace shodo::gui {

using chronology::Entry;
using i18n::tr;

namespace {

std::string trimmed(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool combo_keys(const char* id, int& index, const char* const* keys, int count, float width) {
  ImGui::SetNextItemWidth(width);
  bool changed = false;
  if (ImGui::BeginCombo(id, tr(keys[index]))) {
    for (int i = 0; i < count; ++i) {
      if (ImGui::Selectable(tr(keys[i]), i == index)) {
        index = i;
        changed = true;
      }
    }
    ImGui::EndCombo();
  }
  return changed;
}

}  // namespace

void EntryForm::draw(UiContext& ctx, const ChronologyListModel& list) {
  const ImGuiIO& io = ImGui::GetIO();
  const float full = ImGui::GetContentRegionAvail().x;
  const float sp = ImGui::GetStyle().ItemSpacing.x;
  bool enter = false;

  // Row 1: category buttons (Ctrl+1 … Ctrl+8), priority, channel.
  // Buttons as wide as the longest label (English ones are long); priority and channel move to
  // their own line when the row would not hold them.
  float cat_w = 56.0f;
  for (auto c : k_user_categories)
    cat_w = std::max(cat_w, ImGui::CalcTextSize(category_label(c)).x + ImGui::GetStyle().FramePadding.x * 2);
  const float rest_w = ImGui::GetFrameHeight() + ImGui::CalcTextSize(tr("priority.urgent")).x +
                       ImGui::CalcTextSize(tr("gui.field.channel")).x + 120 + sp * 6;
  const bool one_row = cat_w * 8 + sp * 7 + rest_w <= full;
  for (std::size_t i = 0; i < k_user_categories.size(); ++i) {
    if (i > 0) ImGui::SameLine();
    const bool on = m_d.category == static_cast<int>(i);
    if (on) {
      ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
      ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 255, 255, 255));
    }
    if (ImGui::Button(category_label(k_user_categories[i]), ImVec2(cat_w, 0))) m_d.category = static_cast<int>(i);
    if (on) ImGui::PopStyleColor(2);
    if (ctx.tags.enabled()) {
      std::string t = "chron.cat.";
      t += to_string(k_user_categories[i]);
      tag(ctx, t.c_str());
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Ctrl+%d", static_cast<int>(i) + 1);
  }
  if (one_row) ImGui::SameLine(0, sp * 3);
  ImGui::Checkbox(tr("priority.urgent"), &m_d.urgent);
  tag(ctx, "chron.urgent");
  ImGui::SameLine();
  ImGui::TextUnformatted(tr("gui.field.channel"));
  ImGui::SameLine();
  combo_keys("##channel", m_d.channel, k_channel_keys.data(), static_cast<int>(k_channel_keys.size()),
             std::max(90.0f, std::min(ImGui::GetContentRegionAvail().x, ImGui::GetFontSize() * 14)));

  // Row 2: from → to, "same as previous line".
  const float label_w = ImGui::CalcTextSize(tr("gui.field.from")).x;
  const float same_w = ImGui::CalcTextSize(tr("gui.form.same_as_previous")).x + 2 * ImGui::GetStyle().FramePadding.x;
  const float field_w = (full - label_w * 2 - same_w - sp * 6 - ImGui::CalcTextSize("→").x) / 2;
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(tr("gui.field.from"));
  ImGui::SameLine();
  if (m_focus == Field::from) {
    ImGui::SetKeyboardFocusHere();
    m_focus = Field::none;
  }
  input_with_picklist(ctx, "chron.from", "from", tr("gui.hint.from"), m_d.from, list.recent_from(), field_w, &enter);
  ImGui::SameLine();
  ImGui::TextUnformatted("→");
  ImGui::SameLine();
  ImGui::TextUnformatted(tr("gui.field.to"));
  ImGui::SameLine();
  if (m_focus == Field::to) {
    ImGui::SetKeyboardFocusHere();
    m_focus = Field::none;
  }
  input_with_picklist(ctx, "chron.to", "to", tr("gui.hint.to"), m_d.to, list.recent_to(), field_w, &enter);
  ImGui::SameLine();
  bool same = false;
  {
    DisabledScope off(list.previous_from().empty());
    same = ImGui::Button(tr("gui.form.same_as_previous"));
    tag(ctx, "chron.same_as_previous");
  }

  // Row 3: content (Enter = new line inside the text; Ctrl+Enter records).
  if (m_focus == Field::content) {
    ImGui::SetKeyboardFocusHere();
    m_focus = Field::none;
  }
  ImGui::InputTextMultiline("##content", &m_d.content, ImVec2(full, ImGui::GetTextLineHeight() * 2.6f + 8));
  tag(ctx, "chron.content");
  if (m_d.content.empty()) {
    // A hint inside the empty box (1.86 has no hint for multi-line fields).
    const ImVec2 p = ImGui::GetItemRectMin();
    const ImVec2 pad = ImGui::GetStyle().FramePadding;
    ImGui::GetWindowDrawList()->AddText(ImVec2(p.x + pad.x, p.y + pad.y), ImGui::GetColorU32(ImGuiCol_TextDisabled),
                                        tr("gui.hint.content"));
  }
  ctx.fonts.want_text(m_d.content);  // pasted text does not pass the input queue

  // Row 4: action, assignee, status.
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(tr("gui.field.action"));
  ImGui::SameLine();
  ImGui::SetNextItemWidth(full * 0.42f);
  enter |= ImGui::InputText("##action", &m_d.action, ImGuiInputTextFlags_EnterReturnsTrue);
  tag(ctx, "chron.action");
  if (!m_d.action.empty() && m_d.status == static_cast<int>(chronology::ItemStatus::none))
    m_d.status = static_cast<int>(chronology::ItemStatus::open);  // an action is an open item until said otherwise
  ImGui::SameLine();
  ImGui::TextUnformatted(tr("gui.field.assignee"));
  ImGui::SameLine();
  input_with_picklist(ctx, "chron.assignee", "assignee", "", m_d.assignee, list.recent_assignees(), full * 0.22f,
                      &enter);
  ImGui::SameLine();
  ImGui::TextUnformatted(tr("gui.field.status"));
  ImGui::SameLine();
  combo_keys("##status", m_d.status, k_status_keys.data(), static_cast<int>(k_status_keys.size()),
             std::max(80.0f, ImGui::GetContentRegionAvail().x));

  // Row 5: event time, paper source, witness, commit.
  ImGui::Checkbox(tr("gui.field.event_time"), &m_d.has_event_time);
  tag(ctx, "chron.has_event_time");
  if (m_d.has_event_time) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(110);
    ImGui::InputTextWithHint("##event_time", "07:30", &m_d.event_time);
    tag(ctx, "chron.event_time");
    ImGui::SameLine();
    combo_keys("##precision", m_d.precision, k_precision_keys.data(), static_cast<int>(k_precision_keys.size()), 100);
    if (m_d.precision == static_cast<int>(chronology::Precision::range)) {
      ImGui::SameLine();
      ImGui::TextUnformatted("–");
      ImGui::SameLine();
      ImGui::SetNextItemWidth(90);
      ImGui::InputTextWithHint("##event_end", "08:10", &m_d.event_end);
    }
  }
  ImGui::SameLine(0, sp * 3);
  ImGui::Checkbox(tr("source.paper"), &m_d.from_paper);
  tag(ctx, "chron.from_paper");
  if (m_d.from_paper) {
    ImGui::SameLine();
    ImGui::TextUnformatted(tr("gui.field.sheet"));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(80);
    ImGui::InputInt("##sheet", &m_d.paper_sheet);
    ImGui::SameLine();
    ImGui::TextUnformatted(tr("gui.field.line"));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(80);
    ImGui::InputInt("##line", &m_d.paper_line);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("gui.hint.paper_time"));
  }
  ImGui::SameLine(0, sp * 3);
  ImGui::TextUnformatted(tr("gui.field.witness"));
  ImGui::SameLine();
  const char* blocker = ctx.model.append_blocker();
  const float commit_w = ImGui::CalcTextSize(tr("gui.form.commit")).x + 2 * ImGui::GetStyle().FramePadding.x;
  ImGui::SetNextItemWidth(std::max(80.0f, ImGui::GetContentRegionAvail().x - commit_w - sp));
  enter |= ImGui::InputText("##witness", &m_d.witness, ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::SameLine();
  bool pressed = false;
  {
    DisabledScope off(blocker != nullptr);
    pressed = ImGui::Button(tr("gui.form.commit"));
    tag(ctx, "chron.commit");
  }

  // Keyboard shortcuts (checked after the widgets so an active field has applied its text).
  const bool no_popup = !ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId);
  if (no_popup && io.KeyCtrl && !io.KeyAlt) {
    if (ImGui::IsKeyPressed(k_key_enter, false) || ImGui::IsKeyPressed(k_key_kp_enter, false)) pressed = true;
    if (ImGui::IsKeyPressed(key_letter('D'), false)) same = true;
    for (int i = 0; i < 8; ++i)
      if (ImGui::IsKeyPressed(k_key_0 + 1 + i, false)) m_d.category = i;
  }
  if (same && !list.previous_from().empty()) {
    // An active text field keeps its own buffer: release it so the new values show.
    ImGui::ClearActiveID();
    m_d.from = list.previous_from();
    m_d.to = list.previous_to();
    m_focus = Field::content;
  }
  if (enter && !pressed) {
    // Enter walks to the first required field still empty; when all are there it records.
    if (trimmed(m_d.from).empty())
      m_focus = Field::from;
    else if (trimmed(m_d.to).empty())
      m_focus = Field::to;
    else if (trimmed(m_d.content).empty())
      m_focus = Field::content;
    else
      pressed = true;
  }
  if (pressed && blocker == nullptr) commit(ctx);

  // Status line: what happened to the last commit, or why recording is not possible.
  if (m_not_saved) {
    banner(k_col_error_bg, k_col_error, (std::string(tr("gui.form.not_saved")) + " — " + m_problem).c_str());
    tag(ctx, "chron.not_saved");
  } else if (!m_problem.empty()) {
    banner(k_col_banner_bg, k_col_warn, m_problem.c_str());
  } else if (blocker) {
    banner(k_col_banner_bg, k_col_warn, tr(blocker));
  } else if (!m_saved_text.empty()) {
    text_colored(k_col_ok, m_saved_text.c_str());
  } else {
    ImGui::TextDisabled("%s", tr("gui.form.keys_hint"));
  }
  if (!ctx.ime_configured) text_colored(k_col_muted, tr("gui.hint.no_ime"));
}

bool EntryForm::make_entry(UiContext& ctx, Entry& d) {
  d.type = chronology::EntryType::normal;
  d.category = k_user_categories[static_cast<std::size_t>(m_d.category)];
  d.from = trimmed(m_d.from);
  d.to = split_list(m_d.to);
  d.content = trimmed(m_d.content);
  d.action = trimmed(m_d.action);
  d.assignee = trimmed(m_d.assignee);
  d.status = static_cast<chronology::ItemStatus>(m_d.status);
  d.priority = m_d.urgent ? "urgent" : "";
  d.channel = k_channel_values[static_cast<std::size_t>(m_d.channel)];
  d.witness = trimmed(m_d.witness);
  if (m_d.has_event_time) {
    const std::int64_t now = ctx.model.display_now_ns();
    auto t = parse_jst_input(m_d.event_time, now, DayChoice::not_future);
    if (!t) {
      m_problem = tr("gui.form.bad_event_time");
      return false;
    }
    chronology::EventTime et;
    et.utc_ns = *t;
    et.precision = static_cast<chronology::Precision>(m_d.precision);
    if (et.precision == chronology::Precision::range) {
      auto end = parse_jst_input(m_d.event_end, now, DayChoice::not_future);
      if (!end) {
        m_problem = tr("gui.form.bad_event_time");
        return false;
      }
      if (*end < *t) *end += 86400 * k_ns_per_s;  // "23:40–00:20" crosses midnight
      et.end_utc_ns = *end;
    }
    // A time later than now is most likely a mistyped day or year (issue 11): the first press
    // says so and records nothing; pressing again with the same time records it.
    const std::int64_t latest = et.end_utc_ns.value_or(et.utc_ns);
    const std::string key = m_d.event_time + "|" + m_d.event_end;
    if (latest > now + 5LL * 60 * k_ns_per_s && m_future_confirmed != key) {
      m_future_confirmed = key;
      m_problem = i18n::fill(tr("gui.form.future_event"), {{"time", format_jst_display(latest)}});
      return false;
    }
    d.event_time = et;
  }
  if (m_d.from_paper) {
    d.source = chronology::SourceKind::paper;
    d.paper_sheet = m_d.paper_sheet;
    d.paper_line = m_d.paper_line;
    d.transcriber = ctx.model.session_operator().name;
  }
  return true;
}

bool EntryForm::commit(UiContext& ctx) {
  m_problem.clear();
  m_not_saved = false;
  Entry d;
  if (!make_entry(ctx, d)) return false;
  auto r = ctx.model.append(std::move(d));
  if (!r) {
    // The draft stays exactly as typed.
    m_not_saved = r.error().code != ErrorCode::invalid_input;
    m_problem = r.error().describe(i18n::japanese());
    return false;
  }
  m_saved_text = tr("gui.form.saved");
  m_saved_text.replace(m_saved_text.find("{0}"), 3, std::to_string(r->seq));
  clear_after_commit();
  return true;
}

void EntryForm::clear_after_commit() {
  ImGui::ClearActiveID();
  m_future_confirmed.clear();
  const EntryDraft keep = m_d;
  m_d = EntryDraft{};
  m_d.category = keep.category;
  m_d.channel = keep.channel;
  // Transcribing a paper sheet goes line by line.
  m_d.from_paper = keep.from_paper;
  m_d.paper_sheet = keep.paper_sheet;
  m_d.paper_line = keep.from_paper ? keep.paper_line + 1 : 1;
  m_focus = Field::from;
}

}  // namespace shodo::gui
