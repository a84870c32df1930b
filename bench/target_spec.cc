// Parsing --kv_target specs, and checking the target selection and reference.
#include "bench/target_spec.h"

#include <algorithm>
#include <optional>

#include "base/numbers.h"

namespace kv::bench {
namespace {

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

std::string JoinNames(const std::vector<TargetSpec>& defined) {
  std::string out;
  for (const TargetSpec& t : defined) out += (out.empty() ? "" : ", ") + t.name;
  return out;
}

// Quotes a word for Describe when it needs it (so that the text splits back into the same words).
std::string QuoteWord(const std::string& word) {
  const bool plain = !word.empty() && std::none_of(word.begin(), word.end(), [](char c) {
    return IsBlank(c) || c == '\'' || c == '"' || c == '\\';
  });
  if (plain) return word;
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::string TargetSpec::Describe() const {
  switch (source) {
    case TargetSource::kBuiltinKv:
    case TargetSource::kBuiltinRedis:
      return name;
    case TargetSource::kExternal:
      return name + "@" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
             std::to_string(port);
    case TargetSource::kCommand:
      break;
  }
  std::string out = name + "=";
  for (size_t i = 0; i < command.size(); ++i) out += (i > 0 ? " " : "") + QuoteWord(command[i]);
  return out;
}

Status CheckTargetName(std::string_view name) {
  if (name.empty()) return Error{"empty target name"};
  if (name.size() > 32) return Error{"target name '" + std::string(name) + "' is longer than 32"};
  if (!std::all_of(name.begin(), name.end(), IsNameChar) || name[0] == '.' || name[0] == '-' ||
      name[0] == '_') {
    return Error{"target name '" + std::string(name) +
                 "': use letters, digits, '_', '-' and '.', starting with a letter or digit"};
  }
  return {};
}

Result<std::vector<std::string>> SplitCommandLine(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;  // a word has started (possibly empty: '' or "")
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (IsBlank(c)) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\\') {
      if (i + 1 == text.size()) return Error{"the command line ends with a lone backslash"};
      word += text[++i];
    } else if (c == '\'') {
      const size_t end = text.find('\'', i + 1);
      if (end == std::string_view::npos) return Error{"unterminated ' in the command line"};
      word.append(text.substr(i + 1, end - i - 1));
      i = end;
    } else if (c == '"') {
      size_t j = i + 1;
      for (; j < text.size() && text[j] != '"'; ++j) {
        if (text[j] == '\\' && j + 1 < text.size() &&
            (text[j + 1] == '"' || text[j + 1] == '\\' || text[j + 1] == '$')) {
          ++j;
        }
        word += text[j];
      }
      if (j >= text.size()) return Error{"unterminated \" in the command line"};
      i = j;
    } else {
      word += c;
    }
  }
  if (in_word) words.push_back(std::move(word));
  if (words.empty()) return Error{"empty command line"};
  return words;
}

Result<TargetSpec> ParseTargetSpec(std::string_view text) {
  const std::string given(text);
  const size_t sep = text.find_first_of("=@");
  if (sep == std::string_view::npos) {
    return Error{"--kv_target: '" + given +
                 "': expected NAME=COMMAND (kv_bench starts it) or NAME@HOST:PORT (already "
                 "running)"};
  }
  TargetSpec spec;
  spec.name = std::string(text.substr(0, sep));
  if (Status s = CheckTargetName(spec.name); !s.ok()) {
    return Error{"--kv_target: '" + given + "': " + s.error()};
  }
  const std::string_view rest = text.substr(sep + 1);
  if (text[sep] == '=') {
    spec.source = TargetSource::kCommand;
    Result<std::vector<std::string>> words = SplitCommandLine(rest);
    if (!words.ok()) return Error{"--kv_target: '" + given + "': " + words.error()};
    spec.command = std::move(*words);
    const bool has_port =
        std::any_of(spec.command.begin(), spec.command.end(),
                    [](const std::string& w) { return w.find("{port}") != std::string::npos; });
    if (!has_port) {
      return Error{"--kv_target: '" + given +
                   "': the command must say where to listen with {port} (kv_bench picks a free "
                   "loopback port), e.g. " +
                   spec.name + "=valkey-server --port {port}"};
    }
    return spec;
  }
  spec.source = TargetSource::kExternal;
  std::string_view host;
  std::string_view port;
  if (rest.starts_with('[')) {  // [IPv6]:PORT
    const size_t close = rest.find(']');
    if (close == std::string_view::npos || close + 1 >= rest.size() || rest[close + 1] != ':') {
      return Error{"--kv_target: '" + given + "': expected NAME@[IPV6]:PORT"};
    }
    host = rest.substr(1, close - 1);
    port = rest.substr(close + 2);
  } else {
    const size_t colon = rest.rfind(':');
    if (colon == std::string_view::npos || rest.find(':') != colon) {
      return Error{"--kv_target: '" + given + "': expected NAME@HOST:PORT"};
    }
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.empty()) return Error{"--kv_target: '" + given + "': empty host"};
  std::optional<int> p = ParseNumber<int>(port);
  if (!p || *p < 1 || *p > 65535) {
    return Error{"--kv_target: '" + given + "': '" + std::string(port) +
                 "' is not a port number (1-65535)"};
  }
  spec.host = std::string(host);
  spec.port = *p;
  return spec;
}

Result<std::vector<TargetSpec>> DefineTargets(const std::vector<TargetSpec>& custom) {
  std::vector<TargetSpec> out;
  TargetSpec kv;
  kv.name = kKvTargetName;
  kv.source = TargetSource::kBuiltinKv;
  TargetSpec redis;
  redis.name = kRedisTargetName;
  redis.source = TargetSource::kBuiltinRedis;
  out.push_back(std::move(kv));
  out.push_back(std::move(redis));
  for (const TargetSpec& t : custom) {
    for (const TargetSpec& d : out) {
      if (d.name != t.name) continue;
      const bool builtin =
          d.source == TargetSource::kBuiltinKv || d.source == TargetSource::kBuiltinRedis;
      return Error{"--kv_target: the name '" + t.name + "' is " +
                   (builtin ? "a built-in target's (kv: kv-server, redis: redis-server); choose "
                              "another name"
                            : "given twice (" + d.Describe() + " and " + t.Describe() + ")")};
    }
    out.push_back(t);
  }
  return out;
}

Result<std::vector<std::string>> SelectTargets(const std::vector<TargetSpec>& defined,
                                               const std::vector<std::string>& selection,
                                               const std::string& reference) {
  auto known = [&](const std::string& name) {
    return std::any_of(defined.begin(), defined.end(),
                       [&](const TargetSpec& t) { return t.name == name; });
  };
  if (!known(reference)) {
    return Error{"--kv_reference: unknown target '" + reference +
                 "' (defined: " + JoinNames(defined) + "; define more with --kv_target)"};
  }
  if (selection.empty()) {
    std::vector<std::string> all;
    for (const TargetSpec& t : defined) all.push_back(t.name);
    return all;
  }
  for (size_t i = 0; i < selection.size(); ++i) {
    if (!known(selection[i])) {
      return Error{"--kv_targets: unknown target '" + selection[i] +
                   "' (defined: " + JoinNames(defined) + "; define more with --kv_target)"};
    }
    if (std::find(selection.begin(), selection.begin() + static_cast<long>(i), selection[i]) !=
        selection.begin() + static_cast<long>(i)) {
      return Error{"--kv_targets: '" + selection[i] + "' is listed twice"};
    }
  }
  return selection;
}

}  // namespace kv::bench
