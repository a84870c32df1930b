// Pooling several result files into one sample: a baseline recorded over several runs, or the
// gate's second look (more repetitions of the commands the first could not decide).
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "tools/compare/result_set.h"

namespace kv::compare {

// One ResultSet holding every repetition of `sets`, series matched by name. Repetition indices are
// renumbered per file (file k's indices follow file k-1's largest), so kv and redis stay paired
// within the file that measured them together. The context is the first file's; every file must
// be comparable with it (CheckComparable). Failed runs' errors are kept. One set: returned as is.
Result<ResultSet> PoolResults(std::vector<ResultSet> sets);

// Loads "a.json" or "a.json,b.json,..." (paths joined by commas) and pools them.
Result<ResultSet> LoadPooled(const std::string& paths);

}  // namespace kv::compare
