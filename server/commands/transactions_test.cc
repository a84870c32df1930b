// MULTI/EXEC/DISCARD/WATCH/UNWATCH in process. Expected replies checked against
// redis-server 7.0.15.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "server/commands/command_test_util.h"

namespace kv::server {
namespace {

using testing::Array;
using testing::Bulk;
using testing::Err;
using testing::Harness;
using testing::Int;
using testing::kNil;
using testing::kNullArray;
using testing::kOK;

const std::string kQueued = "+QUEUED\r\n";
const std::string kExecAbort = Err("EXECABORT Transaction discarded because of previous errors.");

// A second client of the same server.
struct Other {
  explicit Other(Harness& harness) : h(harness) { s.id = 2; }
  ~Other() { h.processor.OnClose(s); }
  std::string Run(std::initializer_list<std::string_view> args) {
    return h.RunAs(s, std::vector<std::string>(args.begin(), args.end()));
  }
  Harness& h;
  Session s;
};

std::string InfoField(Harness& h, const std::string& name) {
  const std::string info = h.Run({"INFO", "stats"});
  const size_t at = info.find(name + ":");
  if (at == std::string::npos) return "";
  const size_t end = info.find("\r\n", at);
  return info.substr(at + name.size() + 1, end - at - name.size() - 1);
}

TEST(TransactionsTest, QueuedCommandsRunAtExecOnly) {
  Harness h;
  Other b(h);
  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  EXPECT_EQ(h.Run({"SET", "a", "1"}), kQueued);
  EXPECT_EQ(h.Run({"INCR", "a"}), kQueued);
  EXPECT_EQ(h.Run({"GET", "a"}), kQueued);
  EXPECT_EQ(b.Run({"GET", "a"}), kNil);  // nothing ran yet
  EXPECT_EQ(h.Run({"EXEC"}), Array({kOK, Int(2), Bulk("2")}));
  EXPECT_EQ(b.Run({"GET", "a"}), Bulk("2"));
  EXPECT_EQ(h.Run({"EXEC"}), Err("ERR EXEC without MULTI"));
  // An empty transaction is an empty array.
  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  EXPECT_EQ(h.Run({"EXEC"}), "*0\r\n");
}

TEST(TransactionsTest, RuntimeErrorIsOneElementAndTheRestRuns) {
  Harness h;
  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  EXPECT_EQ(h.Run({"SET", "a", "x"}), kQueued);
  EXPECT_EQ(h.Run({"INCR", "a"}), kQueued);
  EXPECT_EQ(h.Run({"MSET", "b", "1", "c"}), kQueued);  // odd count: the handler's arity check
  EXPECT_EQ(h.Run({"SET", "d", "4"}), kQueued);
  EXPECT_EQ(h.Run({"EXEC"}), Array({kOK, Err("ERR value is not an integer or out of range"),
                                    Err("ERR wrong number of arguments for 'mset' command"), kOK}));
  EXPECT_EQ(h.Run({"GET", "d"}), Bulk("4"));
}

TEST(TransactionsTest, RejectedWhileQueuingAbortsExecAndCountsAsRejected) {
  Harness h;
  const int before = std::stoi(InfoField(h, "total_error_replies"));
  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  EXPECT_EQ(h.Run({"SET", "a", "1"}), kQueued);
  EXPECT_EQ(h.Run({"NOSUCH", "x"}),
            Err("ERR unknown command 'NOSUCH', with args beginning with: 'x' "));
  EXPECT_EQ(h.Run({"GET"}), Err("ERR wrong number of arguments for 'get' command"));
  EXPECT_EQ(h.Run({"SET", "b", "2"}), kQueued);  // still QUEUED, but nothing will run
  EXPECT_EQ(h.Run({"EXEC"}), kExecAbort);
  EXPECT_EQ(h.Run({"GET", "a"}), kNil);
  EXPECT_EQ(h.Run({"EXEC"}), Err("ERR EXEC without MULTI"));
  // Every error reply counts, as redis-server 7.0.15 shows: the two rejections, EXECABORT and
  // EXEC without MULTI (errorstat_ERR 3, errorstat_EXECABORT 1).
  EXPECT_EQ(std::stoi(InfoField(h, "total_error_replies")), before + 4);
}

TEST(TransactionsTest, CommandsThatRunInsideMulti) {
  Harness h;
  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  EXPECT_EQ(h.Run({"MULTI"}), Err("ERR MULTI calls can not be nested"));
  EXPECT_EQ(h.Run({"WATCH", "k"}), Err("ERR WATCH inside MULTI is not allowed"));
  EXPECT_EQ(h.Run({"UNWATCH"}), kQueued);  // UNWATCH is queued like any command
  EXPECT_EQ(h.Run({"SET", "a", "1"}), kQueued);
  // Those errors come from the commands themselves: the transaction is not doomed.
  EXPECT_EQ(h.Run({"EXEC"}), Array({kOK, kOK}));
}

TEST(TransactionsTest, DiscardDropsTheQueue) {
  Harness h;
  EXPECT_EQ(h.Run({"DISCARD"}), Err("ERR DISCARD without MULTI"));
  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  EXPECT_EQ(h.Run({"SET", "a", "1"}), kQueued);
  EXPECT_EQ(h.Run({"DISCARD", "x"}), Err("ERR wrong number of arguments for 'discard' command"));
  EXPECT_EQ(h.Run({"DISCARD"}), kOK);
  EXPECT_EQ(h.Run({"GET", "a"}), kNil);
  EXPECT_EQ(h.Run({"EXEC"}), Err("ERR EXEC without MULTI"));
}

TEST(TransactionsTest, NoMultiCommandIsRefused) {
  Harness h;
  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  EXPECT_EQ(h.Run({"SHUTDOWN"}), Err("ERR Command not allowed inside a transaction"));
  EXPECT_EQ(h.Run({"EXEC"}), kExecAbort);
  EXPECT_FALSE(h.control.shutdown_requested);
}

TEST(TransactionsTest, RejectedExecEndsTheTransaction) {
  Harness h;
  // Even outside MULTI, Redis words a rejected EXEC as EXECABORT.
  EXPECT_EQ(h.Run({"EXEC", "x"}),
            Err("EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' "
                "command"));
  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  EXPECT_EQ(h.Run({"SET", "a", "1"}), kQueued);
  EXPECT_EQ(h.Run({"EXEC", "x"}),
            Err("EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' "
                "command"));
  EXPECT_EQ(h.Run({"EXEC"}), Err("ERR EXEC without MULTI"));
  EXPECT_EQ(h.Run({"GET", "a"}), kNil);
}

TEST(TransactionsTest, OverMaxmemoryEveryQueuedCommandIsRefused) {
  Harness h;
  const std::string oom = Err("OOM command not allowed when used memory > 'maxmemory'.");
  h.config.maxmemory = 1;
  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  EXPECT_EQ(h.Run({"GET", "a"}), oom);  // not denyoom, but queuing costs memory
  EXPECT_EQ(h.Run({"MULTI"}), oom);
  EXPECT_EQ(h.Run({"EXEC"}), kExecAbort);
  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  EXPECT_EQ(h.Run({"DISCARD"}), kOK);  // DISCARD always runs
  // Queued before the limit: EXEC aborts when a queued command is denyoom, else it runs.
  h.config.maxmemory = 0;
  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  EXPECT_EQ(h.Run({"SET", "a", "1"}), kQueued);
  h.config.maxmemory = 1;
  EXPECT_EQ(h.Run({"EXEC"}),
            Err("EXECABORT Transaction discarded because of: OOM command not allowed when used "
                "memory > 'maxmemory'."));
  h.config.maxmemory = 0;
  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  EXPECT_EQ(h.Run({"GET", "a"}), kQueued);
  h.config.maxmemory = 1;
  EXPECT_EQ(h.Run({"EXEC"}), Array({kNil}));
}

TEST(TransactionsTest, QueueBeyondQueryBufferLimitClosesTheClient) {
  Harness h;
  h.config.client_query_buffer_limit = 4096;
  const std::string value(1500, 'v');
  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  EXPECT_EQ(h.Run({"SET", "a", value}), kQueued);
  EXPECT_EQ(h.Run({"SET", "b", value}), kQueued);
  EXPECT_FALSE(h.session.close_now);
  EXPECT_EQ(h.Run({"SET", "c", value}), "");  // no reply: the connection is closed
  EXPECT_TRUE(h.session.close_now);
  EXPECT_NE(h.session.close_reason.find("client-query-buffer-limit"), std::string::npos);
  // The queue is gone, not kept until the connection closes.
  EXPECT_FALSE(h.session.txn.in_multi);
  EXPECT_TRUE(h.session.txn.queued_args.empty());
  EXPECT_EQ(h.session.txn.queued_bytes, 0u);
}

TEST(TransactionsTest, DoomedTransactionKeepsNothing) {
  Harness h;
  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  EXPECT_EQ(h.Run({"NOSUCH"}), Err("ERR unknown command 'NOSUCH', with args beginning with: "));
  EXPECT_EQ(h.Run({"SET", "a", "1"}), kQueued);
  EXPECT_TRUE(h.session.txn.queued_args.empty());
  EXPECT_EQ(h.Run({"EXEC"}), kExecAbort);
}

TEST(TransactionsTest, ExecCountsEachCommand) {
  Harness h;
  const int before = std::stoi(InfoField(h, "total_commands_processed"));
  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  EXPECT_EQ(h.Run({"SET", "a", "1"}), kQueued);
  EXPECT_EQ(h.Run({"GET", "a"}), kQueued);
  EXPECT_EQ(h.Run({"EXEC"}), Array({kOK, Bulk("1")}));
  // The INFO before, MULTI, SET, GET, EXEC (queued calls are not counted; their runs are).
  EXPECT_EQ(std::stoi(InfoField(h, "total_commands_processed")), before + 1 + 1 + 2 + 1);
}

TEST(TransactionsTest, SelectInsideTransactionApplies) {
  Harness h;
  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  EXPECT_EQ(h.Run({"SELECT", "3"}), kQueued);
  EXPECT_EQ(h.Run({"SET", "a", "1"}), kQueued);
  EXPECT_EQ(h.Run({"EXEC"}), Array({kOK, kOK}));
  EXPECT_EQ(h.session.db, 3);
  EXPECT_EQ(h.Run({"GET", "a"}), Bulk("1"));
}

// WATCH.

// Runs an empty MULTI/EXEC and returns EXEC's reply: "*0" when it ran, "*-1" when aborted.
std::string TryExec(Harness& h) {
  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  return h.Run({"EXEC"});
}
const std::string kRan = "*0\r\n";

// h WATCHes key, b runs write, then h's empty transaction: its EXEC reply.
std::string WatchWriteExec(Harness& h, Other& b, std::string_view key,
                           std::initializer_list<std::string_view> write) {
  EXPECT_EQ(h.Run({"WATCH", key}), kOK);
  const std::string out = b.Run(write);
  EXPECT_NE(out[0], '-') << out;
  return TryExec(h);
}

TEST(TransactionsTest, WatchedKeyChangedByAnotherClientAbortsExec) {
  Harness h;
  Other b(h);
  EXPECT_EQ(h.Run({"SET", "k", "1"}), kOK);
  EXPECT_EQ(h.Run({"WATCH", "k"}), kOK);
  EXPECT_EQ(b.Run({"SET", "k", "2"}), kOK);
  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  EXPECT_EQ(h.Run({"SET", "k", "mine"}), kQueued);
  EXPECT_EQ(h.Run({"EXEC"}), kNullArray);
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk("2"));
  // EXEC ended the watch: the next transaction runs.
  EXPECT_EQ(b.Run({"SET", "k", "3"}), kOK);
  EXPECT_EQ(TryExec(h), kRan);
}

TEST(TransactionsTest, AbortedExecIsNullInResp3) {
  Harness h;
  Other b(h);
  h.session.protocol = 3;
  EXPECT_EQ(h.Run({"WATCH", "k"}), kOK);
  EXPECT_EQ(b.Run({"SET", "k", "2"}), kOK);
  EXPECT_EQ(TryExec(h), "_\r\n");
}

TEST(TransactionsTest, OwnChangeBeforeMultiAbortsExec) {
  Harness h;
  EXPECT_EQ(h.Run({"WATCH", "k"}), kOK);
  EXPECT_EQ(h.Run({"SET", "k", "2"}), kOK);
  EXPECT_EQ(TryExec(h), kNullArray);
}

TEST(TransactionsTest, WriteThatChangesNothingDoesNotTouch) {
  Harness h;
  Other b(h);
  EXPECT_EQ(h.Run({"SET", "k", "1"}), kOK);
  EXPECT_EQ(h.Run({"WATCH", "k", "missing"}), kOK);
  EXPECT_EQ(b.Run({"SET", "k", "2", "NX"}), kNil);
  EXPECT_EQ(b.Run({"DEL", "missing"}), Int(0));
  EXPECT_EQ(b.Run({"PERSIST", "k"}), Int(0));
  EXPECT_EQ(b.Run({"GETEX", "k", "PERSIST"}), Bulk("1"));
  EXPECT_EQ(b.Run({"SETRANGE", "k", "0", ""}), Int(1));
  EXPECT_EQ(b.Run({"EXPIRE", "missing", "10"}), Int(0));
  EXPECT_EQ(b.Run({"GET", "k"}), Bulk("1"));
  EXPECT_EQ(TryExec(h), kRan);
}

TEST(TransactionsTest, EveryKindOfWriteTouches) {
  Harness h;
  Other b(h);
  const std::vector<std::vector<std::string>> writes = {
      {"SET", "k", "2"},
      {"DEL", "k"},
      {"UNLINK", "k"},
      {"EXPIRE", "k", "100"},
      {"PERSIST", "k"},
      {"INCR", "k"},
      {"APPEND", "k", "x"},
      {"APPEND", "k", ""},
      {"SETRANGE", "k", "0", "z"},
      {"GETDEL", "k"},
      {"GETSET", "k", "3"},
      {"GETEX", "k", "PX", "100000"},
      {"RENAME", "k", "other"},
      {"RENAME", "src", "k"},
      {"MSET", "k", "1"},
      {"DELIFEQ", "k", "1"},
      {"INCRBYFLOAT", "k", "1.5"},
      {"MOVE", "k", "1"},
      {"COPY", "src", "k", "REPLACE"},
      {"FLUSHDB"},
      {"FLUSHALL"},
      {"SWAPDB", "0", "1"},
  };
  for (const auto& write : writes) {
    EXPECT_EQ(h.Run({"FLUSHALL"}), kOK);
    EXPECT_EQ(h.Run({"SET", "k", "1", "PX", "1000000"}), kOK);
    EXPECT_EQ(h.Run({"SET", "src", "s"}), kOK);
    EXPECT_EQ(h.Run({"WATCH", "k"}), kOK);
    std::string out = h.RunAs(b.s, write);
    EXPECT_NE(out[0], '-') << write[0] << ": " << out;
    EXPECT_EQ(TryExec(h), kNullArray) << write[0];
  }
}

TEST(TransactionsTest, WatchedKeyExpiringAfterWatchAbortsExec) {
  Harness h;
  EXPECT_EQ(h.Run({"SET", "k", "1", "PX", "100"}), kOK);
  EXPECT_EQ(h.Run({"WATCH", "k"}), kOK);
  h.AdvanceMs(200);  // expired, not yet deleted
  EXPECT_EQ(TryExec(h), kNullArray);
  // Deleted by a read of another client: the deletion touches it.
  Other b(h);
  EXPECT_EQ(h.Run({"SET", "k", "1", "PX", "100"}), kOK);
  EXPECT_EQ(h.Run({"WATCH", "k"}), kOK);
  h.AdvanceMs(200);
  EXPECT_EQ(b.Run({"GET", "k"}), kNil);
  EXPECT_EQ(TryExec(h), kNullArray);
}

TEST(TransactionsTest, KeyAlreadyExpiredAtWatchDoesNotAbortUntilWritten) {
  Harness h;
  Other b(h);
  EXPECT_EQ(h.Run({"SET", "k", "1", "PX", "100"}), kOK);
  h.AdvanceMs(200);
  EXPECT_EQ(h.Run({"WATCH", "k"}), kOK);
  EXPECT_EQ(b.Run({"GET", "k"}), kNil);  // deletes it: logically nothing changed
  EXPECT_EQ(TryExec(h), kRan);
  // Expired at WATCH, then written: aborts.
  EXPECT_EQ(h.Run({"SET", "k", "1", "PX", "100"}), kOK);
  h.AdvanceMs(200);
  EXPECT_EQ(h.Run({"WATCH", "k"}), kOK);
  EXPECT_EQ(b.Run({"SET", "k", "2"}), kOK);
  EXPECT_EQ(TryExec(h), kNullArray);
  // Expired at WATCH, FLUSHDB removes it: no change.
  EXPECT_EQ(h.Run({"SET", "k", "1", "PX", "100"}), kOK);
  h.AdvanceMs(200);
  EXPECT_EQ(h.Run({"WATCH", "k"}), kOK);
  EXPECT_EQ(b.Run({"FLUSHDB"}), kOK);
  EXPECT_EQ(TryExec(h), kRan);
}

TEST(TransactionsTest, FlushTouchesOnlyKeysThatExist) {
  Harness h;
  Other b(h);
  EXPECT_EQ(WatchWriteExec(h, b, "missing", {"FLUSHDB"}), kRan);
  // FLUSHDB of another db does not touch db 0's keys; FLUSHALL does.
  EXPECT_EQ(h.Run({"SET", "k", "1"}), kOK);
  EXPECT_EQ(b.Run({"SELECT", "1"}), kOK);
  EXPECT_EQ(WatchWriteExec(h, b, "k", {"FLUSHDB"}), kRan);
  EXPECT_EQ(WatchWriteExec(h, b, "k", {"FLUSHALL"}), kNullArray);
}

TEST(TransactionsTest, WatchIsPerDatabase) {
  Harness h;
  Other b(h);
  EXPECT_EQ(b.Run({"SELECT", "1"}), kOK);
  EXPECT_EQ(WatchWriteExec(h, b, "k", {"SET", "k", "1"}), kRan);
  // A key watched in db 1 stays watched in db 1 after SELECT 0.
  EXPECT_EQ(h.Run({"SELECT", "1"}), kOK);
  EXPECT_EQ(h.Run({"WATCH", "k"}), kOK);
  EXPECT_EQ(h.Run({"SELECT", "0"}), kOK);
  EXPECT_EQ(b.Run({"DEL", "k"}), Int(1));
  EXPECT_EQ(TryExec(h), kNullArray);
}

TEST(TransactionsTest, SwapDbTouchesKeysInEitherDatabase) {
  Harness h;
  Other b(h);
  EXPECT_EQ(b.Run({"SELECT", "1"}), kOK);
  EXPECT_EQ(b.Run({"SET", "k", "1"}), kOK);
  // k: missing in db 0, present in db 1. zz: in neither.
  EXPECT_EQ(WatchWriteExec(h, b, "k", {"SWAPDB", "1", "0"}), kNullArray);
  EXPECT_EQ(WatchWriteExec(h, b, "zz", {"SWAPDB", "0", "1"}), kRan);
}

TEST(TransactionsTest, MoveAndCopyTouchWhatTheyChange) {
  Harness h;
  Other b(h);
  EXPECT_EQ(b.Run({"SET", "src", "1"}), kOK);
  // The source of COPY does not change; the destinations of MOVE and COPY ... DB do.
  EXPECT_EQ(WatchWriteExec(h, b, "src", {"COPY", "src", "dst"}), kRan);
  EXPECT_EQ(h.Run({"SELECT", "5"}), kOK);
  EXPECT_EQ(WatchWriteExec(h, b, "src", {"MOVE", "src", "5"}), kNullArray);
  EXPECT_EQ(WatchWriteExec(h, b, "d2", {"COPY", "dst", "d2", "DB", "5"}), kNullArray);
  EXPECT_EQ(h.Run({"EXISTS", "src", "d2"}), Int(2));
}

TEST(TransactionsTest, UnwatchAndDiscardForgetTheWatches) {
  Harness h;
  Other b(h);
  EXPECT_EQ(h.Run({"WATCH", "k"}), kOK);
  EXPECT_EQ(h.Run({"UNWATCH"}), kOK);
  EXPECT_EQ(b.Run({"SET", "k", "1"}), kOK);
  EXPECT_EQ(TryExec(h), kRan);
  // UNWATCH also clears a dirty flag.
  EXPECT_EQ(h.Run({"WATCH", "k"}), kOK);
  EXPECT_EQ(b.Run({"SET", "k", "2"}), kOK);
  EXPECT_EQ(h.Run({"UNWATCH"}), kOK);
  EXPECT_EQ(TryExec(h), kRan);
  EXPECT_EQ(h.Run({"WATCH", "k"}), kOK);
  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  EXPECT_EQ(h.Run({"DISCARD"}), kOK);
  EXPECT_EQ(b.Run({"SET", "k", "3"}), kOK);
  EXPECT_EQ(TryExec(h), kRan);
}

TEST(TransactionsTest, TransactionsOwnWritesDoNotAbortIt) {
  Harness h;
  Other b(h);
  EXPECT_EQ(h.Run({"WATCH", "k"}), kOK);
  EXPECT_EQ(b.Run({"WATCH", "k"}), kOK);
  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  EXPECT_EQ(h.Run({"SET", "k", "1"}), kQueued);
  EXPECT_EQ(h.Run({"EXEC"}), Array({kOK}));
  // ... but they do touch the other watchers.
  EXPECT_EQ(b.Run({"MULTI"}), kOK);
  EXPECT_EQ(b.Run({"EXEC"}), kNullArray);
}

TEST(TransactionsTest, ClosedConnectionLeavesNoWatchBehind) {
  Harness h;
  auto gone = std::make_unique<Session>();
  gone->id = 9;
  EXPECT_EQ(h.RunAs(*gone, {"WATCH", "k", "j"}), kOK);
  EXPECT_EQ(h.RunAs(*gone, {"MULTI"}), kOK);
  EXPECT_EQ(h.RunAs(*gone, {"SET", "k", "1"}), kQueued);
  h.processor.OnClose(*gone);
  EXPECT_FALSE(gone->txn.in_multi);
  EXPECT_TRUE(gone->txn.watched.empty());
  gone.reset();
  // Touching the keys must not reach the freed session (ASan would report it).
  EXPECT_EQ(h.Run({"SET", "k", "2"}), kOK);
  EXPECT_EQ(h.Run({"FLUSHALL"}), kOK);
  EXPECT_EQ(h.Run({"GET", "k"}), kNil);
}

}  // namespace
}  // namespace kv::server
