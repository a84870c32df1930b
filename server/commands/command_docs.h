// COMMAND DOCS data: one row per command (and per container subcommand, "client|kill"), with the
// arguments written in a small grammar that introspection.cc turns into Redis 7's argument maps.
#pragma once

#include <span>
#include <string_view>

namespace kv::server {

// The argument grammar (whitespace separates items):
//   name            a string argument; name:type gives the type (key, string, integer, double,
//                   pattern, unix-time); the text after the last ':' is a type only if it is one
//                   of these ("ip:port" is a name)
//   TOKEN           an upper-case word: a pure token ("NX"), or, followed by an argument or a
//                   group, that argument's token ("EX seconds:integer")
//   [ ... ]         optional; ( ... ) a required group; either may start with "label:" to name it
//                   (unlabelled, it is named after its items joined by "_": "key_value")
//   a | b           inside a group: one of (type oneof); several items side by side form a block
//   ...             after an item: it may repeat (flag multiple)
// Every key argument gets the next key_spec_index, from 0.
struct CommandDoc {
  std::string_view name;  // lower case; "container|sub" for a subcommand
  std::string_view summary;
  std::string_view since;
  std::string_view group;
  std::string_view complexity;
  std::string_view arguments;  // the grammar above; empty when the command takes none
};

// Every documented command, including those kv-server may not register (COMMAND DOCS leaves out
// what the command table does not have).
std::span<const CommandDoc> AllCommandDocs();
// The row named exactly `name` (lower case), or nullptr.
const CommandDoc* FindCommandDoc(std::string_view name);

}  // namespace kv::server
