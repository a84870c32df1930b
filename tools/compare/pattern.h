// A POSIX extended regular expression (regcomp/regexec) with RAII, for policy target matching.
// (std::regex is avoided: slow to compile and GCC 12 warns inside it under the sanitizers.)
#pragma once

#include <regex.h>

#include <memory>
#include <string>

#include "base/result.h"

namespace kv::compare {

class Pattern {
 public:
  // Compiles `expression` (POSIX ERE: ^ $ ( | ) [ ] * + ? . and so on).
  static Result<Pattern> Compile(const std::string& expression);

  // True when the expression matches anywhere in `text` (anchor with ^ and $ for a full match).
  bool Search(const std::string& text) const;

 private:
  struct Free {
    void operator()(regex_t* re) const {
      regfree(re);
      delete re;
    }
  };
  explicit Pattern(std::unique_ptr<regex_t, Free> re) : re_(std::move(re)) {}

  std::unique_ptr<regex_t, Free> re_;
};

}  // namespace kv::compare
