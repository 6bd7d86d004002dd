// The job types of acquisition work on the core job runner (forensics/core/job_runner.hpp): the
// names of acquire::Phase for records and the catalogue, and the crash message, shared by the GUI
// and the CLI so that both name a phase the same way.
#pragma once
#include "forensics/core/job_runner.hpp"

namespace shodo::acquire {

// An acquisition (run_acquisition / resume_acquisition): phases are acquire::Phase.
JobType acquisition_job_type();
// An image verification (verify_image): one phase, the image re-read.
JobType image_verify_job_type();

}  // namespace shodo::acquire
