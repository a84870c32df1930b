// ReplyWriter and FormatInt64: RESP2/RESP3 encoding; integers without printf.
#include "resp/reply_writer.h"

#include <cmath>
#include <cstdio>
#include <cstring>

namespace kv::resp {
namespace {

// "00".."99": two digits per step halves the divisions.
constexpr char kDigitPairs[] =
    "00010203040506070809"
    "10111213141516171819"
    "20212223242526272829"
    "30313233343536373839"
    "40414243444546474849"
    "50515253545556575859"
    "60616263646566676869"
    "70717273747576777879"
    "80818283848586878889"
    "90919293949596979899";

// Writes v's digits so that they end at `end`; returns the first digit.
char* WriteDigitsBackward(uint64_t v, char* end) {
  char* p = end;
  while (v >= 100) {
    const size_t i = static_cast<size_t>(v % 100) * 2;
    v /= 100;
    p -= 2;
    p[0] = kDigitPairs[i];
    p[1] = kDigitPairs[i + 1];
  }
  if (v >= 10) {
    const size_t i = static_cast<size_t>(v) * 2;
    p -= 2;
    p[0] = kDigitPairs[i];
    p[1] = kDigitPairs[i + 1];
  } else {
    *--p = static_cast<char>('0' + v);
  }
  return p;
}

// Appends prefix, the decimal value and CRLF in one append.
void AppendNumberLine(std::string* out, char prefix, uint64_t magnitude, bool negative) {
  char tmp[24];
  char* end = tmp + sizeof(tmp);
  end -= 2;
  end[0] = '\r';
  end[1] = '\n';
  char* p = WriteDigitsBackward(magnitude, end);
  if (negative) *--p = '-';
  *--p = prefix;
  out->append(p, static_cast<size_t>(tmp + sizeof(tmp) - p));
}

// Appends prefix + text + CRLF with CR and LF in text replaced by spaces.
void AppendLine(std::string* out, char prefix, std::string_view text) {
  const size_t start = out->size();
  out->push_back(prefix);
  out->append(text);
  for (size_t i = start + 1; i < out->size(); ++i) {
    char& c = (*out)[i];
    if (c == '\r' || c == '\n') c = ' ';
  }
  out->append("\r\n", 2);
}

uint64_t Magnitude(int64_t value) {
  // Unsigned negation is defined for INT64_MIN, unlike -value.
  return value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
}

}  // namespace

size_t FormatInt64(int64_t value, char* buf) {
  char tmp[20];
  char* end = tmp + sizeof(tmp);
  char* p = WriteDigitsBackward(Magnitude(value), end);
  if (value < 0) *--p = '-';
  const size_t len = static_cast<size_t>(end - p);
  std::memcpy(buf, p, len);
  return len;
}

void ReplyWriter::Simple(std::string_view text) { AppendLine(out_, '+', text); }

void ReplyWriter::Error(std::string_view text) { AppendLine(out_, '-', text); }

void ReplyWriter::Integer(int64_t value) {
  AppendNumberLine(out_, ':', Magnitude(value), value < 0);
}

void ReplyWriter::Bulk(std::string_view value) {
  AppendNumberLine(out_, '$', value.size(), false);
  out_->append(value);
  out_->append("\r\n", 2);
}

void ReplyWriter::ArrayHeader(size_t count) { AppendNumberLine(out_, '*', count, false); }

void ReplyWriter::MapHeader(size_t pairs) {
  if (resp3()) {
    AppendNumberLine(out_, '%', pairs, false);
  } else {
    AppendNumberLine(out_, '*', pairs * 2, false);
  }
}

void ReplyWriter::SetHeader(size_t count) {
  AppendNumberLine(out_, resp3() ? '~' : '*', count, false);
}

void ReplyWriter::PushHeader(size_t count) {
  AppendNumberLine(out_, resp3() ? '>' : '*', count, false);
}

std::string FormatDouble(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buf[64];
  const int n = std::snprintf(buf, sizeof(buf), "%.17g", value);
  return std::string(buf, static_cast<size_t>(n));
}

void ReplyWriter::Double(double value) {
  const std::string text = FormatDouble(value);
  if (resp3()) {
    out_->push_back(',');
    out_->append(text);
    out_->append("\r\n", 2);
  } else {
    Bulk(text);
  }
}

void ReplyWriter::Boolean(bool value) {
  if (resp3()) {
    out_->append(value ? "#t\r\n" : "#f\r\n");
  } else {
    out_->append(value ? kOne : kZero);
  }
}

void ReplyWriter::Verbatim(std::string_view text, std::string_view format) {
  if (!resp3()) {
    Bulk(text);
    return;
  }
  AppendNumberLine(out_, '=', text.size() + format.size() + 1, false);
  out_->append(format);
  out_->push_back(':');
  out_->append(text);
  out_->append("\r\n", 2);
}

}  // namespace kv::resp
