// KvServerSuite: a GoogleTest fixture that starts one kv-server for the whole test suite, checks
// after every test that it still runs and answers PING, and stops it at the end (expecting a
// clean exit, which under ASan also means no leak report).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "fixtures/client.h"
#include "fixtures/server_process.h"
#include "tests/support/io_backend_env.h"
#include "tests/support/raw_client.h"
#include "tests/support/test_server.h"

namespace kv::robustness {

// The process-level tests' support (tests/support) the robustness suites use.
using test::After;
using test::Clock;
using test::IoBackendArgs;
using test::RawClient;
using test::ReadEnd;
using test::ReadEndName;
using test::ReadOutcome;

class KvServerSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { StartServer({}); }
  static void TearDownTestSuite();
  // Starts the suite's server with IoBackendArgs() and extra flags (fails the suite on error).
  static void StartServer(const std::vector<std::string>& extra_args);

  void SetUp() override;
  void TearDown() override;

  static int port();
  static fixtures::ServerProcess& server();

  // Ok when the server process runs and answers PING on a fresh connection.
  static Status ServerHealthy();
  // The server's resident memory in bytes (0 if unreadable).
  static int64_t ServerRss();
  // How long a read may wait for a reply or a close: longer under sanitizers.
  static std::chrono::milliseconds IoTimeout();

 private:
  static std::unique_ptr<fixtures::ServerProcess>& ServerSlot();
};

}  // namespace kv::robustness
