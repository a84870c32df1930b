// $KV_TEST_IO: the kv-server flags it selects and the skip where that backend cannot run.
#include "tests/support/io_backend_env.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "server/net/event_loop_poller.h"

namespace kv::test {
namespace {

// Skips every test when $KV_TEST_IO names a backend that cannot run here (not built, or io_uring
// blocked by the kernel or a sandbox), so the per-backend copies of a suite skip instead of fail.
class IoBackendEnvironment final : public ::testing::Environment {
 public:
  void SetUp() override {
    const char* io = std::getenv("KV_TEST_IO");
    if (io == nullptr || *io == '\0') return;
    std::string note;
    auto backend = server::ResolveIoBackend(io, &note);
    if (backend.ok()) return;
    // gtest 1.12 reports tests skipped by an environment as passed: this line (gtest's own skip
    // marker) makes CTest report them as skipped.
    std::printf("[  SKIPPED ] every test: KV_TEST_IO=%s: %s\n", io, backend.error().c_str());
    GTEST_SKIP() << "KV_TEST_IO=" << io << ": " << backend.error();
  }
};

// Registered once per test binary (gtest owns the object). This file is linked whenever
// IoBackendArgs is called, so the registration comes with it.
::testing::Environment* const kIoBackendEnvironment =
    ::testing::AddGlobalTestEnvironment(new IoBackendEnvironment);

}  // namespace

std::vector<std::string> IoBackendArgs() {
  const char* io = std::getenv("KV_TEST_IO");
  if (io == nullptr || *io == '\0') return {};
  return {"--io", io};
}

}  // namespace kv::test
