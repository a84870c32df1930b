// The report's sections for kv-load runs (kv-load JSON, schemas kv-load/1 and /2): per test, the
// corrected and uncorrected latency spectra together (from the full histograms in the file), and
// throughput and latency per second over the run. Several runs: their spectra and throughput per
// test side by side first.
#pragma once

#include <vector>

#include "base/result.h"
#include "tools/compare/html/page.h"
#include "tools/compare/html/section_util.h"

namespace kv::compare::html {

// Adds the sections of kv-load documents (already accepted by ParseResults). Error: a test whose
// histogram or per-second series is malformed, naming the file and the test.
Status AddLoadSections(const std::vector<JsonInput>& inputs, Page& page);

}  // namespace kv::compare::html
