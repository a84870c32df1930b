// The report's sections for saturation searches (kv-load --slo ... --json, schema
// kv-load-search/1): per search, the latency–throughput curve of its steps — x the achieved rate,
// y the corrected p50, p99 and p99.9 (and the uncorrected p99) on a log scale — with the
// objectives as horizontal lines and the answer as a vertical one. Several documents: first, per
// test, every document's corrected p99 curve on one chart.
#pragma once

#include <vector>

#include "base/result.h"
#include "tools/compare/html/page.h"
#include "tools/compare/html/section_util.h"

namespace kv::compare::html {

// Adds the sections of search documents. Error: a document that is not a valid search (the
// reader's message: search.h), naming the file.
Status AddSearchSections(const std::vector<JsonInput>& inputs, Page& page);

}  // namespace kv::compare::html
