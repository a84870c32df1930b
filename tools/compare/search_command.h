// `kv-compare search [--format F] [--max-drop P] A.json[,A2.json...] B.json[,B2.json...]`:
// compares the saturation searches of side A with side B (search_compare.h) and renders the
// result as a text table, markdown or JSON (schema "kv-compare-search").
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "tools/compare/cli.h"
#include "tools/compare/report.h"
#include "tools/compare/search_compare.h"

namespace kv::compare {

// Text/markdown: the sides' files, how the interval was made, a row per test (each side's rate,
// its spread, A ÷ B with its interval and bound, the verdict; with --max-drop, PASS / FAIL /
// undecided), then the notes and warnings. JSON: the same as fields.
std::string RenderSearchComparison(const SearchComparison& report, const RenderOptions& options);

// args[0] is "search". Exit 0 compared (and, with --max-drop, no row regressed); 1 --max-drop: a
// row's upper end is below 1 − drop; 2 bad usage, an unreadable or invalid file, searches that are
// not comparable, or --max-drop with a row that has no interval.
int RunSearchCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                     const CliEnv& env);

}  // namespace kv::compare
