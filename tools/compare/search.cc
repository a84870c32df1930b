// Reading saturation-search documents (see search.h).
#include "tools/compare/search.h"

#include <cmath>

#include "tools/compare/json_text.h"
#include "tools/compare/report.h"
#include "tools/compare/result_set.h"
#include "tools/load/json_report.h"

namespace kv::compare {
namespace {

using nlohmann::json;

const json* Field(const json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

Result<double> FiniteNumber(const json& object, const char* key, const std::string& where) {
  const json* v = Field(object, key);
  if (v == nullptr) return Error{where + ": no \"" + key + "\""};
  if (!v->is_number()) return Error{where + ": \"" + key + "\" is not a number"};
  const double d = v->get<double>();
  if (!std::isfinite(d)) return Error{where + ": \"" + key + "\" is not a finite number"};
  return d;
}

Result<double> PositiveNumber(const json& object, const char* key, const std::string& where) {
  Result<double> d = FiniteNumber(object, key, where);
  if (!d.ok()) return d;
  if (!(*d > 0)) return Error{where + ": \"" + key + "\" is not positive"};
  return d;
}

// A positive number, or null (nullopt).
Result<std::optional<double>> OptionalRate(const json& object, const char* key,
                                           const std::string& where) {
  const json* v = Field(object, key);
  if (v == nullptr) return Error{where + ": no \"" + key + "\" (a number, or null)"};
  if (v->is_null()) return std::optional<double>();
  Result<double> d = PositiveNumber(object, key, where);
  if (!d.ok()) return Error{d.error()};
  return std::optional<double>(*d);
}

Result<int64_t> Count(const json& object, const char* key, const std::string& where) {
  const json* v = Field(object, key);
  if (v == nullptr || !v->is_number_integer() || v->get<int64_t>() < 0) {
    return Error{where + ": \"" + key + "\" is not a non-negative integer"};
  }
  return v->get<int64_t>();
}

Result<bool> Bool(const json& object, const char* key, const std::string& where) {
  const json* v = Field(object, key);
  if (v == nullptr || !v->is_boolean()) return Error{where + ": \"" + key + "\" is not a boolean"};
  return v->get<bool>();
}

Result<std::string> String(const json& object, const char* key, const std::string& where) {
  const json* v = Field(object, key);
  if (v == nullptr || !v->is_string()) return Error{where + ": \"" + key + "\" is not a string"};
  return v->get<std::string>();
}

Result<const json*> Object(const json& object, const char* key, const std::string& where) {
  const json* v = Field(object, key);
  if (v == nullptr || !v->is_object()) return Error{where + ": \"" + key + "\" is not an object"};
  return v;
}

Result<const json*> Array(const json& object, const char* key, const std::string& where) {
  const json* v = Field(object, key);
  if (v == nullptr || !v->is_array()) return Error{where + ": \"" + key + "\" is not an array"};
  return v;
}

Result<BreakReason> ReadReason(const json& r, const std::string& where) {
  if (!r.is_object()) return Error{where + " is not an object"};
  Result<std::string> kind = String(r, "kind", where);
  if (!kind.ok()) return Error{kind.error()};
  BreakReason reason;
  if (*kind == "objective") {
    reason.kind = BreakKind::kObjective;
    Result<std::string> objective = String(r, "objective", where);
    if (!objective.ok()) return Error{objective.error()};
    reason.objective = *objective;
    Result<double> value = FiniteNumber(r, "value_ms", where);
    if (!value.ok()) return Error{value.error()};
    reason.value_ms = *value;
  } else if (*kind == "shortfall") {
    reason.kind = BreakKind::kShortfall;
    Result<double> achieved = FiniteNumber(r, "achieved_rps", where);
    if (!achieved.ok()) return Error{achieved.error()};
    reason.achieved_rps = *achieved;
  } else if (*kind == "errors") {
    reason.kind = BreakKind::kErrors;
    Result<int64_t> count = Count(r, "count", where);
    if (!count.ok()) return Error{count.error()};
    reason.count = *count;
  } else {
    return Error{where + ": unknown \"kind\" \"" + *kind + "\" (objective, shortfall or errors)"};
  }
  return reason;
}

Result<std::vector<BreakReason>> ReadReasons(const json& object, const std::string& where) {
  Result<const json*> reasons = Array(object, "reasons", where);
  if (!reasons.ok()) return Error{reasons.error()};
  std::vector<BreakReason> out;
  for (size_t i = 0; i < (*reasons)->size(); ++i) {
    Result<BreakReason> r =
        ReadReason((**reasons)[i], where + ": reasons[" + std::to_string(i) + "]");
    if (!r.ok()) return Error{r.error()};
    out.push_back(std::move(*r));
  }
  return out;
}

Result<StepLatency> ReadLatency(const json& test, const char* key, const std::string& where) {
  Result<const json*> object = Object(test, key, where);
  if (!object.ok()) return Error{object.error()};
  const std::string here = where + ": " + key;
  StepLatency out;
  for (auto [name, field] :
       {std::pair{"p50", &out.p50}, std::pair{"p99", &out.p99}, std::pair{"p99_9", &out.p99_9}}) {
    Result<double> v = FiniteNumber(**object, name, here);
    if (!v.ok()) return Error{v.error()};
    if (*v < 0) return Error{here + ": \"" + name + "\" is negative"};
    *field = *v;
  }
  return out;
}

Result<SearchStep> ReadStep(const json& s, const std::string& where) {
  if (!s.is_object()) return Error{where + " is not an object"};
  SearchStep step;
  Result<int64_t> index = Count(s, "index", where);
  if (!index.ok()) return Error{index.error()};
  step.index = static_cast<int>(*index);
  Result<std::string> phase = String(s, "phase", where);
  if (!phase.ok()) return Error{phase.error()};
  if (*phase != "raise" && *phase != "bisect" && *phase != "recheck" && *phase != "confirm") {
    return Error{where + ": unknown \"phase\" \"" + *phase +
                 "\" (raise, bisect, recheck or confirm)"};
  }
  step.phase = *phase;
  Result<double> offered = PositiveNumber(s, "offered_rps", where);
  if (!offered.ok()) return Error{offered.error()};
  step.offered_rps = *offered;
  Result<bool> met = Bool(s, "met", where);
  if (!met.ok()) return Error{met.error()};
  step.met = *met;
  Result<std::vector<BreakReason>> reasons = ReadReasons(s, where);
  if (!reasons.ok()) return Error{reasons.error()};
  step.reasons = std::move(*reasons);
  if (step.met != step.reasons.empty()) {
    return Error{where + (step.met ? ": met, yet it has reasons why it broke"
                                   : ": not met, yet it has no reason why")};
  }
  Result<bool> saturated = Bool(s, "client_saturated", where);
  if (!saturated.ok()) return Error{saturated.error()};
  step.client_saturated = *saturated;
  Result<const json*> test = Object(s, "test", where);
  if (!test.ok()) return Error{test.error()};
  const std::string here = where + ": test";
  Result<double> rps = FiniteNumber(**test, "rps", here);
  if (!rps.ok()) return Error{rps.error()};
  if (*rps < 0) return Error{here + ": \"rps\" is negative"};
  step.achieved_rps = *rps;
  Result<int64_t> errors = Count(**test, "errors", here);
  if (!errors.ok()) return Error{errors.error()};
  step.errors = *errors;
  Result<StepLatency> corrected = ReadLatency(**test, "corrected_latency_ms", here);
  if (!corrected.ok()) {
    return Error{corrected.error() + " (every step runs open loop, so it has corrected latency)"};
  }
  step.corrected = *corrected;
  Result<StepLatency> uncorrected = ReadLatency(**test, "uncorrected_latency_ms", here);
  if (!uncorrected.ok()) return Error{uncorrected.error()};
  step.uncorrected = *uncorrected;
  return step;
}

Result<LimitedBy> ParseLimitedBy(const std::string& word, const std::string& where) {
  for (LimitedBy l :
       {LimitedBy::kObjective, LimitedBy::kShortfall, LimitedBy::kErrors, LimitedBy::kClient,
        LimitedBy::kMaxTime, LimitedBy::kMaxRate, LimitedBy::kServerFailed}) {
    if (LimitedByName(l) == word) return l;
  }
  return Error{where + ": unknown \"limited_by\" \"" + word +
               "\" (objective, shortfall, errors, client, max_time, max_rate or server_failed)"};
}

Result<SearchObjective> ReadObjective(const json& o, const std::string& where) {
  if (!o.is_object()) return Error{where + " is not an object"};
  SearchObjective objective;
  Result<std::string> text = String(o, "text", where);
  if (!text.ok()) return Error{text.error()};
  objective.text = *text;
  Result<double> percentile = PositiveNumber(o, "percentile", where);
  if (!percentile.ok()) return Error{percentile.error()};
  if (*percentile >= 100) return Error{where + ": \"percentile\" is not below 100"};
  objective.percentile = *percentile;
  Result<double> limit = PositiveNumber(o, "limit_ms", where);
  if (!limit.ok()) return Error{limit.error()};
  objective.limit_ms = *limit;
  return objective;
}

Result<Search> ReadSearch(const json& s, const std::string& source, size_t index) {
  if (!s.is_object()) {
    return Error{source + ": searches[" + std::to_string(index) + "] is not an object"};
  }
  Search search;
  Result<std::string> title =
      String(s, "title", source + ": searches[" + std::to_string(index) + "]");
  if (!title.ok()) return Error{title.error()};
  search.title = *title;
  const std::string where = source + ": search \"" + search.title + "\"";
  Result<const json*> objectives = Array(s, "objectives", where);
  if (!objectives.ok()) return Error{objectives.error()};
  if ((*objectives)->empty()) return Error{where + ": \"objectives\" is empty"};
  for (size_t i = 0; i < (*objectives)->size(); ++i) {
    Result<SearchObjective> o =
        ReadObjective((**objectives)[i], where + ": objectives[" + std::to_string(i) + "]");
    if (!o.ok()) return Error{o.error()};
    search.objectives.push_back(std::move(*o));
  }
  Result<const json*> settings = Object(s, "settings", where);
  if (!settings.ok()) return Error{settings.error()};
  search.settings = **settings;
  Result<std::optional<double>> answer = OptionalRate(s, "answer_rps", where);
  if (!answer.ok()) return Error{answer.error()};
  search.answer_rps = *answer;
  Result<std::optional<double>> achieved = OptionalRate(s, "answer_achieved_rps", where);
  if (!achieved.ok()) return Error{achieved.error()};
  search.answer_achieved_rps = *achieved;
  if (search.answer_rps.has_value() != search.answer_achieved_rps.has_value()) {
    return Error{where +
                 ": \"answer_rps\" and \"answer_achieved_rps\" must both be null or both "
                 "numbers"};
  }
  const json* broken = Field(s, "first_broken");
  if (broken == nullptr) return Error{where + ": no \"first_broken\" (an object, or null)"};
  if (!broken->is_null()) {
    if (!broken->is_object()) return Error{where + ": \"first_broken\" is not an object"};
    FirstBroken fb;
    Result<double> rate = PositiveNumber(*broken, "offered_rps", where + ": first_broken");
    if (!rate.ok()) return Error{rate.error()};
    fb.offered_rps = *rate;
    Result<std::vector<BreakReason>> reasons = ReadReasons(*broken, where + ": first_broken");
    if (!reasons.ok()) return Error{reasons.error()};
    fb.reasons = std::move(*reasons);
    search.first_broken = std::move(fb);
  }
  if (search.answer_rps && search.first_broken &&
      search.first_broken->offered_rps < *search.answer_rps) {
    return Error{where + ": \"first_broken\" rate " +
                 FormatNumber(search.first_broken->offered_rps) + " is below the answer " +
                 FormatNumber(*search.answer_rps) +
                 ": the rate at the objective must lie between them"};
  }
  if (!search.answer_rps && !search.first_broken) {
    return Error{where + ": neither an answer nor a first broken rate: no step ran?"};
  }
  Result<std::string> limited = String(s, "limited_by", where);
  if (!limited.ok()) return Error{limited.error()};
  Result<LimitedBy> limited_by = ParseLimitedBy(*limited, where);
  if (!limited_by.ok()) return Error{limited_by.error()};
  search.limited_by = *limited_by;
  Result<bool> lower_bound = Bool(s, "lower_bound", where);
  if (!lower_bound.ok()) return Error{lower_bound.error()};
  search.lower_bound = *lower_bound;
  Result<std::string> verdict = String(s, "verdict", where);
  if (!verdict.ok()) return Error{verdict.error()};
  search.verdict = *verdict;
  Result<double> elapsed = FiniteNumber(s, "elapsed_s", where);
  if (!elapsed.ok()) return Error{elapsed.error()};
  search.elapsed_s = *elapsed;
  Result<const json*> steps = Array(s, "steps", where);
  if (!steps.ok()) return Error{steps.error()};
  for (size_t i = 0; i < (*steps)->size(); ++i) {
    Result<SearchStep> step = ReadStep((**steps)[i], where + ": steps[" + std::to_string(i) + "]");
    if (!step.ok()) return Error{step.error()};
    search.steps.push_back(std::move(*step));
  }
  return search;
}

}  // namespace

std::string BreakReason::Describe() const {
  switch (kind) {
    case BreakKind::kObjective:
      return objective + ": " + FormatNumber(value_ms) + " ms";
    case BreakKind::kShortfall:
      return "achieved only " + FormatNumber(achieved_rps) + " rps";
    case BreakKind::kErrors:
      return std::to_string(count) + " errors";
  }
  return "?";
}

std::string_view LimitedByName(LimitedBy limited_by) {
  switch (limited_by) {
    case LimitedBy::kObjective:
      return "objective";
    case LimitedBy::kShortfall:
      return "shortfall";
    case LimitedBy::kErrors:
      return "errors";
    case LimitedBy::kClient:
      return "client";
    case LimitedBy::kMaxTime:
      return "max_time";
    case LimitedBy::kMaxRate:
      return "max_rate";
    case LimitedBy::kServerFailed:
      return "server_failed";
  }
  return "?";
}

std::optional<double> Search::UpperBound() const {
  if (lower_bound || !first_broken) return std::nullopt;
  return first_broken->offered_rps;
}

std::string Search::ObjectivesText() const {
  std::string out;
  for (const SearchObjective& o : objectives) out += (out.empty() ? "" : ",") + o.text;
  return out;
}

bool IsSearchDocument(const json& doc) {
  if (!doc.is_object()) return false;
  const json* schema = Field(doc, "schema");
  return schema != nullptr && schema->is_string() &&
         schema->get<std::string>().starts_with("kv-load-search/");
}

Result<SearchRun> ReadSearchDocument(const json& doc, const std::string& source) {
  const std::string expected = "a saturation search (kv-load --slo ... --json, \"schema\": \"" +
                               std::string(kSearchSchema) + "\")";
  if (!doc.is_object()) return Error{source + ": not a JSON object; expected " + expected};
  const json* schema = Field(doc, "schema");
  if (schema == nullptr || !schema->is_string()) {
    return Error{source + ": no \"schema\"; expected " + expected};
  }
  const std::string name = schema->get<std::string>();
  if (name == load::kJsonSchema || name == "kv-load" || name.starts_with("kv-load/")) {
    return Error{source + ": a kv-load run (\"schema\": \"" + name +
                 "\"), not a saturation search; expected " + expected};
  }
  if (!IsSearchDocument(doc)) {
    return Error{source + ": schema \"" + name + "\"; expected " + expected};
  }
  const json* version = Field(doc, "schema_version");
  if (version == nullptr || !version->is_number_integer()) {
    return Error{source + ": no integer \"schema_version\""};
  }
  if (name != kSearchSchema || version->get<int64_t>() != kSearchSchemaVersion) {
    return Error{source + ": search schema \"" + name + "\" version " + version->dump() +
                 "; this kv-compare reads \"" + std::string(kSearchSchema) + "\" version " +
                 std::to_string(kSearchSchemaVersion)};
  }
  SearchRun run;
  run.source = source;
  if (const json* v = Field(doc, "version"); v != nullptr && v->is_string()) {
    run.version = v->get<std::string>();
  }
  Result<const json*> config = Object(doc, "config", source);
  if (!config.ok()) return Error{config.error()};
  run.config = **config;
  Result<const json*> searches = Array(doc, "searches", source);
  if (!searches.ok()) return Error{searches.error()};
  if ((*searches)->empty()) return Error{source + ": \"searches\" is empty"};
  for (size_t i = 0; i < (*searches)->size(); ++i) {
    Result<Search> search = ReadSearch((**searches)[i], source, i);
    if (!search.ok()) return Error{search.error()};
    for (const Search& other : run.searches) {
      if (other.title == search->title) {
        return Error{source + ": search \"" + search->title + "\" appears twice"};
      }
    }
    run.searches.push_back(std::move(*search));
  }
  return run;
}

Result<SearchRun> ParseSearchRun(std::string_view text, const std::string& source) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    // kv-load writes finite numbers only: say so when that is what broke the parse.
    if (!json::parse(ReplaceNonFiniteTokens(text), nullptr, false).is_discarded()) {
      return Error{source +
                   ": holds a non-finite number (NaN or Infinity): not a kv-load search document "
                   "(every number in one is finite, null where there is no value)"};
    }
    return Error{source + ": malformed JSON (or a number beyond a double's range)"};
  }
  return ReadSearchDocument(doc, source);
}

Result<SearchRun> LoadSearchRun(const std::string& path) {
  Result<std::string> text = ReadTextFile(path);
  if (!text.ok()) return Error{text.error()};
  return ParseSearchRun(*text, path);
}

}  // namespace kv::compare
