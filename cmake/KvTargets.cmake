# Helpers shared by every kvbench target: language level, warnings (our targets only), tests.

# kv_configure_target(<target>): C++20 and the project's warning set, -Werror when KV_WERROR.
function(kv_configure_target target)
  target_compile_features(${target} PUBLIC cxx_std_20)
  set_target_properties(${target} PROPERTIES CXX_EXTENSIONS OFF)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual
                                           -Wnull-dereference -Wimplicit-fallthrough)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12 at -O2/-O3 reports a false -Wrestrict on `"literal" + std::string` (GCC bug 105329).
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(KV_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# kv_add_library(<name> <alias> SOURCES ... [DEPS ...]): static library kv_<name> + alias kv::<alias>.
function(kv_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(kv_${name} STATIC ${ARG_SOURCES})
  add_library(kv::${name} ALIAS kv_${name})
  target_include_directories(kv_${name} PUBLIC ${PROJECT_SOURCE_DIR}/lib ${PROJECT_SOURCE_DIR})
  target_link_libraries(kv_${name} PUBLIC ${ARG_DEPS})
  kv_configure_target(kv_${name})
endfunction()

# kv_add_test(<name> SOURCES ... [DEPS ...] [LABELS ...] [TIMEOUT s] [IO_BACKENDS]): a GoogleTest
# executable whose cases are registered one by one with CTest (label "unit" unless LABELS says
# otherwise). IO_BACKENDS: network tests that run once per kv-server I/O backend: the cases run
# with KV_TEST_IO=epoll, and (where liburing is found) again as "<case>.uring" with KV_TEST_IO=uring.
function(kv_add_test name)
  cmake_parse_arguments(ARG "IO_BACKENDS" "TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main Threads::Threads)
  kv_configure_target(${name})
  if(KV_UNITY_TESTS)
    # A fresh build (CI) compiles a test executable's files 8 to a unit: GoogleTest's and
    # nlohmann/json's headers are parsed, and their inline functions compiled, once per unit
    # instead of once per file. Off by default: an edit then rebuilds 8 files.
    set_target_properties(${name} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8)
  endif()
  if(NOT ARG_IO_BACKENDS)
    gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
                         PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT})
    return()
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
                       PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT}
                                  ENVIRONMENT KV_TEST_IO=epoll)
  if(liburing_FOUND)
    gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 TEST_SUFFIX .uring
                         PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT}
                                    ENVIRONMENT KV_TEST_IO=uring)
  endif()
endfunction()
