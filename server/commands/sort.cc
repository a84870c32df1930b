// SORT and SORT_RO: key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC | DESC] [ALPHA]
// [STORE destination] over a list, set or sorted set, with Redis 7.0's semantics
// (sortCommandGeneric in sort.c, checked side by side against redis-server 7.0.15): options parsed
// before the key is looked up, numeric order by default with ties broken by the elements' bytes,
// ALPHA in byte order (Redis's strcoll in the C locale), `BY` without `*` skips sorting, `*` /
// `->field` /
// `#` pattern lookups, LIMIT clamped to the collection, STORE replacing the destination with a
// list.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/commands/collection_util.h"
#include "server/commands/commands.h"
#include "server/store/hash_value.h"
#include "server/store/list_object.h"
#include "server/store/set_object.h"
#include "server/store/zset_object.h"

namespace kv::server {
namespace {

// The most elements one SORT replies or stores (rows × GET patterns). Redis 7.0 has no limit (and
// counts the reply's length in 32 bits); kv-server builds a reply whole, so a request such as a
// million-element list with a thousand `GET #` is refused rather than made.
constexpr int64_t kMaxSortResultElements = int64_t{1} << 24;

// Redis compares patterns and sort values as C strings in places (strchr, strstr, strcoll): the
// bytes before the first NUL.
std::string_view CString(std::string_view s) { return s.substr(0, s.find('\0')); }

struct SortOptions {
  bool desc = false;
  bool alpha = false;
  bool dont_sort = false;  // some BY pattern had no '*' (stays set, as in Redis)
  bool has_by = false;
  std::string_view by;
  int64_t limit_start = 0;
  int64_t limit_count = -1;
  std::vector<std::string_view> gets;
  bool has_store = false;
  std::string_view store;
};

// Options from args[2], in Redis's order of checks; false after replying an error.
bool ParseSortOptions(CommandContext& ctx, bool read_only, SortOptions* o) {
  const auto args = ctx.args;
  for (size_t j = 2; j < args.size(); ++j) {
    const size_t left = args.size() - j - 1;
    const std::string_view opt = args[j];
    if (EqualsIgnoreCase(opt, "asc")) {
      o->desc = false;
    } else if (EqualsIgnoreCase(opt, "desc")) {
      o->desc = true;
    } else if (EqualsIgnoreCase(opt, "alpha")) {
      o->alpha = true;
    } else if (EqualsIgnoreCase(opt, "limit") && left >= 2) {
      if (!ParseIntArg(ctx, args[j + 1], &o->limit_start) ||
          !ParseIntArg(ctx, args[j + 2], &o->limit_count)) {
        return false;
      }
      j += 2;
    } else if (!read_only && EqualsIgnoreCase(opt, "store") && left >= 1) {
      o->has_store = true;
      o->store = args[++j];
    } else if (EqualsIgnoreCase(opt, "by") && left >= 1) {
      o->has_by = true;
      o->by = args[++j];
      if (CString(o->by).find('*') == std::string_view::npos) o->dont_sort = true;
    } else if (EqualsIgnoreCase(opt, "get") && left >= 1) {
      o->gets.push_back(args[++j]);
    } else {
      ctx.reply.Error(kErrSyntax);
      return false;
    }
  }
  return true;
}

// Redis lookupKeyByPattern: "#" is the element itself; otherwise the first '*' is replaced by the
// element and the key read as a string, or, with "->field" after the '*', the field of the hash
// at that key. False (nil) for a pattern without '*', a missing key or field, or another type.
// *out is valid until the store changes.
bool LookupByPattern(CommandContext& ctx, std::string_view pattern, std::string_view element,
                     std::string_view* out) {
  const std::string_view c_pattern = CString(pattern);
  if (c_pattern == "#") {
    *out = element;
    return true;
  }
  const size_t star = c_pattern.find('*');
  if (star == std::string_view::npos) return false;
  const size_t arrow = c_pattern.find("->", star + 1);
  const bool has_field = arrow != std::string_view::npos && arrow + 2 < c_pattern.size();
  const std::string_view field = has_field ? pattern.substr(arrow + 2) : std::string_view();
  const size_t postfix_len = pattern.size() - star - 1 - (has_field ? field.size() + 2 : 0);
  std::string key;
  key.reserve(star + element.size() + postfix_len);
  key.append(pattern.substr(0, star)).append(element).append(pattern.substr(star + 1, postfix_len));
  Entry* e = ctx.LookupRead(key);
  if (e == nullptr) return false;
  if (has_field) {
    return e->type() == ValueType::kHash && HashView(e).Get(field, out);
  }
  if (e->type() != ValueType::kString) return false;
  *out = e->value();
  return true;
}

// Redis's strtod test of a sort value: the whole C string a finite-or-infinite number, no ERANGE
// (overflow or underflow), not NaN. Leading spaces, hex and "inf" pass, as in Redis.
bool ParseSortScore(std::string_view text, double* score) {
  const std::string c(CString(text));
  char* end = nullptr;
  errno = 0;
  *score = std::strtod(c.c_str(), &end);
  return *end == '\0' && errno != ERANGE && !std::isnan(*score);
}

struct SortItem {
  std::string element;
  double score = 0;
  bool has_by_value = false;  // ALPHA with BY: the value was found
  std::string by_value;
};

int Sign(int v) { return (v > 0) - (v < 0); }
// Redis compareStringObjects: bytes, then length.
int CompareBinary(std::string_view a, std::string_view b) { return Sign(a.compare(b)); }
// Redis collateStringObjects / strcoll in the C locale: bytes up to the first NUL.
int CompareCollate(std::string_view a, std::string_view b) {
  return Sign(CString(a).compare(CString(b)));
}

// Loads the elements of sorting at positions [*start, *end] of the collection's own order (a
// list's or a sorted set's; DESC from its end) and narrows [*start, *end] to them: Redis's path for
// a BY without '*' on a list or sorted set.
void LoadRange(const Object* o, bool desc, int64_t* start, int64_t* end,
               std::vector<SortItem>* items) {
  if (*end < *start) return;
  const auto len = static_cast<int64_t>(o->Length());
  const auto first = static_cast<size_t>(desc ? len - 1 - *end : *start);
  const auto last = static_cast<size_t>(desc ? len - 1 - *start : *end);
  items->reserve(last - first + 1);
  auto add = [items](std::string_view v) { items->emplace_back().element = v; };
  if (o->type() == ValueType::kList) {
    const auto* list = static_cast<const ListObject*>(o);
    list->ForRange(first, last, add);
    if (desc) std::reverse(items->begin(), items->end());
  } else {
    static_cast<const ZSetObject*>(o)->ForRanks(first, last + 1, desc,
                                                [&add](std::string_view m, double) { add(m); });
  }
  *end -= *start;
  *start = 0;
}

void LoadAll(const Object* o, std::vector<SortItem>* items) {
  items->reserve(o->Length());
  auto add = [items](std::string_view v) { items->emplace_back().element = v; };
  switch (o->type()) {
    case ValueType::kList:
      static_cast<const ListObject*>(o)->ForEach(false, [&add](size_t, std::string_view v) {
        add(v);
        return true;
      });
      break;
    case ValueType::kSet:
      static_cast<const SetObject*>(o)->ForEach(add);
      break;
    default:
      static_cast<const ZSetObject*>(o)->ForEach([&add](std::string_view m, double) { add(m); });
      break;
  }
}

// What one result row contributes: the element itself without GET patterns, else one value (or
// nil) per pattern. emit(value, found).
template <typename Emit>
void ForEachOutput(CommandContext& ctx, const SortOptions& o, const SortItem& item, Emit&& emit) {
  if (o.gets.empty()) {
    emit(std::string_view(item.element), true);
    return;
  }
  for (const std::string_view pattern : o.gets) {
    std::string_view value;
    const bool found = LookupByPattern(ctx, pattern, item.element, &value);
    emit(value, found);
  }
}

void SortGeneric(CommandContext& ctx, bool read_only) {
  SortOptions o;
  if (!ParseSortOptions(ctx, read_only, &o)) return;
  Entry* e = ctx.LookupRead(ctx.args[1]);
  if (e != nullptr && e->type() != ValueType::kList && e->type() != ValueType::kSet &&
      e->type() != ValueType::kZSet) {
    ctx.reply.Error(kErrWrongType);
    return;
  }
  const Object* source = e == nullptr ? nullptr : e->object();
  // A set has no order of its own: without sorting, a stored or scripted result is sorted by the
  // members' bytes, so that it is deterministic (Redis forces ALPHA and drops BY).
  if (o.dont_sort && source != nullptr && source->type() == ValueType::kSet &&
      (o.has_store || ctx.in_script)) {
    o.dont_sort = false;
    o.alpha = true;
    o.has_by = false;
  }
  // LIMIT clamped to the collection as Redis does it: [start, end], empty when end < start.
  const int64_t len = source == nullptr ? 0 : static_cast<int64_t>(source->Length());
  int64_t start = std::min(std::max(o.limit_start, int64_t{0}), len);
  const int64_t count = std::min(std::max(o.limit_count, int64_t{-1}), len);
  int64_t end = count < 0 ? len - 1 : start + count - 1;
  if (start >= len) {
    start = len - 1;
    end = len - 2;
  }
  end = std::min(end, len - 1);
  const int64_t rows = end - start + 1;
  const int64_t per_row = o.gets.empty() ? 1 : static_cast<int64_t>(o.gets.size());
  if (rows > kMaxSortResultElements / per_row) {
    ctx.reply.Error("ERR SORT result would exceed " + std::to_string(kMaxSortResultElements) +
                    " elements (a kv-server limit)");
    return;
  }

  std::vector<SortItem> items;
  if (source != nullptr) {
    if (o.dont_sort && source->type() != ValueType::kSet) {
      LoadRange(source, o.desc, &start, &end, &items);
    } else {
      LoadAll(source, &items);
    }
  }
  if (!o.dont_sort) {
    bool bad_score = false;
    for (SortItem& item : items) {
      std::string_view value = item.element;
      if (o.has_by && !LookupByPattern(ctx, o.by, item.element, &value)) continue;
      if (o.alpha) {
        if (o.has_by) {
          item.has_by_value = true;
          item.by_value = value;
        }
      } else if (!ParseSortScore(value, &item.score)) {
        bad_score = true;
      }
    }
    if (bad_score) {
      ctx.reply.Error("ERR One or more scores can't be converted into double");
      return;
    }
    // Redis sortCompare; a stable sort keeps equal elements in the order they were loaded, as
    // glibc's qsort (a merge sort) does for Redis.
    const bool binary = o.has_store;
    auto compare = [&o, binary](const SortItem& a, const SortItem& b) {
      int cmp;
      if (!o.alpha) {
        cmp = a.score > b.score ? 1 : a.score < b.score ? -1 : CompareBinary(a.element, b.element);
      } else if (o.has_by) {
        if (!a.has_by_value || !b.has_by_value) {
          cmp = a.has_by_value == b.has_by_value ? 0 : a.has_by_value ? 1 : -1;
        } else {
          cmp = binary ? CompareBinary(a.by_value, b.by_value)
                       : CompareCollate(a.by_value, b.by_value);
        }
      } else {
        cmp = binary ? CompareBinary(a.element, b.element) : CompareCollate(a.element, b.element);
      }
      return (o.desc ? -cmp : cmp) < 0;
    };
    std::stable_sort(items.begin(), items.end(), compare);
  }

  const int64_t out_len = rows * per_row;
  if (!o.has_store) {
    ctx.reply.ArrayHeader(static_cast<size_t>(out_len));
    for (int64_t j = start; j <= end; ++j) {
      ForEachOutput(ctx, o, items[static_cast<size_t>(j)], [&ctx](std::string_view v, bool found) {
        if (found) {
          ctx.reply.Bulk(v);
        } else {
          ctx.reply.NullBulk();
        }
      });
    }
    return;
  }
  // STORE: the destination becomes a list of the result (a missing GET value stored as ""),
  // replacing whatever it held and its expiry; an empty result deletes it.
  auto list = std::make_unique<ListObject>();
  for (int64_t j = start; j <= end; ++j) {
    ForEachOutput(ctx, o, items[static_cast<size_t>(j)], [&list](std::string_view v, bool found) {
      list->Push(found ? v : std::string_view(), false);
    });
  }
  ctx.store().Delete(ctx.db(), o.store);
  if (out_len > 0) ctx.store().AddObject(ctx.db(), o.store, std::move(list), 0);
  ctx.reply.Integer(out_len);
}

void SortCommand(CommandContext& ctx) { SortGeneric(ctx, false); }
void SortRoCommand(CommandContext& ctx) { SortGeneric(ctx, true); }

// Redis sortGetKeys: the sorted key, and the destination of the last STORE that has one. The
// options are skipped by name (LIMIT takes two arguments, GET and BY one) without checking them.
void SortKeys(std::span<const std::string_view> args, std::vector<int>* keys) {
  keys->push_back(1);
  int store = 0;
  const int argc = static_cast<int>(args.size());
  for (int i = 2; i < argc; ++i) {
    const std::string_view a = args[static_cast<size_t>(i)];
    if (EqualsIgnoreCase(a, "limit")) {
      i += 2;
    } else if (EqualsIgnoreCase(a, "get") || EqualsIgnoreCase(a, "by")) {
      i += 1;
    } else if (EqualsIgnoreCase(a, "store") && i + 1 < argc) {
      store = i + 1;  // not skipped: "STORE store x" looks at the second "store" again
    }
  }
  if (store > 0) keys->push_back(store);
}

// SORT_RO has no STORE: only the sorted key (BY and GET keys are not named, as in Redis).
void SortRoKeys(std::span<const std::string_view> /*args*/, std::vector<int>* keys) {
  keys->push_back(1);
}

}  // namespace

void RegisterSortCommands(CommandTable& t) {
  constexpr std::string_view kG = "generic";
  CommandSpec sort{"sort", SortCommand, -2, kCmdWrite | kCmdDenyOom,
                   1,      1,           1,  "@write @set @sortedset @list @slow @dangerous",
                   kG};
  sort.find_keys = SortKeys;
  t.Register(sort);
  CommandSpec sort_ro{"sort_ro", SortRoCommand,
                      -2,        kCmdReadOnly,
                      1,         1,
                      1,         "@read @set @sortedset @list @slow @dangerous",
                      kG};
  sort_ro.find_keys = SortRoKeys;
  t.Register(sort_ro);
}

}  // namespace kv::server
