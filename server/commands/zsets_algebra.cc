// Sorted set algebra: ZUNION, ZINTER, ZDIFF and their STORE forms (WEIGHTS, AGGREGATE SUM | MIN |
// MAX, WITHSCORES), and ZINTERCARD (LIMIT). Redis 7.0's zunionInterDiffGenericCommand: the keys
// are looked up (WRONGTYPE) before the options are parsed; union and intersection visit the
// inputs from the smallest to the largest (so float sums add in Redis's order); a NaN from
// inf * 0 or inf + -inf becomes 0.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "server/commands/collection_util.h"
#include "server/commands/commands.h"
#include "server/commands/zset_args.h"
#include "server/store/set_object.h"

namespace kv::server {
namespace {

enum class Op { kUnion, kInter, kDiff };
enum class Aggregate { kSum, kMin, kMax };

// One input key: a sorted set, a set (each member scoring 1, as Redis), or missing (empty).
struct Input {
  const ZSetObject* zset = nullptr;
  const SetObject* set = nullptr;
  double weight = 1;

  size_t Length() const {
    if (zset != nullptr) return zset->Length();
    return set == nullptr ? 0 : set->Length();
  }
  bool Find(std::string_view member, double* score) const {
    if (zset != nullptr) return zset->Score(member, score);
    if (set == nullptr || !set->Contains(member)) return false;
    *score = 1;
    return true;
  }
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    if (zset != nullptr) {
      zset->ForEach(fn);
    } else if (set != nullptr) {
      // The algebra keeps the members' views while it runs: where the set's views do not
      // outlive ForEach (an intset), its members are copied first (at most 512).
      if (!set->views_outlive_calls()) {
        if (intset_members.empty()) {
          set->ForEach([this](std::string_view m) { intset_members.emplace_back(m); });
        }
        for (const std::string& m : intset_members) fn(std::string_view(m), 1.0);
      } else {
        set->ForEach([&fn](std::string_view member) { fn(member, 1.0); });
      }
    }
  }
  mutable std::vector<std::string> intset_members;
};
bool AcceptedInputType(ValueType type) { return type == ValueType::kZSet || type == ValueType::kSet; }

// Redis zunionInterAggregate.
void AggregateInto(double* target, double value, Aggregate how) {
  if (how == Aggregate::kSum) {
    *target += value;
    if (std::isnan(*target)) *target = 0;
  } else if (how == Aggregate::kMin) {
    *target = value < *target ? value : *target;
  } else {
    *target = value > *target ? value : *target;
  }
}

// The generic command: numkeys at args[numkeys_at]; dst: the STORE destination (empty view:
// reply the result); card_only: ZINTERCARD.
void AlgebraGeneric(CommandContext& ctx, size_t numkeys_at, bool store, Op op, bool card_only) {
  int64_t numkeys;
  if (!ParseIntArg(ctx, ctx.args[numkeys_at], &numkeys)) return;
  if (numkeys < 1) {
    ctx.reply.Error("ERR at least 1 input key is needed for '" + std::string(ctx.spec.name) +
                    "' command");
    return;
  }
  if (numkeys > static_cast<int64_t>(ctx.args.size() - numkeys_at - 1)) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  const auto n = static_cast<size_t>(numkeys);
  std::vector<Input> inputs(n);
  size_t j = numkeys_at + 1;
  for (size_t i = 0; i < n; ++i, ++j) {
    Entry* e = store ? ctx.store().Find(ctx.db(), ctx.args[j]) : ctx.LookupRead(ctx.args[j]);
    if (e == nullptr) continue;
    if (!AcceptedInputType(e->type())) {
      ctx.reply.Error(kErrWrongType);
      return;
    }
    if (e->type() == ValueType::kSet) {
      inputs[i].set = ObjectOf<SetObject>(e);
    } else {
      inputs[i].zset = ZSetOf(e);
    }
  }
  Aggregate how = Aggregate::kSum;
  bool with_scores = false;
  int64_t limit = 0;
  while (j < ctx.args.size()) {
    const std::string_view opt = ctx.args[j];
    const size_t left = ctx.args.size() - j;
    if (op != Op::kDiff && !card_only && left >= n + 1 && EqualsIgnoreCase(opt, "weights")) {
      ++j;
      for (size_t i = 0; i < n; ++i, ++j) {
        if (!ParseScore(ctx.args[j], &inputs[i].weight)) {
          ctx.reply.Error("ERR weight value is not a float");
          return;
        }
      }
    } else if (op != Op::kDiff && !card_only && left >= 2 && EqualsIgnoreCase(opt, "aggregate")) {
      const std::string_view what = ctx.args[j + 1];
      if (EqualsIgnoreCase(what, "sum")) {
        how = Aggregate::kSum;
      } else if (EqualsIgnoreCase(what, "min")) {
        how = Aggregate::kMin;
      } else if (EqualsIgnoreCase(what, "max")) {
        how = Aggregate::kMax;
      } else {
        ctx.reply.Error(kErrSyntax);
        return;
      }
      j += 2;
    } else if (!store && !card_only && EqualsIgnoreCase(opt, "withscores")) {
      with_scores = true;
      ++j;
    } else if (card_only && left >= 2 && EqualsIgnoreCase(opt, "limit")) {
      if (!ParseAtLeast(ctx, ctx.args[j + 1], 0, "LIMIT can't be negative", &limit)) return;
      j += 2;
    } else {
      ctx.reply.Error(kErrSyntax);
      return;
    }
  }
  if (op != Op::kDiff) {
    std::stable_sort(inputs.begin(), inputs.end(),
                     [](const Input& a, const Input& b) { return a.Length() < b.Length(); });
  }
  // The result as Redis builds it: (score, member) pairs sorted like a skiplist; stored, it
  // takes the listpack when it fits (zsetConvertToListpackIfNeeded), else stays a skiplist.
  std::vector<std::pair<double, std::string_view>> result;
  int64_t cardinality = 0;
  if (op == Op::kInter) {
    if (inputs[0].Length() > 0) {
      bool stop = false;
      inputs[0].ForEach([&](std::string_view m, double s) {
        if (stop) return;
        double score = inputs[0].weight * s;
        if (std::isnan(score)) score = 0;
        for (size_t i = 1; i < n; ++i) {
          double value;
          if (!inputs[i].Find(m, &value)) return;
          AggregateInto(&score, value * inputs[i].weight, how);
        }
        if (card_only) {
          ++cardinality;
          stop = limit > 0 && cardinality >= limit;
        } else {
          result.emplace_back(score, m);
        }
      });
    }
  } else if (op == Op::kUnion) {
    std::unordered_map<std::string_view, double> scores;
    scores.reserve(inputs[n - 1].Length());
    for (const Input& in : inputs) {
      in.ForEach([&](std::string_view m, double s) {
        double score = in.weight * s;
        if (std::isnan(score)) score = 0;
        auto [it, fresh] = scores.emplace(m, score);
        if (!fresh) AggregateInto(&it->second, score, how);
      });
    }
    result.reserve(scores.size());
    for (const auto& [m, s] : scores) result.emplace_back(s, m);
  } else {
    // Members of the first input in none of the others, with their first scores.
    inputs[0].ForEach([&](std::string_view m, double s) {
      double ignored;
      for (size_t i = 1; i < n; ++i) {
        if (inputs[i].Find(m, &ignored)) return;
      }
      result.emplace_back(s, m);
    });
  }
  if (card_only) {
    ctx.reply.Integer(cardinality);
    return;
  }
  std::sort(result.begin(), result.end(), [](const auto& a, const auto& b) {
    return a.first < b.first || (a.first == b.first && a.second < b.second);
  });
  if (store) {
    size_t longest = 0;
    for (const auto& r : result) longest = std::max(longest, r.second.size());
    const PackLimits limits = ZSetLimits(ctx);
    auto z = ZSetObject::CreateSized(result.size(), longest, limits);
    for (const auto& [s, m] : result) z->Insert(m, s, limits);
    StoreZSet(ctx, ctx.args[1], std::move(z));
    ctx.reply.Integer(static_cast<int64_t>(result.size()));
    return;
  }
  const bool pairs = with_scores && ctx.reply.resp3();
  ctx.reply.ArrayHeader(with_scores && !pairs ? 2 * result.size() : result.size());
  for (const auto& [s, m] : result) {
    if (with_scores) {
      ReplyMemberScore(ctx, m, s, pairs);
    } else {
      ctx.reply.Bulk(m);
    }
  }
}

void ZUnionCommand(CommandContext& ctx) { AlgebraGeneric(ctx, 1, false, Op::kUnion, false); }
void ZInterCommand(CommandContext& ctx) { AlgebraGeneric(ctx, 1, false, Op::kInter, false); }
void ZDiffCommand(CommandContext& ctx) { AlgebraGeneric(ctx, 1, false, Op::kDiff, false); }
void ZUnionStoreCommand(CommandContext& ctx) { AlgebraGeneric(ctx, 2, true, Op::kUnion, false); }
void ZInterStoreCommand(CommandContext& ctx) { AlgebraGeneric(ctx, 2, true, Op::kInter, false); }
void ZDiffStoreCommand(CommandContext& ctx) { AlgebraGeneric(ctx, 2, true, Op::kDiff, false); }
void ZInterCardCommand(CommandContext& ctx) { AlgebraGeneric(ctx, 1, false, Op::kInter, true); }

}  // namespace

void RegisterZSetAlgebraCommands(CommandTable& t) {
  constexpr uint32_t kWD = kCmdWrite | kCmdDenyOom;
  constexpr uint32_t kR = kCmdReadOnly;
  constexpr std::string_view kG = "sorted-set";
  constexpr std::string_view kRead = "@read @sortedset @slow";
  constexpr std::string_view kWrite = "@write @sortedset @slow";
  t.Register({"zunion", ZUnionCommand, -3, kR, 0, 0, 0, kRead, kG});
  t.Register({"zinter", ZInterCommand, -3, kR, 0, 0, 0, kRead, kG});
  t.Register({"zdiff", ZDiffCommand, -3, kR, 0, 0, 0, kRead, kG});
  t.Register({"zunionstore", ZUnionStoreCommand, -4, kWD, 1, 1, 1, kWrite, kG});
  t.Register({"zinterstore", ZInterStoreCommand, -4, kWD, 1, 1, 1, kWrite, kG});
  t.Register({"zdiffstore", ZDiffStoreCommand, -4, kWD, 1, 1, 1, kWrite, kG});
  t.Register({"zintercard", ZInterCardCommand, -3, kR, 0, 0, 0, "@read @sortedset @slow", kG});
}

}  // namespace kv::server
