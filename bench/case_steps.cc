// What each case sends per iteration, and how its replies are checked and timed.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/cases.h"
#include "fixtures/populate.h"
#include "workload/keys.h"

namespace kv::bench {
namespace {

using Clock = std::chrono::steady_clock;
using fixtures::Reply;
using workload::FormatKey;
using workload::kKeyLength;

int64_t NanosSince(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
}

std::string TypeName(Reply::Type t) {
  switch (t) {
    case Reply::Type::kStatus:
      return "status";
    case Reply::Type::kError:
      return "error";
    case Reply::Type::kInteger:
      return "integer";
    case Reply::Type::kString:
      return "bulk string";
    case Reply::Type::kNil:
      return "nil";
    case Reply::Type::kArray:
      return "array";
  }
  return "?";
}

// What an array reply of a case must hold.
struct ArrayShape {
  size_t size = 0;
  bool empty_is_miss = false;  // ZPOPMIN: an empty zset answers an empty array
};

// The array reply of kind (MGET: one per key; LRANGE_100: 100; ZPOPMIN: member and score).
ArrayShape ExpectedArray(CaseKind kind) {
  switch (kind) {
    case CaseKind::kLRange100:
      return {.size = kLRangeCount};
    case CaseKind::kZPopMin:
      return {.size = 2, .empty_is_miss = true};
    default:
      return {.size = kKeysPerBulkCommand};
  }
}

// Checks one reply against what its command must return. Error replies fail with the server's
// message; a nil where a string is expected (GET, LPOP, SPOP) counts as a miss, and so does an
// empty array where the shape says so.
Status Check(std::string_view command, const Reply& r, Reply::Type expected, ArrayShape array,
             Worker& w) {
  if (r.type == Reply::Type::kError) return Error{std::string(command) + " replied: " + r.str};
  if (expected == Reply::Type::kString && r.type == Reply::Type::kNil) {
    ++w.misses;
    return {};
  }
  if (array.empty_is_miss && r.type == Reply::Type::kArray && r.array_size == 0) {
    ++w.misses;
    return {};
  }
  if (r.type != expected) {
    return Error{std::string(command) + " replied with " + TypeName(r.type) + " '" + r.str +
                 "', expected " + TypeName(expected)};
  }
  if (expected == Reply::Type::kArray && r.array_size != array.size) {
    return Error{std::string(command) + " returned " + std::to_string(r.array_size) +
                 " elements, expected " + std::to_string(array.size)};
  }
  return {};
}

// redis-benchmark's element:__rand_int__ with -r: "element:" and 12 digits.
constexpr size_t kMemberLength = 20;
std::string_view FormatMember(uint64_t n, char (&out)[kMemberLength + 1]) {
  std::snprintf(out, sizeof(out), "element:%012llu",
                static_cast<unsigned long long>(n % 1000000000000ULL));
  return {out, kMemberLength};
}

// A ZADD score's range: redis-benchmark's __rand_int__ with -r, 12 digits.
constexpr uint64_t kScoreRange = 1000000000000ULL;

// Appends one request of a plain (non-lock, non-pool) case; returns the reply type it expects.
Reply::Type AppendRequest(CaseKind kind, const workload::Workload& workload, Worker& w,
                          fixtures::Client& c) {
  char key[kKeyLength];
  const std::string& value = workload.value();
  switch (kind) {
    case CaseKind::kGet:
    case CaseKind::kLatencyGet: {
      const std::string_view args[] = {"GET", FormatKey(w.chooser.Next(), key)};
      c.Append(args);
      return Reply::Type::kString;
    }
    case CaseKind::kMixed:
    case CaseKind::kPoolMixed:
      if (w.chooser.rng().Uniform(2) == 0) {
        const std::string_view args[] = {"GET", FormatKey(w.chooser.Next(), key)};
        c.Append(args);
        return Reply::Type::kString;
      } else {
        const std::string_view args[] = {"SET", FormatKey(w.chooser.Next(), key), value};
        c.Append(args);
        return Reply::Type::kStatus;
      }
    case CaseKind::kIncr: {
      const std::string_view args[] = {"INCR", FormatKey(w.chooser.Next(), key)};
      c.Append(args);
      return Reply::Type::kInteger;
    }
    case CaseKind::kTtl: {
      static constexpr std::string_view kTtl = "3600";
      static_assert(kTtlSeconds == 3600);
      const std::string_view args[] = {"SET", FormatKey(w.chooser.Next(), key), value, "EX", kTtl};
      c.Append(args);
      return Reply::Type::kStatus;
    }
    case CaseKind::kMset:
    case CaseKind::kMget: {
      char keys[kKeysPerBulkCommand][kKeyLength];
      std::string_view args[1 + 2 * kKeysPerBulkCommand];
      const bool set = kind == CaseKind::kMset;
      size_t n = 0;
      args[n++] = set ? "MSET" : "MGET";
      for (int i = 0; i < kKeysPerBulkCommand; ++i) {
        args[n++] = FormatKey(w.chooser.Next(), keys[i]);
        if (set) args[n++] = value;
      }
      c.Append(std::span<const std::string_view>(args, n));
      return set ? Reply::Type::kStatus : Reply::Type::kArray;
    }
    case CaseKind::kLPush: {
      const std::string_view args[] = {"LPUSH", "mylist", value};
      c.Append(args);
      return Reply::Type::kInteger;
    }
    case CaseKind::kLPop: {
      const std::string_view args[] = {"LPOP", "mylist"};
      c.Append(args);
      return Reply::Type::kString;
    }
    case CaseKind::kHSet: {
      char member[kMemberLength + 1];
      const std::string_view args[] = {"HSET", "myhash", FormatMember(w.chooser.Next(), member),
                                       value};
      c.Append(args);
      return Reply::Type::kInteger;
    }
    case CaseKind::kSAdd: {
      char member[kMemberLength + 1];
      const std::string_view args[] = {"SADD", "myset", FormatMember(w.chooser.Next(), member)};
      c.Append(args);
      return Reply::Type::kInteger;
    }
    case CaseKind::kSPop: {
      const std::string_view args[] = {"SPOP", "myset"};
      c.Append(args);
      return Reply::Type::kString;
    }
    case CaseKind::kZAdd: {
      // redis-benchmark -r: "ZADD myzset __rand_int__ element:__rand_int__", two draws.
      char score_buf[workload::kKeyDigits];
      workload::WriteKeyDigits(score_buf, w.chooser.rng().Uniform(kScoreRange));
      const std::string_view score(score_buf, workload::kKeyDigits);
      char member[kMemberLength + 1];
      const std::string_view args[] = {"ZADD", "myzset", score,
                                       FormatMember(w.chooser.Next(), member)};
      c.Append(args);
      return Reply::Type::kInteger;
    }
    case CaseKind::kZPopMin: {
      const std::string_view args[] = {"ZPOPMIN", "myzset"};
      c.Append(args);
      return Reply::Type::kArray;
    }
    case CaseKind::kLRange100: {
      static_assert(kLRangeCount == 100);
      const std::string_view args[] = {"LRANGE", "mylist", "0", "99"};
      c.Append(args);
      return Reply::Type::kArray;
    }
    case CaseKind::kSet:
    case CaseKind::kLatencySet:
    case CaseKind::kPoolSet:
    case CaseKind::kPoolOverhead:
    case CaseKind::kLock:
    case CaseKind::kMulti:
    case CaseKind::kEvalsha:
    case CaseKind::kPublish:
      break;
  }
  const std::string_view args[] = {"SET", FormatKey(w.chooser.Next(), key), value};
  c.Append(args);
  return Reply::Type::kStatus;
}

// Sends `count` requests in one pipeline round on c and reads their replies; the latency of each
// request runs from the round's send to the moment its own reply has been read.
Status Round(CaseKind kind, int count, const workload::Workload& workload, Worker& w,
             fixtures::Client& c, Clock::time_point t0, int64_t* elapsed_ns = nullptr) {
  w.expected.clear();
  for (int i = 0; i < count; ++i) w.expected.push_back(AppendRequest(kind, workload, w, c));
  const std::string_view command = CaseName(kind);
  const auto array = ExpectedArray(kind);
  for (int i = 0; i < count; ++i) {
    Result<Reply> r = c.ReadReply();
    if (!r.ok()) return Error{r.error()};
    const int64_t ns = NanosSince(t0);
    w.histogram.Record(ns);
    if (elapsed_ns != nullptr) *elapsed_ns = ns;
    ++w.requests;
    const Reply::Type expected = w.expected[static_cast<size_t>(i)];
    if (Status s = Check(command, *r, expected, array, w); !s.ok()) return s;
  }
  w.items += count;
  return {};
}

// Reads one reply of a multi-reply exchange; I/O errors and error replies become Errors that
// name the command.
Result<Reply> ReadChecked(std::string_view command, fixtures::Client& c) {
  Result<Reply> r = c.ReadReply();
  if (!r.ok()) return Error{r.error()};
  if (r->is_error()) return Error{std::string(command) + " replied: " + r->str};
  return r;
}

// MULTI: `pipeline` transactions per round, each MULTI, SET, GET, INCR, EXEC. A transaction's
// latency runs from the round's send to its EXEC reply; it is one request and one item.
Status MultiRound(int pipeline, const workload::Workload& workload, Worker& w,
                  fixtures::Client& c) {
  static_assert(kMultiCommands == 3);
  char set_key[kKeyLength];
  char get_key[kKeyLength];
  char counter_buf[32];
  const std::string_view counter(
      counter_buf, static_cast<size_t>(
                       std::snprintf(counter_buf, sizeof(counter_buf), "kvbench:txn:%d", w.index)));
  const auto t0 = Clock::now();
  for (int i = 0; i < pipeline; ++i) {
    const std::string_view multi[] = {"MULTI"};
    const std::string_view set[] = {"SET", FormatKey(w.chooser.Next(), set_key), workload.value()};
    const std::string_view get[] = {"GET", FormatKey(w.chooser.Next(), get_key)};
    const std::string_view incr[] = {"INCR", counter};
    const std::string_view exec[] = {"EXEC"};
    c.Append(multi);
    c.Append(set);
    c.Append(get);
    c.Append(incr);
    c.Append(exec);
  }
  for (int i = 0; i < pipeline; ++i) {
    Result<Reply> ok = ReadChecked("MULTI", c);
    if (!ok.ok()) return Error{ok.error()};
    if (!ok->is_ok())
      return Error{"MULTI replied with " + TypeName(ok->type) + " '" + ok->str + "'"};
    for (int k = 0; k < kMultiCommands; ++k) {
      Result<Reply> queued = ReadChecked("a queued command", c);
      if (!queued.ok()) return Error{queued.error()};
      if (queued->type != Reply::Type::kStatus || queued->str != "QUEUED") {
        return Error{"a command inside MULTI replied with " + TypeName(queued->type) + " '" +
                     queued->str + "', expected QUEUED"};
      }
    }
    Result<Reply> exec = ReadChecked("EXEC", c);
    if (!exec.ok()) return Error{exec.error()};
    if (exec->type != Reply::Type::kArray || exec->array_size != kMultiCommands) {
      return Error{"EXEC replied with " + TypeName(exec->type) + " of " +
                   std::to_string(exec->array_size) + " elements, expected " +
                   std::to_string(kMultiCommands)};
    }
    w.histogram.Record(NanosSince(t0));
    ++w.requests;
  }
  w.items += pipeline;
  return {};
}

// EVALSHA: `pipeline` pairs per round of SET key token PX 1000 and the lock release script by
// EVALSHA (compare and delete). A pair is one request and one item; its latency runs to the
// EVALSHA reply. A release that finds another token (another client reused the key in between)
// counts as a lost lock, not an error.
Status EvalshaRound(int pipeline, const Target& target, Worker& w, fixtures::Client& c) {
  if (target.lock_release_sha.empty()) {
    return Error{"EVALSHA: the lock release script could not be loaded: " + target.script_error};
  }
  char keys[64][kKeyLength];
  char tokens[64][32];
  static constexpr std::string_view kPx = "1000";
  static_assert(kLockTtlMs == 1000);
  const auto t0 = Clock::now();
  const int n = std::min(pipeline, 64);
  for (int i = 0; i < n; ++i) {
    const std::string_view key = FormatKey(w.chooser.Next(), keys[i]);
    const std::string_view token(tokens[i], static_cast<size_t>(std::snprintf(
                                                tokens[i], sizeof(tokens[i]), "w%d-%llu", w.index,
                                                static_cast<unsigned long long>(++w.token_seq))));
    const std::string_view set[] = {"SET", key, token, "PX", kPx};
    const std::string_view release[] = {"EVALSHA", target.lock_release_sha, "1", key, token};
    c.Append(set);
    c.Append(release);
  }
  for (int i = 0; i < n; ++i) {
    Result<Reply> set = ReadChecked("SET", c);
    if (!set.ok()) return Error{set.error()};
    if (!set->is_ok()) return Error{"SET replied with " + TypeName(set->type)};
    Result<Reply> release = ReadChecked("EVALSHA", c);
    if (!release.ok()) return Error{release.error()};
    if (release->type != Reply::Type::kInteger)
      return Error{"EVALSHA replied with " + TypeName(release->type) + ", expected integer"};
    if (release->integer != 1) ++w.lock_lost;
    w.histogram.Record(NanosSince(t0));
    ++w.requests;
  }
  w.items += n;
  return {};
}

// PUBLISH: `pipeline` publishes per round to the channel the case's SubscriberGroup listens on;
// each must reach every subscriber.
Status PublishRound(int pipeline, const workload::Workload& workload, Worker& w,
                    fixtures::Client& c) {
  const auto t0 = Clock::now();
  for (int i = 0; i < pipeline; ++i) {
    const std::string_view args[] = {"PUBLISH", kPublishChannel, workload.value()};
    c.Append(args);
  }
  for (int i = 0; i < pipeline; ++i) {
    Result<Reply> r = ReadChecked("PUBLISH", c);
    if (!r.ok()) return Error{r.error()};
    if (r->type != Reply::Type::kInteger || r->integer != kPublishSubscribers) {
      return Error{"PUBLISH reached " + std::to_string(r->integer) + " subscribers, expected " +
                   std::to_string(kPublishSubscribers)};
    }
    w.histogram.Record(NanosSince(t0));
    ++w.requests;
  }
  w.items += pipeline;
  return {};
}

// LPOP, SPOP, ZPOPMIN and LRANGE_100: kPopPrefill values pushed on mylist, members element:0..
// added to myset, or the same members with scores 0.. added to myzset; 100 per command, 16
// commands per pipeline round.
Status Prefill(CaseKind kind, const workload::Workload& workload, fixtures::Client& admin) {
  constexpr int kPerCommand = 100;
  constexpr int kInFlight = 16;
  const bool set = kind == CaseKind::kSPop;
  const bool zset = kind == CaseKind::kZPopMin;
  const std::string_view command = set ? "SADD" : zset ? "ZADD" : "LPUSH";
  std::vector<std::string> members;  // members and scores of one command (their views are args)
  std::vector<std::string_view> args;
  int next = 0;
  while (next < kPopPrefill) {
    int sent = 0;
    for (; sent < kInFlight && next < kPopPrefill; ++sent) {
      args.clear();
      args.push_back(command);
      args.push_back(set ? "myset" : zset ? "myzset" : "mylist");
      members.clear();
      members.reserve(2 * kPerCommand);  // no reallocation: args keeps views into it
      for (int i = 0; i < kPerCommand && next < kPopPrefill; ++i, ++next) {
        if (!set && !zset) {
          args.push_back(workload.value());
          continue;
        }
        if (zset) args.push_back(members.emplace_back(std::to_string(next)));
        char member[kMemberLength + 1];
        args.push_back(members.emplace_back(FormatMember(static_cast<uint64_t>(next), member)));
      }
      admin.Append(args);
    }
    for (int i = 0; i < sent; ++i) {
      Result<Reply> r = fixtures::ExpectNoError(admin.ReadReply());
      if (!r.ok()) return Error{std::string(command) + " (prefill): " + r.error()};
    }
  }
  return {};
}

Status LockAttempt(const CaseSpec& spec, const Target& target, Worker& w) {
  fixtures::Client& c = *w.client;
  char key_buf[32];
  char token_buf[48];
  const std::string_view key(key_buf, static_cast<size_t>(std::snprintf(
                                          key_buf, sizeof(key_buf), "lock:%llu",
                                          static_cast<unsigned long long>(w.chooser.rng().Uniform(
                                              static_cast<uint64_t>(spec.locks))))));
  const std::string_view token(token_buf, static_cast<size_t>(std::snprintf(
                                              token_buf, sizeof(token_buf), "w%d-%llu", w.index,
                                              static_cast<unsigned long long>(++w.token_seq))));
  static constexpr std::string_view kPx = "1000";
  static_assert(kLockTtlMs == 1000);
  auto t0 = Clock::now();
  Result<Reply> acquire =
      c.Call({"SET", key, token, "NX", "PX", kPx}, fixtures::ReplyDetail::kSummary);
  if (!acquire.ok()) return Error{acquire.error()};
  w.histogram.Record(NanosSince(t0));
  ++w.requests;
  ++w.items;
  if (acquire->is_error()) return Error{"SET NX replied: " + acquire->str};
  if (acquire->type == Reply::Type::kNil) {
    ++w.lock_failed;
    return {};
  }
  if (!acquire->is_ok()) return Error{"SET NX replied with " + TypeName(acquire->type)};
  ++w.lock_acquired;
  t0 = Clock::now();
  Result<Reply> release = target.uses_delifeq()
                              ? c.Call({"DELIFEQ", key, token}, fixtures::ReplyDetail::kSummary)
                              : c.Call({"EVALSHA", target.lock_release_sha, "1", key, token},
                                       fixtures::ReplyDetail::kSummary);
  if (!release.ok()) return Error{release.error()};
  w.histogram.Record(NanosSince(t0));
  ++w.requests;
  if (release->is_error()) {
    return Error{std::string(target.uses_delifeq() ? "DELIFEQ" : "EVALSHA") +
                 " replied: " + release->str};
  }
  if (release->type != Reply::Type::kInteger)
    return Error{"lock release replied with " + TypeName(release->type)};
  if (release->integer != 1) ++w.lock_lost;  // expired or taken over before release
  return {};
}

}  // namespace

std::string_view CaseName(CaseKind kind) {
  switch (kind) {
    case CaseKind::kSet:
      return "SET";
    case CaseKind::kGet:
      return "GET";
    case CaseKind::kMixed:
      return "MIXED";
    case CaseKind::kIncr:
      return "INCR";
    case CaseKind::kMset:
      return "MSET";
    case CaseKind::kMget:
      return "MGET";
    case CaseKind::kTtl:
      return "TTL";
    case CaseKind::kLock:
      return "LOCK";
    case CaseKind::kPoolSet:
      return "POOL_SET";
    case CaseKind::kPoolMixed:
      return "POOL_MIXED";
    case CaseKind::kPoolOverhead:
      return "POOL_OVERHEAD";
    case CaseKind::kLatencySet:
      return "LATENCY_SET";
    case CaseKind::kLatencyGet:
      return "LATENCY_GET";
    case CaseKind::kMulti:
      return "MULTI";
    case CaseKind::kEvalsha:
      return "EVALSHA";
    case CaseKind::kPublish:
      return "PUBLISH";
    case CaseKind::kLPush:
      return "LPUSH";
    case CaseKind::kLPop:
      return "LPOP";
    case CaseKind::kHSet:
      return "HSET";
    case CaseKind::kSAdd:
      return "SADD";
    case CaseKind::kSPop:
      return "SPOP";
    case CaseKind::kZAdd:
      return "ZADD";
    case CaseKind::kZPopMin:
      return "ZPOPMIN";
    case CaseKind::kLRange100:
      return "LRANGE_100";
  }
  return "?";
}

std::vector<std::string_view> CollectionCommands(CaseKind kind) {
  switch (kind) {
    case CaseKind::kLPush:
      return {"LPUSH"};
    case CaseKind::kLPop:
      return {"LPOP", "LPUSH"};
    case CaseKind::kLRange100:
      return {"LRANGE", "LPUSH"};
    case CaseKind::kHSet:
      return {"HSET"};
    case CaseKind::kSAdd:
      return {"SADD"};
    case CaseKind::kSPop:
      return {"SPOP", "SADD"};
    case CaseKind::kZAdd:
      return {"ZADD"};
    case CaseKind::kZPopMin:
      return {"ZPOPMIN", "ZADD"};
    default:
      return {};
  }
}

Status Prepare(const CaseSpec& spec, const workload::Workload& workload, fixtures::Client& admin) {
  Result<Reply> flushed = fixtures::ExpectNoError(admin.Call({"FLUSHALL"}));
  if (!flushed.ok()) return Error{"FLUSHALL: " + flushed.error()};
  switch (spec.kind) {
    case CaseKind::kGet:
    case CaseKind::kMixed:
    case CaseKind::kMget:
    case CaseKind::kPoolMixed:
    case CaseKind::kLatencyGet:
      return fixtures::Populate(admin, workload);
    case CaseKind::kLPop:
    case CaseKind::kSPop:
    case CaseKind::kZPopMin:
    case CaseKind::kLRange100:
      return Prefill(spec.kind, workload, admin);
    default:
      return {};
  }
}

Status Step(const CaseSpec& spec, const Target& target, const workload::Workload& workload,
            Worker& w) {
  switch (spec.kind) {
    case CaseKind::kLock:
      return LockAttempt(spec, target, w);
    case CaseKind::kMulti:
      return MultiRound(spec.pipeline, workload, w, *w.client);
    case CaseKind::kEvalsha:
      return EvalshaRound(spec.pipeline, target, w, *w.client);
    case CaseKind::kPublish:
      return PublishRound(spec.pipeline, workload, w, *w.client);
    case CaseKind::kPoolSet:
    case CaseKind::kPoolMixed: {
      // The latency of a pooled request includes waiting for a free connection.
      const auto t0 = Clock::now();
      Result<fixtures::ClientPool::Lease> lease = w.pool->Borrow();
      if (!lease.ok()) return Error{lease.error()};
      return Round(spec.kind, spec.pipeline, workload, w, **lease, t0);
    }
    case CaseKind::kPoolOverhead: {
      // The same SET through the pool (borrow, send, return) and on a dedicated connection,
      // alternated so that both see the same conditions.
      int64_t ns = 0;
      auto t0 = Clock::now();
      {
        Result<fixtures::ClientPool::Lease> lease = w.pool->Borrow();
        if (!lease.ok()) return Error{lease.error()};
        if (Status s = Round(CaseKind::kSet, 1, workload, w, **lease, t0); !s.ok()) return s;
      }
      w.pool_ns += NanosSince(t0);
      ++w.pool_ops;
      t0 = Clock::now();
      if (Status s = Round(CaseKind::kSet, 1, workload, w, *w.client, t0, &ns); !s.ok()) return s;
      w.direct_ns += ns;
      ++w.direct_ops;
      return {};
    }
    default:
      return Round(spec.kind, spec.pipeline, workload, w, *w.client, Clock::now());
  }
}

}  // namespace kv::bench
