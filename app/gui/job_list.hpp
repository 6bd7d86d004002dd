// The Evidence screen's Jobs tab: every acquisition of this session with its explicit state
// (acquire_job.hpp JobState), live progress for the running one (bytes, current and average
// rate, ETA, unreadable sectors, bottleneck) with pause / resume / cancel, and how each ended;
// below it, the acquisitions recorded in the evidence register (also those of earlier sessions),
// read from the register as last loaded — never from the worker.
#pragma once
#include <string>
#include <vector>

#include "app/gui/acquire_wizard.hpp"
#include "app/gui/ui_context.hpp"
#include "forensics/evidence/evidence.hpp"

namespace shodo::gui {

// What the operator asked for in the list this frame.
struct JobListAction {
  bool show_wizard = false;  // "show" on the latest job: switch to the Acquire tab
};

// Draws the list. `items`: the register as last loaded (stale while a job runs; `register_stale`
// says so). Pause / resume / cancel act on the wizard's job (cancel asks first).
JobListAction draw_job_list(UiContext& ctx, AcquireWizard& wizard, const std::vector<evidence::EvidenceItem>& items,
                            bool register_stale);

// The label key of a recorded acquisition outcome ("completed", "completed_with_errors",
// "aborted", "failed", "in_progress").
const char* recorded_outcome_key(const std::string& outcome);
// An item's verification events at a glance: none yet, all matched, or at least one mismatch
// (a mismatch is never hidden by a later match).
bool item_verification_ok(const evidence::EvidenceItem& it);
const char* item_verification_key(const evidence::EvidenceItem& it);  // "gui.ev.verify.none|match|mismatch"

}  // namespace shodo::gui
