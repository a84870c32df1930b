// --kv_target specs: command line splitting (quotes as a shell, nothing expanded), NAME=COMMAND and
// NAME@HOST:PORT, names, duplicates, and the --kv_targets / --kv_reference checks.
#include "bench/target_spec.h"

#include <gtest/gtest.h>

#include "bench/bench_config.h"

namespace kv::bench {
namespace {

using Words = std::vector<std::string>;

TEST(TargetSpecTest, SplitsLikeAShellWithoutExpanding) {
  EXPECT_EQ(*SplitCommandLine("a b\tc"), (Words{"a", "b", "c"}));
  EXPECT_EQ(*SplitCommandLine("  a   b  "), (Words{"a", "b"}));
  EXPECT_EQ(*SplitCommandLine(R"(--save "" --x '')"), (Words{"--save", "", "--x", ""}));
  EXPECT_EQ(*SplitCommandLine(R"('a b' "c d" e\ f)"), (Words{"a b", "c d", "e f"}));
  EXPECT_EQ(*SplitCommandLine(R"('$HOME "x"' "\"q\" \\ \$ \n")"),
            (Words{R"($HOME "x")", R"("q" \ $ \n)"}));
  EXPECT_EQ(*SplitCommandLine(R"(pre'mid'"dle"post)"), (Words{"premiddlepost"}));
  EXPECT_EQ(*SplitCommandLine("x {port} --dir={dir}"), (Words{"x", "{port}", "--dir={dir}"}));
  EXPECT_EQ(*SplitCommandLine("a;b|c >d $(e) *"), (Words{"a;b|c", ">d", "$(e)", "*"}));
}

TEST(TargetSpecTest, SplitRejectsBrokenQuotingAndEmptyLines) {
  EXPECT_NE(SplitCommandLine("a 'b").error().find("unterminated '"), std::string::npos);
  EXPECT_NE(SplitCommandLine("a \"b").error().find("unterminated \""), std::string::npos);
  EXPECT_NE(SplitCommandLine("a \"b\\\"").error().find("unterminated \""), std::string::npos);
  EXPECT_NE(SplitCommandLine("a \\").error().find("backslash"), std::string::npos);
  EXPECT_NE(SplitCommandLine("   ").error().find("empty"), std::string::npos);
  EXPECT_FALSE(SplitCommandLine("").ok());
}

TEST(TargetSpecTest, ParsesCommandTargets) {
  Result<TargetSpec> s =
      ParseTargetSpec(R"(valkey=valkey-server --port {port} --save "" --dir '{dir}')");
  ASSERT_TRUE(s.ok()) << s.error();
  EXPECT_EQ(s->name, "valkey");
  EXPECT_EQ(s->source, TargetSource::kCommand);
  EXPECT_EQ(s->command,
            (Words{"valkey-server", "--port", "{port}", "--save", "", "--dir", "{dir}"}));
  // Describe quotes what needs it, so that it splits back into the same words.
  EXPECT_EQ(s->Describe(), "valkey=valkey-server --port {port} --save '' --dir {dir}");
  Result<TargetSpec> again = ParseTargetSpec(s->Describe());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->command, s->command);
  // The first '=' separates: later ones belong to the command.
  EXPECT_EQ(ParseTargetSpec("x=srv --port={port} --a=b")->command,
            (Words{"srv", "--port={port}", "--a=b"}));
}

TEST(TargetSpecTest, ParsesRunningServers) {
  Result<TargetSpec> s = ParseTargetSpec("remote@10.0.0.2:6379");
  ASSERT_TRUE(s.ok()) << s.error();
  EXPECT_EQ(s->source, TargetSource::kExternal);
  EXPECT_EQ(s->name, "remote");
  EXPECT_EQ(s->host, "10.0.0.2");
  EXPECT_EQ(s->port, 6379);
  EXPECT_EQ(s->Describe(), "remote@10.0.0.2:6379");
  EXPECT_EQ(ParseTargetSpec("l@localhost:1")->host, "localhost");
  Result<TargetSpec> v6 = ParseTargetSpec("six@[::1]:7000");
  ASSERT_TRUE(v6.ok()) << v6.error();
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 7000);
  EXPECT_EQ(v6->Describe(), "six@[::1]:7000");
}

TEST(TargetSpecTest, MalformedSpecsSayWhatIsExpected) {
  auto error = [](const char* text) {
    Result<TargetSpec> s = ParseTargetSpec(text);
    return s.ok() ? std::string("(parsed)") : s.error();
  };
  EXPECT_NE(error("valkey").find("expected NAME=COMMAND"), std::string::npos);
  EXPECT_NE(error("v=valkey-server --port 7000").find("{port}"), std::string::npos);
  EXPECT_NE(error("v=").find("empty command line"), std::string::npos);
  EXPECT_NE(error("v=a '{port}").find("unterminated"), std::string::npos);
  EXPECT_NE(error("v@host").find("NAME@HOST:PORT"), std::string::npos);
  EXPECT_NE(error("v@:6379").find("empty host"), std::string::npos);
  EXPECT_NE(error("v@h:0").find("not a port number"), std::string::npos);
  EXPECT_NE(error("v@h:65536").find("not a port number"), std::string::npos);
  EXPECT_NE(error("v@h:x").find("not a port number"), std::string::npos);
  EXPECT_NE(error("v@::1:6379").find("NAME@HOST:PORT"), std::string::npos);
  EXPECT_NE(error("v@[::1]6379").find("[IPV6]:PORT"), std::string::npos);
  EXPECT_NE(error("=x {port}").find("empty target name"), std::string::npos);
  EXPECT_NE(error("a/b=x {port}").find("target name 'a/b'"), std::string::npos);
  EXPECT_NE(error("-a=x {port}").find("starting with a letter or digit"), std::string::npos);
  EXPECT_NE(error("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@h:1").find("longer than 32"),
            std::string::npos);
}

TEST(TargetSpecTest, NamesAreUniqueAndBuiltinsReserved) {
  std::vector<TargetSpec> custom = {*ParseTargetSpec("redis2=redis-server --port {port}"),
                                    *ParseTargetSpec("far@10.1.1.1:6379")};
  Result<std::vector<TargetSpec>> defined = DefineTargets(custom);
  ASSERT_TRUE(defined.ok()) << defined.error();
  ASSERT_EQ(defined->size(), 4u);
  EXPECT_EQ((*defined)[0].name, "kv");
  EXPECT_EQ((*defined)[0].source, TargetSource::kBuiltinKv);
  EXPECT_EQ((*defined)[1].name, "redis");
  EXPECT_EQ((*defined)[1].source, TargetSource::kBuiltinRedis);
  EXPECT_EQ((*defined)[2].name, "redis2");
  EXPECT_EQ((*defined)[3].name, "far");

  custom.push_back(*ParseTargetSpec("far=x {port}"));
  EXPECT_NE(DefineTargets(custom).error().find("'far' is given twice"), std::string::npos);
  EXPECT_NE(DefineTargets({*ParseTargetSpec("kv@h:1")}).error().find("built-in"),
            std::string::npos);
}

TEST(TargetSpecTest, SelectionAndReferenceMustNameDefinedTargets) {
  const std::vector<TargetSpec> defined =
      *DefineTargets({*ParseTargetSpec("valkey=valkey-server --port {port}")});
  EXPECT_EQ(*SelectTargets(defined, {}, "redis"), (Words{"kv", "redis", "valkey"}));
  EXPECT_EQ(*SelectTargets(defined, {"valkey", "kv"}, "valkey"), (Words{"valkey", "kv"}));
  const std::string unknown = SelectTargets(defined, {"kv", "dragonfly"}, "redis").error();
  EXPECT_NE(unknown.find("--kv_targets: unknown target 'dragonfly'"), std::string::npos);
  EXPECT_NE(unknown.find("defined: kv, redis, valkey"), std::string::npos);
  EXPECT_NE(SelectTargets(defined, {"kv", "kv"}, "redis").error().find("listed twice"),
            std::string::npos);
  EXPECT_NE(SelectTargets(defined, {}, "keydb").error().find("--kv_reference: unknown target"),
            std::string::npos);
}

Result<ParsedArgs> Parse(std::initializer_list<const char*> flags) {
  std::vector<const char*> args{"kv_bench"};
  for (const char* f : flags) args.push_back(f);
  return ParseArgs(static_cast<int>(args.size()), args.data(), BenchConfig{});
}

TEST(TargetSpecTest, FlagsDefineSelectAndNameTheReference) {
  Result<ParsedArgs> p = Parse({"--kv_target=redis2=redis-server --port {port} --save \"\"",
                                "--kv_target=ext@127.0.0.1:6379"});
  ASSERT_TRUE(p.ok()) << p.error();
  EXPECT_EQ(p->config.targets, (Words{"kv", "redis", "redis2", "ext"}));  // all defined
  EXPECT_EQ(p->config.reference, "redis");
  ASSERT_NE(FindTarget(p->config, "redis2"), nullptr);
  EXPECT_EQ(FindTarget(p->config, "redis2")->command,
            (Words{"redis-server", "--port", "{port}", "--save", ""}));
  EXPECT_EQ(FindTarget(p->config, "nope"), nullptr);
  // The grid names the reference only when it is not the default (older files stay comparable).
  EXPECT_EQ(DescribeGrid(p->config).find("reference"), std::string::npos);

  p = Parse({"--kv_target=v=valkey-server --port {port}", "--kv_targets=v,kv", "--kv_reference=v"});
  ASSERT_TRUE(p.ok()) << p.error();
  EXPECT_EQ(p->config.targets, (Words{"v", "kv"}));
  EXPECT_EQ(p->config.reference, "v");
  EXPECT_NE(DescribeGrid(p->config).find("targets=v,kv "), std::string::npos);
  EXPECT_NE(DescribeGrid(p->config).find(" reference=v"), std::string::npos);

  EXPECT_NE(Parse({"--kv_targets=kv,valkey"}).error().find("unknown target 'valkey'"),
            std::string::npos);
  EXPECT_NE(Parse({"--kv_reference=valkey"}).error().find("--kv_reference"), std::string::npos);
  EXPECT_NE(Parse({"--kv_target=valkey"}).error().find("--kv_target"), std::string::npos);
  EXPECT_NE(Parse({"--kv_target"}).error().find("needs a value"), std::string::npos);
}

}  // namespace
}  // namespace kv::bench
