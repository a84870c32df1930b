// kv-server over TCP against malformed streams: every truncation and many single-byte corruptions
// of a valid pipeline, random bytes and random RESP fragments. After each input the connection
// must carry exactly the predicted well-formed replies and be closed, and the server must still
// answer PING on another connection.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "tests/robustness/adversarial_corpus.h"
#include "tests/robustness/kv_server_suite.h"
#include "tests/robustness/stream_model.h"

namespace kv::robustness {
namespace {

// A loop over thousands of inputs stops after this many failures: one broken behaviour should
// not produce thousands of identical messages (or, with read deadlines, run for hours).
constexpr int kMaxFailures = 5;

class RobustnessStreamTest : public KvServerSuite {
 protected:
  // Sends input on a fresh connection, shuts down the writing side, reads until the server closes
  // and checks the replies against PredictReplies(input).
  Status SendAndCheck(std::string_view input) {
    auto conn = RawClient::Connect(port());
    if (!conn.ok()) return Error{"connect: " + conn.error()};
    // A send error is acceptable: the server may close early after a protocol error. The replies
    // (and the close) are checked either way.
    (void)conn->Send(input, After(IoTimeout()));
    (void)conn->ShutdownWrite();
    const ReadOutcome got = conn->ReadUntilClosed(After(IoTimeout()));
    return CheckReplies(got, PredictReplies(input));
  }

  // Sends input on a fresh connection and drops the connection at once (orderly or with a reset).
  Status SendAndDrop(std::string_view input, bool reset) {
    auto conn = RawClient::Connect(port());
    if (!conn.ok()) return Error{"connect: " + conn.error()};
    (void)conn->Send(input, After(IoTimeout()));
    if (reset) {
      conn->CloseWithReset();
    } else {
      conn->Close();
    }
    return {};
  }

  // Runs check(i) for every case, then PING on a persistent control connection (the server must
  // keep serving others); stops after kMaxFailures failures. Returns the number of cases run.
  size_t ForEachCase(size_t cases, const std::function<std::string(size_t)>& describe,
                     const std::function<Status(size_t)>& check) {
    fixtures::ClientOptions options;
    options.io_timeout = IoTimeout();
    auto control = fixtures::Client::Connect(server().endpoint(), options);
    if (!control.ok()) {
      ADD_FAILURE() << "control connection: " << control.error();
      return 0;
    }
    int failures = 0;
    size_t i = 0;
    for (; i < cases && failures < kMaxFailures; ++i) {
      const Status result = check(i);
      if (!result.ok()) {
        ++failures;
        ADD_FAILURE() << describe(i) << ": " << result.error();
      }
      const Status ping = control->Ping();
      if (!ping.ok()) {
        const Status alive = server().CheckAlive();
        ADD_FAILURE() << "after " << describe(i)
                      << ": PING on another connection failed: " << ping.error()
                      << (alive.ok() ? "" : "; " + alive.error()) << "\nkv-server log:\n"
                      << server().LogTail(30);
        return i + 1;
      }
    }
    EXPECT_LT(failures, kMaxFailures) << "stopped after " << kMaxFailures << " failures";
    return i;
  }
};

TEST_F(RobustnessStreamTest, ValidPipelineGetsExactReplies) {
  // The unmodified pipeline (fresh keys): Redis 7's replies byte for byte, and as many as
  // PredictReplies counts (checks the corpus and the counting the other tests rely on).
  const std::string pipeline = ValidPipeline("rob:valid:");
  const StreamExpectation want = PredictReplies(pipeline);
  EXPECT_EQ(want.replies, 18u);
  EXPECT_TRUE(want.protocol_error.empty());
  auto conn = RawClient::Connect(port());
  ASSERT_TRUE(conn.ok()) << conn.error();
  ASSERT_TRUE(conn->Send(pipeline, After(IoTimeout())).ok());
  ASSERT_TRUE(conn->ShutdownWrite().ok());
  const ReadOutcome got = conn->ReadUntilClosed(After(IoTimeout()));
  const Status check = CheckReplies(got, want);
  EXPECT_TRUE(check.ok()) << check.error();
  EXPECT_EQ(Printable(got.data, 1000), Printable(ValidPipelineReplies(), 1000));
}

TEST_F(RobustnessStreamTest, EveryTruncationThenHalfClose) {
  const std::string pipeline = ValidPipeline("rob:trunc:");
  const size_t run = ForEachCase(
      pipeline.size(),
      [&](size_t i) { return "prefix of " + std::to_string(i) + " bytes then SHUT_WR"; },
      [&](size_t i) { return SendAndCheck(std::string_view(pipeline).substr(0, i)); });
  EXPECT_EQ(run, pipeline.size());
}

TEST_F(RobustnessStreamTest, EveryTruncationThenCloseOrReset) {
  const std::string pipeline = ValidPipeline("rob:drop:");
  const size_t run = ForEachCase(
      2 * pipeline.size(),
      [&](size_t i) {
        return "prefix of " + std::to_string(i / 2) + " bytes then " +
               (i % 2 == 0 ? "close" : "reset");
      },
      [&](size_t i) {
        return SendAndDrop(std::string_view(pipeline).substr(0, i / 2), i % 2 == 1);
      });
  EXPECT_EQ(run, 2 * pipeline.size());
}

TEST_F(RobustnessStreamTest, SingleByteCorruptions) {
  const std::string pipeline = ValidPipeline("rob:corrupt:");
  constexpr size_t kValues = sizeof(kCorruptionBytes);
  // Every position of the 646-byte pipeline (about 5 s under ASan); an even, deterministic sample
  // should the pipeline ever grow past 2000 bytes.
  const std::vector<size_t> positions = SamplePositions(pipeline.size(), 2000);
  const size_t run = ForEachCase(
      positions.size() * kValues,
      [&](size_t i) {
        const size_t pos = positions[i / kValues];
        return "byte " + std::to_string(pos) + " (" + Printable(pipeline.substr(pos, 1)) +
               ") replaced by " + Printable(std::string(1, kCorruptionBytes[i % kValues]));
      },
      [&](size_t i) {
        return SendAndCheck(
            Corrupt(pipeline, positions[i / kValues], kCorruptionBytes[i % kValues]));
      });
  EXPECT_EQ(run, positions.size() * kValues);
}

TEST_F(RobustnessStreamTest, RandomBytes) {
  const size_t cases = UnderSanitizer() ? 500 : 1000;
  const size_t run = ForEachCase(
      cases,
      [](size_t i) {
        return "RandomBytes(seed " + std::to_string(i + 1) + ") " +
               Printable(RandomBytes(i + 1, 2048), 80);
      },
      [&](size_t i) { return SendAndCheck(RandomBytes(i + 1, 2048)); });
  EXPECT_EQ(run, cases);
}

TEST_F(RobustnessStreamTest, RandomRespFragments) {
  const size_t cases = UnderSanitizer() ? 1500 : 3000;
  const size_t run = ForEachCase(
      cases,
      [](size_t i) {
        return "RandomRespSoup(seed " + std::to_string(i + 1) + ") " +
               Printable(RandomRespSoup(i + 1, 40), 400);
      },
      [&](size_t i) { return SendAndCheck(RandomRespSoup(i + 1, 40)); });
  EXPECT_EQ(run, cases);
}

}  // namespace
}  // namespace kv::robustness
