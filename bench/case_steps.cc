// What each case sends per iteration, and how its replies are checked and timed.
#include <chrono>
#include <cstdio>
#include <string>

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

// Checks one reply against what its command must return. Error replies fail with the server's
// message; a nil GET counts as a miss.
Status Check(std::string_view command, const Reply& r, Reply::Type expected, Worker& w) {
  if (r.type == Reply::Type::kError) return Error{std::string(command) + " replied: " + r.str};
  if (expected == Reply::Type::kString && r.type == Reply::Type::kNil) {
    ++w.misses;
    return {};
  }
  if (r.type != expected) {
    return Error{std::string(command) + " replied with " + TypeName(r.type) + " '" + r.str +
                 "', expected " + TypeName(expected)};
  }
  if (expected == Reply::Type::kArray && r.array_size != kKeysPerBulkCommand) {
    return Error{std::string(command) + " returned " + std::to_string(r.array_size) +
                 " elements, expected " + std::to_string(kKeysPerBulkCommand)};
  }
  return {};
}

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
    case CaseKind::kSet:
    case CaseKind::kLatencySet:
    case CaseKind::kPoolSet:
    case CaseKind::kPoolOverhead:
    case CaseKind::kLock:
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
  for (int i = 0; i < count; ++i) {
    Result<Reply> r = c.ReadReply();
    if (!r.ok()) return Error{r.error()};
    const int64_t ns = NanosSince(t0);
    w.histogram.Record(ns);
    if (elapsed_ns != nullptr) *elapsed_ns = ns;
    ++w.requests;
    if (Status s = Check(command, *r, w.expected[static_cast<size_t>(i)], w); !s.ok()) return s;
  }
  w.items += count;
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
  }
  return "?";
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
    default:
      return {};
  }
}

Status Step(const CaseSpec& spec, const Target& target, const workload::Workload& workload,
            Worker& w) {
  switch (spec.kind) {
    case CaseKind::kLock:
      return LockAttempt(spec, target, w);
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
