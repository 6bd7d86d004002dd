#include "app/gui/screen_settings.hpp"

#include <cstdio>
#include <cstdlib>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "app/gui/app_model.hpp"
#include "app/gui/fonts.hpp"
#include "app/gui/widgets.hpp"
#include "forensics/acquire/devices.hpp"
#include "forensics/i18n/catalogue.hpp"

namespace shodo::gui {

using i18n::tr;

namespace {

void row(const char* label, const char* value) {
  ImGui::TableNextRow();
  ImGui::TableSetColumnIndex(0);
  ImGui::TextUnformatted(label);
  ImGui::TableSetColumnIndex(1);
  ImGui::TextWrapped("%s", value);
}

}  // namespace

void SettingsScreen::draw(UiContext& ctx) {
  if (!m_mirror_loaded) {
    if (ctx.model.mirror_root()) m_mirror = ctx.model.mirror_root()->string();
    m_mirror_loaded = true;
  }
  ImGui::TextUnformatted(tr("gui.settings.language"));
  ImGui::SameLine(ImGui::GetFontSize() * 10);
  int lang = i18n::japanese() ? 0 : 1;
  if (ImGui::RadioButton(tr("gui.lang.ja"), &lang, 0)) i18n::set_lang(i18n::Lang::ja);
  if (ctx.screen_entered) focus_last_item();  // the first field (issue 11); arrows and Space move on
  tag(ctx, "settings.lang.ja");
  ImGui::SameLine();
  if (ImGui::RadioButton(tr("gui.lang.en"), &lang, 1)) i18n::set_lang(i18n::Lang::en);
  tag(ctx, "settings.lang.en");
  ImGui::Separator();

  if (ImGui::BeginTable("settings", 2, ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_BordersInnerH)) {
    ImGui::TableSetupColumn("k", ImGuiTableColumnFlags_None, 1.0f);
    ImGui::TableSetupColumn("v", ImGuiTableColumnFlags_None, 3.0f);
    row(tr("gui.kit.id"), ctx.model.kit_id().c_str());
    row(tr("gui.kit.fingerprint"), ctx.model.key_fingerprint().c_str());
    row(tr("gui.kit.case_root"), ctx.model.case_root().string().c_str());
    if (const Workspace* ws = ctx.model.workspace()) {
      row(tr("gui.settings.chronology_file"), ws->log().file().string().c_str());
      row(tr("gui.kit.mirror"), ws->log().mirrored() ? ws->log().options().mirror->string().c_str()
                                                      : tr("gui.status.single_copy"));
    }
    const FontLibrary& f = ctx.fonts;
    char font[512];
    std::snprintf(font, sizeof font, "%s (#%d) — %zu %s, %s %dx%d, %.0f ms",
                  f.file().path.empty() ? tr("gui.settings.no_font") : f.file().path.c_str(), f.file().index,
                  f.glyph_count(), tr("gui.settings.glyphs"), tr("gui.settings.atlas"), f.texture_width(),
                  f.texture_height(), f.last_build_ms());
    row(tr("gui.settings.font"), font);
    const char* xmod = std::getenv("XMODIFIERS");
    row(tr("gui.settings.input_method"), ctx.ime_configured ? (xmod ? xmod : "") : tr("gui.hint.no_ime"));
    ImGui::EndTable();
  }
  ImGui::Separator();
  ImGui::TextUnformatted(tr("gui.settings.mirror_title"));
  ImGui::TextDisabled("%s", tr("gui.settings.mirror_help"));
  if (!m_media_loaded) refresh_media(ctx);
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.6f);
  const char* preview = tr("gui.settings.mirror_choose");
  for (const auto& [label, path] : m_media)
    if (path == m_mirror) preview = label.c_str();
  if (ImGui::BeginCombo("##media", preview)) {
    for (const auto& [label, path] : m_media)
      if (ImGui::Selectable(label.c_str(), path == m_mirror)) m_mirror = path;
    if (m_media.empty()) ImGui::TextDisabled("%s", tr("gui.settings.mirror_none"));
    ImGui::EndCombo();
  }
  tag(ctx, "settings.media");
  ImGui::SameLine();
  if (ImGui::Button(tr("gui.ev.dev.refresh"))) refresh_media(ctx);
  tag(ctx, "settings.media.refresh");
  if (!m_media_error.empty()) text_colored(k_col_error, m_media_error.c_str());
  // Another place (a folder on a medium mounted elsewhere) can still be typed.
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.6f);
  ImGui::InputTextWithHint("##mirror", tr("gui.settings.mirror_other"), &m_mirror);
  tag(ctx, "settings.mirror");
  ImGui::SameLine();
  if (ImGui::Button(tr("gui.settings.mirror_apply")))
    ctx.model.set_mirror_root(m_mirror.empty() ? std::nullopt : std::optional<std::filesystem::path>(m_mirror));
  tag(ctx, "settings.mirror.apply");
  draw_kit_check(ctx);
}

void SettingsScreen::refresh_media(UiContext& ctx) {
  m_media_loaded = true;
  m_media.clear();
  m_media_error.clear();
  auto devices = acquire::list_block_devices(ctx.model.device_list_options());
  if (!devices) {
    m_media_error = devices.error().describe(i18n::japanese());
    return;
  }
  auto add = [&](const std::string& what, const acquire::MountUse& m) {
    // Writable, not the system itself; the disk holding the case root is never a second copy.
    if (!m.read_write || m.mount_point == "/" || m.mount_point.rfind("/boot", 0) == 0) return;
    const std::string label = what + " — " + m.mount_point;
    ctx.fonts.want_text(label);
    m_media.emplace_back(label, m.mount_point);
  };
  for (const auto& d : *devices) {
    if (d.holds_case_root || d.is_kit_boot_medium) continue;
    const std::string name = d.model.empty() ? d.path : d.model + " (" + d.path + ")";
    for (const auto& m : d.mounts) {
      std::string what = name;
      for (const auto& p : d.partitions)
        if (!p.fs_label.empty())
          for (const auto& pm : p.mounts)
            if (pm.mount_point == m.mount_point) what = p.fs_label + " · " + name;
      if (!d.fs_label.empty()) what = d.fs_label + " · " + name;
      add(what, m);
    }
  }
}

// Kit self-check (P0-04), read-only: the system hash to compare with the published value, and
// whether the running system matches the build's manifest. The full medium hash is computed at
// boot by shodo-selfcheck.service; this screen reads its saved result.
void SettingsScreen::draw_kit_check(UiContext& ctx) {
  ImGui::Separator();
  ImGui::TextUnformatted(tr("kit.gui.title"));
  if (!m_kit) m_kit = kit::run_self_check(kit::KitPaths{}, false);
  const auto& r = *m_kit;
  if (!r) {
    ImGui::TextDisabled("%s", r.error().code == ErrorCode::not_found ? tr("kit.gui.not_kit")
                                                                       : r.error().describe(i18n::japanese()).c_str());
  } else if (ImGui::BeginTable("kit", 2, ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_BordersInnerH)) {
    const kit::SelfCheck& c = r.value();
    ImGui::TableSetupColumn("k", ImGuiTableColumnFlags_None, 1.0f);
    ImGui::TableSetupColumn("v", ImGuiTableColumnFlags_None, 3.0f);
    row(tr("kit.image"), (c.manifest.image_name + "  (" + tr("kit.built") + " " + c.manifest.built_utc + ")").c_str());
    row(tr("kit.system_hash"), c.medium.system_sha256.empty() ? tr("kit.medium.unavailable") : c.medium.system_sha256.c_str());
    const char* medium = c.medium.state == kit::MediumState::ok         ? tr("kit.medium.ok")
                         : c.medium.state == kit::MediumState::mismatch  ? tr("kit.medium.mismatch")
                         : c.medium.state == kit::MediumState::not_checked ? tr("kit.medium.not_checked")
                                                                           : tr("kit.medium.unavailable");
    row(tr("kit.medium"), medium);
    row(tr("kit.packages"), (std::to_string(c.manifest.packages.size()) + " / " + std::to_string(c.packages_installed) +
                             " — " + (c.package_diffs.empty() ? tr("kit.packages.match") : tr("kit.packages.differ")))
                                .c_str());
    row(tr("kit.binary"), c.binary_ok ? tr("kit.binary.match") : tr("kit.binary.differ"));
    row(tr("kit.result"), c.ok() ? tr("kit.result.ok") : tr("kit.result.mismatch"));
    ImGui::EndTable();
  }
  tag(ctx, "settings.kit");
  if (ImGui::Button(tr("kit.gui.recheck"))) m_kit.reset();
  tag(ctx, "settings.kit.recheck");
}

}  // namespace shodo::gui
