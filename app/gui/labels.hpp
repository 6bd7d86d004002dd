// Catalogue keys for the chronology enums, indexed by enum value, so screens can translate
// labels without building key strings every frame.
#pragma once
#include <array>
#include <string_view>

#include "forensics/chronology/entry.hpp"
#include "forensics/chronology/operator.hpp"
#include "forensics/i18n/catalogue.hpp"

namespace shodo::gui {

// The categories a person may choose (system is the app's own).
inline constexpr std::array<chronology::Category, 8> k_user_categories = {
    chronology::Category::report,   chronology::Category::instruction, chronology::Category::request,
    chronology::Category::decision, chronology::Category::notice,      chronology::Category::information,
    chronology::Category::action,   chronology::Category::assessment};

inline constexpr std::array<const char*, 9> k_category_keys = {
    "category.report", "category.instruction", "category.request",    "category.decision", "category.notice",
    "category.information", "category.action", "category.assessment", "category.system"};

inline constexpr std::array<const char*, 5> k_status_keys = {"gui.status.none", "status.open", "status.in_progress",
                                                             "status.done", "status.not_needed"};

inline constexpr std::array<const char*, 7> k_entry_type_keys = {
    "entry_type.normal",        "entry_type.correction", "entry_type.void",      "entry_type.addendum",
    "entry_type.status_change", "entry_type.time_check", "entry_type.checkpoint"};

inline constexpr std::array<const char*, 4> k_quality_keys = {
    "time_quality.ref-confirmed", "time_quality.ref-interpolated", "time_quality.uncorrected",
    "time_quality.estimated"};

// A one-character mark printed after each time (legend on the chronology screen).
inline constexpr std::array<const char*, 4> k_quality_marks = {"✓", "≈", "*", "~"};

inline constexpr std::array<const char*, 4> k_precision_keys = {"precision.exact", "precision.minute",
                                                                "precision.approx", "precision.range"};

// Channel JSON values and their label keys; index 0 = not given.
inline constexpr std::array<const char*, 8> k_channel_values = {"",      "in_person", "phone", "fax",
                                                                "radio", "email",     "paper", "other"};
inline constexpr std::array<const char*, 8> k_channel_keys = {"gui.channel.none", "channel.in_person",
                                                              "channel.phone",    "channel.fax",
                                                              "channel.radio",    "channel.email",
                                                              "channel.paper",    "channel.other"};

// Role codes of REQUIREMENTS §2.3, in table order; labels are "role.<code>".
using chronology::k_role_codes;  // forensics/chronology/operator.hpp
inline constexpr std::array<const char*, 11> k_role_keys = {"role.MGT", "role.ISM", "role.CSIRT", "role.SCR",
                                                            "role.IT",  "role.VEN", "role.STF",   "role.CLN",
                                                            "role.PR",  "role.LEG", "role.EXT"};

inline const char* category_label(chronology::Category c) {
  return i18n::tr(k_category_keys[static_cast<std::size_t>(c)]);
}
inline const char* status_label(chronology::ItemStatus s) {
  return s == chronology::ItemStatus::none ? "" : i18n::tr(k_status_keys[static_cast<std::size_t>(s)]);
}
inline const char* entry_type_label(chronology::EntryType t) {
  return i18n::tr(k_entry_type_keys[static_cast<std::size_t>(t)]);
}
inline const char* quality_label(chronology::TimeQuality q) {
  return i18n::tr(k_quality_keys[static_cast<std::size_t>(q)]);
}
inline const char* quality_mark(chronology::TimeQuality q) { return k_quality_marks[static_cast<std::size_t>(q)]; }
inline const char* precision_label(chronology::Precision p) {
  return i18n::tr(k_precision_keys[static_cast<std::size_t>(p)]);
}
// Label of a channel JSON value ("" when not given).
inline const char* channel_label(std::string_view value) {
  for (std::size_t i = 1; i < k_channel_values.size(); ++i)
    if (value == k_channel_values[i]) return i18n::tr(k_channel_keys[i]);
  return "";
}

}  // namespace shodo::gui
