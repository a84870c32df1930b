// The command families of kv-server, one file each in this folder, registered explicitly into the
// engine's CommandTable (no static self-registration).
#pragma once

#include "server/engine/command_table.h"

namespace kv::server {

void RegisterStringCommands(CommandTable& table);         // strings.cc
void RegisterKeyCommands(CommandTable& table);            // keys.cc
void RegisterServerCommands(CommandTable& table);         // server.cc
void RegisterClientCommands(CommandTable& table);         // client.cc
void RegisterIntrospectionCommands(CommandTable& table);  // introspection.cc
void RegisterPubSubCommands(CommandTable& table);         // pubsub.cc
void RegisterTransactionCommands(CommandTable& table);    // transactions.cc
void RegisterBitCommands(CommandTable& table);            // bits.cc
void RegisterLcsCommand(CommandTable& table);             // lcs.cc
void RegisterObjectCommands(CommandTable& table);         // object.cc: OBJECT, MEMORY
void RegisterScriptingCommands(CommandTable& table);      // scripting.cc
void RegisterListCommands(CommandTable& table);           // lists.cc
void RegisterBlockingListCommands(CommandTable& table);   // lists_blocking.cc
void RegisterHashCommands(CommandTable& table);           // hashes.cc
void RegisterSetCommands(CommandTable& table);            // sets.cc
void RegisterZSetCommands(CommandTable& table);           // zsets.cc
void RegisterZSetRangeCommands(CommandTable& table);      // zsets_range.cc
void RegisterZSetAlgebraCommands(CommandTable& table);    // zsets_algebra.cc
void RegisterBlockingZSetCommands(CommandTable& table);   // zsets_blocking.cc
void RegisterSortCommands(CommandTable& table);           // sort.cc: SORT, SORT_RO
// All of the above: kv-server's command set (a CommandRegistrar).
void RegisterAllCommands(CommandTable& table);

}  // namespace kv::server
