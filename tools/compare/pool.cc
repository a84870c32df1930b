// PoolResults / LoadPooled: several files' repetitions as one sample.
#include "tools/compare/pool.h"

#include <algorithm>
#include <utility>

#include "tools/compare/compare.h"

namespace kv::compare {

Result<ResultSet> PoolResults(std::vector<ResultSet> sets) {
  if (sets.empty()) return Error{"no results to pool"};
  if (sets.size() == 1) return std::move(sets.front());
  ResultSet out;
  out.format = sets.front().format;
  out.context = sets.front().context;
  out.pair = sets.front().pair;
  int offset = 0;
  for (ResultSet& set : sets) {
    if (&set != &sets.front()) {
      if (Status s = CheckComparable(sets.front(), set); !s) {
        return Error{"cannot pool " + set.source + " with " + sets.front().source + ": " +
                     s.error()};
      }
    }
    out.source += (out.source.empty() ? "" : "+") + set.source;
    int largest = -1;
    for (Series& s : set.series) {
      auto it = std::find_if(out.series.begin(), out.series.end(),
                             [&](const Series& o) { return o.name == s.name; });
      if (it == out.series.end()) {
        Series added;
        added.name = s.name;
        out.series.push_back(std::move(added));
        it = std::prev(out.series.end());
      }
      it->from_aggregates = it->from_aggregates || s.from_aggregates;
      for (Repetition& r : s.repetitions) {
        largest = std::max(largest, r.index);
        r.index += offset;
        it->repetitions.push_back(std::move(r));
      }
      it->errors.insert(it->errors.end(), s.errors.begin(), s.errors.end());
    }
    offset += largest + 1;
  }
  return out;
}

Result<ResultSet> LoadPooled(const std::string& paths) {
  std::vector<ResultSet> sets;
  size_t start = 0;
  while (true) {
    const size_t comma = paths.find(',', start);
    const std::string path =
        paths.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (path.empty()) return Error{"empty file name in '" + paths + "'"};
    auto set = LoadResults(path);
    if (!set) return Error{set.error()};
    sets.push_back(std::move(*set));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return PoolResults(std::move(sets));
}

}  // namespace kv::compare
