// RESP2 request encoder: argv as a multibulk request (*N\r\n$len\r\narg\r\n...), the form every
// client sends and RequestParser reads. Binary-safe; no allocation beyond growing the output.
#pragma once

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace kv::resp {

// Appends the request encoding argv to *out.
void AppendRequest(std::span<const std::string_view> argv, std::string* out);
void AppendRequest(std::span<const std::string> argv, std::string* out);

// The request encoding argv: EncodeRequest({"SET", key, value}).
std::string EncodeRequest(std::span<const std::string_view> argv);
std::string EncodeRequest(std::span<const std::string> argv);
std::string EncodeRequest(std::initializer_list<std::string_view> argv);

}  // namespace kv::resp
