// POSIX ERE wrapper.
#include "tools/compare/pattern.h"

namespace kv::compare {

Result<Pattern> Pattern::Compile(const std::string& expression) {
  auto re = std::make_unique<regex_t>();
  int rc = regcomp(re.get(), expression.c_str(), REG_EXTENDED | REG_NOSUB);
  if (rc != 0) {
    char message[256];
    regerror(rc, re.get(), message, sizeof message);
    return Error{"bad regular expression '" + expression + "': " + message};
  }
  return Pattern(std::unique_ptr<regex_t, Free>(re.release()));
}

bool Pattern::Search(const std::string& text) const {
  return regexec(re_.get(), text.c_str(), 0, nullptr, 0) == 0;
}

}  // namespace kv::compare
