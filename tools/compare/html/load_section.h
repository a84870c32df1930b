// The report's sections for kv-load runs (kv-load JSON, schema kv-load/1): per test, the
// corrected and uncorrected latency spectra together (from the full histograms in the file), and
// throughput and latency per second over the run. Several runs: their spectra and throughput per
// test side by side first.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/result.h"
#include "tools/compare/html/page.h"

namespace kv::compare::html {

struct LoadInput {
  std::string source;  // the file, for messages
  nlohmann::json doc;  // the parsed kv-load JSON (already accepted by ParseResults)
};

// Adds the sections. Error: a test whose histogram or per-second series is malformed, naming the
// file and the test.
Status AddLoadSections(const std::vector<LoadInput>& inputs, Page& page);

}  // namespace kv::compare::html
