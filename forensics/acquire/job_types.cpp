#include "forensics/acquire/job_types.hpp"

#include "forensics/acquire/acquisition.hpp"
#include "forensics/i18n/catalogue.hpp"

namespace shodo::acquire {

JobType acquisition_job_type() {
  JobType t;
  t.name = "acquisition";
  t.phase_name = [](int p) { return phase_name(phase_of(p)); };
  t.phase_key = [](int p) { return phase_key(phase_of(p)); };
  t.crashed_ja = i18n::tr("acquire.job.crashed", i18n::Lang::ja);
  t.crashed_en = i18n::tr("acquire.job.crashed", i18n::Lang::en);
  return t;
}

JobType image_verify_job_type() {
  JobType t;
  t.name = "image_verification";
  t.phase_name = [](int) { return phase_name(Phase::verifying_image); };
  t.phase_key = [](int) { return phase_key(Phase::verifying_image); };
  t.crashed_ja = i18n::tr("acquire.job.crashed", i18n::Lang::ja);
  t.crashed_en = i18n::tr("acquire.job.crashed", i18n::Lang::en);
  return t;
}

}  // namespace shodo::acquire
