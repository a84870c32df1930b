// Scripting commands: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT (LOAD, EXISTS, FLUSH, KILL,
// HELP), on server/scripting's ScriptEngine. Redis 7.0.15 semantics and error texts.
#include "server/commands/commands.h"
#include "server/engine/command_context.h"
#include "server/engine/text_util.h"
#include "server/scripting/script_engine.h"

namespace kv::server {
namespace {

void EvalCommand(CommandContext& ctx) { ScriptEngine::Of(ctx.server).Eval(ctx, false, false); }
void EvalShaCommand(CommandContext& ctx) { ScriptEngine::Of(ctx.server).Eval(ctx, true, false); }
void EvalRoCommand(CommandContext& ctx) { ScriptEngine::Of(ctx.server).Eval(ctx, false, true); }
void EvalShaRoCommand(CommandContext& ctx) { ScriptEngine::Of(ctx.server).Eval(ctx, true, true); }

void ScriptLoad(CommandContext& ctx) {
  auto sha = ScriptEngine::Of(ctx.server).Load(ctx.args[2]);
  if (!sha) {
    ctx.reply.Error(sha.error());
    return;
  }
  ctx.reply.Bulk(*sha);
}

void ScriptExists(CommandContext& ctx) {
  ScriptEngine& engine = ScriptEngine::Of(ctx.server);
  ctx.reply.ArrayHeader(ctx.args.size() - 2);
  for (size_t i = 2; i < ctx.args.size(); ++i) ctx.reply.Integer(engine.Exists(ctx.args[i]));
}

void ScriptFlush(CommandContext& ctx) {
  // ASYNC frees nothing in the background here: the cache is small, SYNC and ASYNC are the same.
  if (ctx.args.size() > 3 || (ctx.args.size() == 3 && !EqualsIgnoreCase(ctx.args[2], "sync") &&
                              !EqualsIgnoreCase(ctx.args[2], "async"))) {
    ctx.reply.Error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
    return;
  }
  ScriptEngine::Of(ctx.server).Flush();
  ctx.reply.Simple("OK");
}

// A script that runs is killed through the busy path (ScriptEngine::Respond); a SCRIPT KILL that
// reaches the command table finds none running.
void ScriptKill(CommandContext& ctx) { ctx.reply.Error(kErrNotBusy); }

void ScriptHelp(CommandContext& ctx) {
  constexpr std::string_view kLines[] = {
      "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "EXISTS <sha1> [<sha1> ...]",
      "    Return information about the existence of the scripts in the script cache.",
      "FLUSH [ASYNC|SYNC]",
      "    Flush the Lua scripts cache. Very dangerous on replicas.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the scripts cache.",
      "    * SYNC: Synchronously flush the scripts cache.",
      "KILL",
      "    Kill the currently executing Lua script.",
      "LOAD <script>",
      "    Load a script into the scripts cache without executing it.",
      "HELP",
      "    Prints this help.",
  };
  ReplyHelp(ctx.reply, kLines);
}

constexpr Subcommand kScriptSubcommands[] = {
    {"load", 3, ScriptLoad}, {"exists", -3, ScriptExists}, {"flush", -2, ScriptFlush},
    {"kill", 2, ScriptKill}, {"help", 2, ScriptHelp},
};

void ScriptCommand(CommandContext& ctx) { DispatchSubcommand(ctx, kScriptSubcommands); }

}  // namespace

void RegisterScriptingCommands(CommandTable& t) {
  constexpr std::string_view kGroup = "scripting";
  constexpr std::string_view kAcl = "@slow @scripting";
  constexpr uint32_t kEval = kCmdNoScript | kCmdStale;
  t.Register({"eval", EvalCommand, -3, kEval, 0, 0, 0, kAcl, kGroup});
  t.Register({"evalsha", EvalShaCommand, -3, kEval, 0, 0, 0, kAcl, kGroup});
  t.Register({"eval_ro", EvalRoCommand, -3, kEval | kCmdReadOnly, 0, 0, 0, kAcl, kGroup});
  t.Register({"evalsha_ro", EvalShaRoCommand, -3, kEval | kCmdReadOnly, 0, 0, 0, kAcl, kGroup});
  t.Register({"script", ScriptCommand, -2, kCmdNoScript, 0, 0, 0, kAcl, kGroup});
}

}  // namespace kv::server
