// Progress lines: durations, ETA, when a call ends a repetition, and which runs print a line (in
// place on a terminal, throttled in a log), with explicit times (no sleeping).
#include "bench/progress.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace kv::bench {
namespace {

TEST(BenchProgressTest, DurationsReadLikeAClock) {
  EXPECT_EQ(FormatDuration(0), "0s");
  EXPECT_EQ(FormatDuration(-3), "0s");
  EXPECT_EQ(FormatDuration(59.9), "59s");
  EXPECT_EQ(FormatDuration(72), "1m12s");
  EXPECT_EQ(FormatDuration(220), "3m40s");
  EXPECT_EQ(FormatDuration(3600 + 3 * 60 + 59), "1h03m");
}

TEST(BenchProgressTest, EtaIsTheMeanTimePerStepTimesTheStepsLeft) {
  // 3 cases in 36 s: 12 s each, 7 left.
  EXPECT_EQ(ProgressLine(3, 10, "kv/SET/clients:1/pipeline:1", 36),
            "[3/10] kv/SET/clients:1/pipeline:1  elapsed 36s  ETA 1m24s");
  EXPECT_EQ(ProgressLine(10, 10, "redis/GET/clients:1/pipeline:16", 130),
            "[10/10] redis/GET/clients:1/pipeline:16  elapsed 2m10s  ETA 0s");
  // More cases than predicted: the total follows, never "[5/4]".
  EXPECT_EQ(ProgressLine(5, 4, "x", 5), "[5/5] x  elapsed 5s  ETA 0s");
}

TEST(BenchProgressTest, OnlyTheFirstRepetitionTakesSeveralCalls) {
  // First repetition: calls shorter than min_time are Google Benchmark's iteration search.
  EXPECT_FALSE(EndsRepetition(0, 0.01, 0.2, false));
  EXPECT_TRUE(EndsRepetition(0, 0.25, 0.2, false));
  EXPECT_TRUE(EndsRepetition(0, 0.01, 0.2, true));  // a failure ends it
  // Later repetitions are one call each, whatever their length.
  EXPECT_TRUE(EndsRepetition(1, 0.01, 0.2, false));
}

// Collects what Progress writes, through a memory stream.
class Captured {
 public:
  Captured() : file_(open_memstream(&buf_, &size_)) {}
  ~Captured() {
    std::fclose(file_);
    std::free(buf_);
  }
  std::FILE* file() { return file_; }
  std::string text() {
    std::fflush(file_);
    return std::string(buf_, size_);
  }

 private:
  char* buf_ = nullptr;
  size_t size_ = 0;
  std::FILE* file_;
};

TEST(BenchProgressTest, ALogGetsTheFirstLastFailedAndAtMostOneLinePerInterval) {
  Captured out;
  {
    Progress p({.repetitions = 3, .out = out.file(), .in_place = false, .interval_s = 10});
    p.Start(6);
    p.RunDoneAt("kv/SET", 1, "", 1);                 // first: printed
    p.RunDoneAt("redis/SET", 1, "", 5);              // 4 s later: not yet
    p.RunDoneAt("kv/SET", 2, "", 12);                // 11 s after the last line: printed
    p.RunDoneAt("redis/SET", 2, "server died", 13);  // failed: printed
    p.RunDoneAt("kv/SET", 3, "", 14);
    p.RunDoneAt("redis/SET", 3, "", 15);  // last: printed
  }
  EXPECT_EQ(out.text(),
            "[1/6] kv/SET (repetition 1/3)  elapsed 1s  ETA 5s\n"
            "[3/6] kv/SET (repetition 2/3)  elapsed 12s  ETA 12s\n"
            "[4/6] redis/SET (repetition 2/3)  elapsed 13s  ETA 6s  FAILED: server died\n"
            "[6/6] redis/SET (repetition 3/3)  elapsed 15s  ETA 0s\n");
}

TEST(BenchProgressTest, ATerminalLineIsRewrittenInPlace) {
  Captured out;
  {
    Progress p({.repetitions = 1, .out = out.file(), .in_place = true});
    p.Start(3);
    p.RunDoneAt("a", 1, "", 1);
    p.RunDoneAt("b", 1, "", 2);
  }  // destroyed before the last run: the open line still ends with a newline
  EXPECT_EQ(out.text(),
            "\r[1/3] a  elapsed 1s  ETA 2s\033[K"
            "\r[2/3] b  elapsed 2s  ETA 1s\033[K\n");
}

}  // namespace
}  // namespace kv::bench
