// kv-server's command set: every family of this folder.
#include "server/commands/commands.h"

namespace kv::server {

void RegisterAllCommands(CommandTable& table) {
  RegisterStringCommands(table);
  RegisterKeyCommands(table);
  RegisterServerCommands(table);
  RegisterClientCommands(table);
  RegisterIntrospectionCommands(table);
  RegisterPubSubCommands(table);
  RegisterTransactionCommands(table);
  RegisterBitCommands(table);
  RegisterLcsCommand(table);
  RegisterObjectCommands(table);
  RegisterScriptingCommands(table);
  RegisterListCommands(table);
  RegisterBlockingListCommands(table);
  RegisterHashCommands(table);
  RegisterSetCommands(table);
  RegisterZSetCommands(table);
  RegisterZSetRangeCommands(table);
  RegisterZSetAlgebraCommands(table);
  RegisterBlockingZSetCommands(table);
  RegisterSortCommands(table);
}

}  // namespace kv::server
