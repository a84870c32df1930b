// The I/O backend the network tests run against: CTest runs each network test binary once per
// backend with $KV_TEST_IO set (see IO_BACKENDS in cmake/KvTargets.cmake).
#pragma once

#include <string>
#include <vector>

namespace kv::test {

// The flags that select the I/O backend named by $KV_TEST_IO ("--io <value>"; none when unset).
// Linking this (and calling it) also registers a global test environment that skips every test of
// the binary, with the reason, where the named backend cannot run here.
std::vector<std::string> IoBackendArgs();

}  // namespace kv::test
