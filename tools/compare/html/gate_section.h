// The report's sections for gate results: the JSON that `kv-compare --format json gate ...`
// prints (schema "kv-compare-gate"). Per result: the decision first, then every gated row as
// current ÷ baseline with its interval against its threshold, the failing rows first, the
// numbers behind it, the rows reported but not gated, and the absolute targets.
#pragma once

#include <string_view>
#include <vector>

#include "base/result.h"
#include "tools/compare/html/page.h"
#include "tools/compare/html/section_util.h"

namespace kv::compare::html {

// The schema name of kv-compare's gate JSON.
inline constexpr std::string_view kGateSchema = "kv-compare-gate";

// Checks the shape of every input (schema, version 1, rows with their fields) and adds the
// sections. Error: a malformed gate JSON, naming the file and the field.
Status AddGateSections(const std::vector<JsonInput>& inputs, Page& page);

}  // namespace kv::compare::html
