// Sorted set arguments and helpers (see zset_args.h).
#include "server/commands/zset_args.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace kv::server {
namespace {

// strtod over text (a NUL-terminated copy); *end_ok: nothing but the number was there.
double StrToD(std::string_view text, bool* end_ok, bool* range_error) {
  const std::string s(text);
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  *end_ok = *end == '\0';
  *range_error = errno == ERANGE;
  return v;
}

bool ParseBound(std::string_view text, double* value, bool* ex) {
  *ex = !text.empty() && text[0] == '(';
  if (*ex) text.remove_prefix(1);
  bool end_ok;
  bool range_error;
  *value = StrToD(text, &end_ok, &range_error);
  return end_ok && !std::isnan(*value);
}

bool ParseLexBound(std::string_view text, LexBound* b) {
  if (text.empty()) return false;
  switch (text[0]) {
    case '+':
    case '-':
      if (text.size() != 1) return false;
      b->kind = text[0] == '+' ? LexBound::kPlus : LexBound::kMinus;
      b->ex = true;
      return true;
    case '(':
    case '[':
      b->kind = LexBound::kValue;
      b->ex = text[0] == '(';
      b->value = text.substr(1);
      return true;
    default:
      return false;
  }
}

// member > bound (ex) or >= bound.
bool AtLeastMin(std::string_view m, const LexBound& b) {
  if (b.kind != LexBound::kValue) return b.kind == LexBound::kMinus;
  return b.ex ? m > b.value : m >= b.value;
}
bool AtMostMax(std::string_view m, const LexBound& b) {
  if (b.kind != LexBound::kValue) return b.kind == LexBound::kPlus;
  return b.ex ? m < b.value : m <= b.value;
}

}  // namespace

bool ParseScore(std::string_view text, double* score) {
  if (text.empty() || text[0] == ' ' || (text[0] >= '\t' && text[0] <= '\r')) return false;
  bool end_ok;
  bool range_error;
  const double v = StrToD(text, &end_ok, &range_error);
  if (!end_ok || std::isnan(v) || text.find('\0') != std::string_view::npos) return false;
  if (range_error && (v == HUGE_VAL || v == -HUGE_VAL || std::fpclassify(v) == FP_ZERO)) {
    return false;
  }
  *score = v;
  return true;
}

bool ParseScoreRange(std::string_view min, std::string_view max, ScoreRange* range) {
  return ParseBound(min, &range->min, &range->min_ex) &&
         ParseBound(max, &range->max, &range->max_ex);
}

bool ParseLexRange(std::string_view min, std::string_view max, LexRange* range) {
  return ParseLexBound(min, &range->min) && ParseLexBound(max, &range->max);
}

void RanksInScoreRange(const ZSetObject& z, const ScoreRange& r, size_t* from, size_t* to) {
  *from =
      z.CountWhile([&r](double s, std::string_view) { return r.min_ex ? s <= r.min : s < r.min; });
  *to =
      z.CountWhile([&r](double s, std::string_view) { return r.max_ex ? s < r.max : s <= r.max; });
  if (*to < *from) *to = *from;
}

void RanksInLexRange(const ZSetObject& z, const LexRange& r, size_t* from, size_t* to) {
  *from = z.CountWhile([&r](double, std::string_view m) { return !AtLeastMin(m, r.min); });
  *to = z.CountWhile([&r](double, std::string_view m) { return AtMostMax(m, r.max); });
  if (*to < *from) *to = *from;
}

std::string ScoreText(double score) {
  if (std::isinf(score)) return score > 0 ? "inf" : "-inf";
  if (score == 0) return std::signbit(score) ? "-0" : "0";
  char buf[64];
  int n;
  if (score > -4503599627370495.0 && score < 4503599627370496.0 &&
      score == static_cast<double>(static_cast<long long>(score))) {
    n = std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(score));
  } else {
    n = std::snprintf(buf, sizeof buf, "%.17g", score);
  }
  return std::string(buf, static_cast<size_t>(n));
}

bool OpenZSetWrite(CommandContext& ctx, std::string_view key, ZSetWrite* w) {
  TypedLookup l = LookupZSet(ctx, key, false);
  if (l.wrong_type) return false;
  w->entry = l.entry;
  if (l.entry != nullptr) {
    w->zset = ZSetOf(l.entry);
  } else {
    w->fresh = std::make_unique<ZSetObject>();
    w->zset = w->fresh.get();
  }
  return true;
}

void CommitZSetWrite(CommandContext& ctx, std::string_view key, ZSetWrite* w, bool changed) {
  if (w->entry != nullptr) {
    if (changed) ctx.store().ObjectWritten(ctx.db(), w->entry);
  } else if (w->zset->Length() > 0) {
    ctx.store().AddObject(ctx.db(), key, std::move(w->fresh), 0);
  }
}

void StoreZSet(CommandContext& ctx, std::string_view dst, std::unique_ptr<ZSetObject> z) {
  ctx.store().Delete(ctx.db(), dst);
  if (z->Length() > 0) ctx.store().AddObject(ctx.db(), dst, std::move(z), 0);
}

}  // namespace kv::server
