#include "app/gui/entry_dialogs.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>

#include "app/gui/app_model.hpp"
#include "app/gui/chronology_list.hpp"
#include "app/gui/labels.hpp"
#include "app/gui/keys.hpp"
#include "app/gui/widgets.hpp"

namespace shodo::gui {

using chronology::Entry;
using chronology::EntryType;
using chronology::ItemStatus;
using i18n::tr;

namespace {

const char* title_key(DialogKind k) {
  switch (k) {
    case DialogKind::correction: return "gui.dialog.correction";
    case DialogKind::void_entry: return "gui.dialog.void";
    case DialogKind::addendum: return "gui.dialog.addendum";
    case DialogKind::status_change: return "gui.dialog.status_change";
    case DialogKind::none: break;
  }
  return "gui.dialog.correction";
}

bool labelled_input(const char* label, const char* id, std::string& value, float width) {
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(label);
  ImGui::SameLine(ImGui::GetFontSize() * 6.5f);
  ImGui::SetNextItemWidth(width);
  return ImGui::InputText(id, &value);
}

}  // namespace

void EntryDialogs::open(DialogKind kind, const Entry& base, const chronology::EntryState* state) {
  const Entry& cur = state && state->current ? *state->current : base;
  m_kind = kind;
  m_request_open = true;
  m_target_id = base.entry_id;
  m_target_seq = base.seq;
  m_original = "No. " + std::to_string(base.seq) + "  " + cur.from + " → " + join_list(cur.to) + ": " + cur.content;
  m_category = 0;
  for (std::size_t i = 0; i < k_user_categories.size(); ++i)
    if (k_user_categories[i] == cur.category) m_category = static_cast<int>(i);
  m_from = cur.from;
  m_to = join_list(cur.to);
  m_content = kind == DialogKind::correction ? cur.content : std::string();
  m_action = cur.action;
  m_assignee = cur.assignee;
  m_status = static_cast<int>(state ? state->current_status : cur.status);
  if (kind == DialogKind::status_change && m_status == static_cast<int>(ItemStatus::open))
    m_status = static_cast<int>(ItemStatus::in_progress);  // the usual next step
  m_reason.clear();
  m_error.clear();
  m_not_saved = false;
}

bool EntryDialogs::submit(UiContext& ctx) {
  Entry d;
  d.target_entry_id = m_target_id;
  switch (m_kind) {
    case DialogKind::correction:
      d.type = EntryType::correction;
      d.category = k_user_categories[static_cast<std::size_t>(m_category)];
      d.from = m_from;
      d.to = split_list(m_to);
      d.content = m_content;
      d.action = m_action;
      d.assignee = m_assignee;
      d.status = static_cast<ItemStatus>(m_status);
      if (!d.action.empty() && d.status == ItemStatus::none) d.status = ItemStatus::open;
      d.reason = m_reason;
      break;
    case DialogKind::void_entry:
      d.type = EntryType::void_entry;
      d.reason = m_reason;
      break;
    case DialogKind::addendum:
      d.type = EntryType::addendum;
      d.content = m_content;
      break;
    case DialogKind::status_change:
      d.type = EntryType::status_change;
      d.status = static_cast<ItemStatus>(m_status);
      d.content = m_content;
      break;
    case DialogKind::none:
      return false;
  }
  auto r = ctx.model.append(std::move(d));
  if (!r) {
    m_not_saved = r.error().code != ErrorCode::invalid_input;
    m_error = r.error().describe(i18n::japanese());
    return false;
  }
  return true;
}

void EntryDialogs::draw(UiContext& ctx) {
  if (m_kind == DialogKind::none) return;
  const std::string title = std::string(tr(title_key(m_kind))) + "###entry_dialog";
  if (m_request_open) {
    ImGui::OpenPopup(title.c_str());
    m_request_open = false;
  }
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  ImGui::SetNextWindowSize(ImVec2(std::min(760.0f, display.x - 40), 0), ImGuiCond_Appearing);
  ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, display.y * 0.4f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  bool open = true;
  if (!ImGui::BeginPopupModal(title.c_str(), &open)) {
    if (!open) m_kind = DialogKind::none;
    return;
  }
  const float w = ImGui::GetContentRegionAvail().x - ImGui::GetFontSize() * 6.5f;
  ImGui::TextDisabled("%s", tr("gui.dialog.target"));
  text_wrapped(m_original.c_str());
  ImGui::Separator();

  bool needs_reason = false;
  bool needs_content = false;
  // Focus lands in the first field the dialog asks for (issue 11, keyboard alone).
  const bool appearing = ImGui::IsWindowAppearing();
  switch (m_kind) {
    case DialogKind::correction: {
      needs_reason = needs_content = true;
      ImGui::AlignTextToFramePadding();
      ImGui::TextUnformatted(tr("gui.col.category"));
      ImGui::SameLine(ImGui::GetFontSize() * 6.5f);
      for (std::size_t i = 0; i < k_user_categories.size(); ++i) {
        if (i > 0) ImGui::SameLine();
        ImGui::RadioButton(category_label(k_user_categories[i]), &m_category, static_cast<int>(i));
      }
      labelled_input(tr("gui.field.from"), "##from", m_from, w);
      labelled_input(tr("gui.field.to"), "##to", m_to, w);
      ImGui::TextUnformatted(tr("gui.col.content"));
      if (appearing) ImGui::SetKeyboardFocusHere();  // the content is what is usually corrected
      ImGui::InputTextMultiline("##content", &m_content, ImVec2(-1, ImGui::GetTextLineHeight() * 3.5f));
      tag(ctx, "dlg.content");
      labelled_input(tr("gui.field.action"), "##action", m_action, w);
      labelled_input(tr("gui.field.assignee"), "##assignee", m_assignee, w);
      break;
    }
    case DialogKind::void_entry:
      needs_reason = true;
      banner(k_col_banner_bg, k_col_warn, tr("gui.dialog.void_explain"));
      break;
    case DialogKind::addendum:
      needs_content = true;
      ImGui::TextUnformatted(tr("gui.dialog.addendum_text"));
      if (appearing) ImGui::SetKeyboardFocusHere();
      ImGui::InputTextMultiline("##content", &m_content, ImVec2(-1, ImGui::GetTextLineHeight() * 3.5f));
      tag(ctx, "dlg.content");
      break;
    case DialogKind::status_change:
      for (int s = 1; s < static_cast<int>(k_status_keys.size()); ++s) {
        if (s > 1) ImGui::SameLine();
        ImGui::RadioButton(tr(k_status_keys[static_cast<std::size_t>(s)]), &m_status, s);
        tag_n(ctx, "dlg.status.", s);
      }
      // The status is chosen with ←/→ on the focused radio row; the note is the only text field.
      if (appearing) ImGui::SetKeyboardFocusHere();
      labelled_input(tr("gui.dialog.note"), "##note", m_content, w);
      break;
    case DialogKind::none:
      break;
  }
  if (needs_reason) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(tr("gui.dialog.reason"));
    ImGui::SameLine(ImGui::GetFontSize() * 6.5f);
    ImGui::SetNextItemWidth(w);
    if (appearing && m_kind == DialogKind::void_entry) ImGui::SetKeyboardFocusHere();
    ImGui::InputTextWithHint("##reason", tr("gui.dialog.reason_hint"), &m_reason);
    tag(ctx, "dlg.reason");
  }
  if (!m_error.empty()) {
    const std::string text = m_not_saved ? std::string(tr("gui.form.not_saved")) + " — " + m_error : m_error;
    banner(m_not_saved ? k_col_error_bg : k_col_banner_bg, m_not_saved ? k_col_error : k_col_warn, text.c_str());
  }
  ImGui::Separator();
  const bool ready = (!needs_reason || !m_reason.empty()) && (!needs_content || !m_content.empty()) &&
                     (m_kind != DialogKind::status_change || m_status != 0);
  {
    DisabledScope off(!ready || ctx.model.append_blocker() != nullptr);
    // Ctrl+Enter records, as in the entry form (Enter alone is a new line in the text fields).
    const ImGuiIO& io = ImGui::GetIO();
    const bool ctrl_enter = !appearing && io.KeyCtrl &&
                            (ImGui::IsKeyPressed(k_key_enter, false) || ImGui::IsKeyPressed(k_key_kp_enter, false));
    if (ImGui::Button(tr("gui.dialog.record"), ImVec2(ImGui::GetFontSize() * 10, 0)) ||
        (ctrl_enter && ready && ctx.model.append_blocker() == nullptr)) {
      if (submit(ctx)) {
        m_kind = DialogKind::none;
        ImGui::CloseCurrentPopup();
      }
    }
    tag(ctx, "dlg.ok");
  }
  ImGui::SameLine();
  if (ImGui::Button(tr("gui.dialog.cancel")) || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) {
    m_kind = DialogKind::none;
    ImGui::CloseCurrentPopup();
  }
  tag(ctx, "dlg.cancel");
  if (!ready) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", tr(needs_reason && m_reason.empty() ? "gui.dialog.reason_required" : "gui.dialog.fill_in"));
  }
  ImGui::EndPopup();
}

}  // namespace shodo::gui
