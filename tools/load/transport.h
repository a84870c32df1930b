// How kv-load talks to a server over a connected socket: plain or TLS (OpenSSL), non-blocking.
// The worker's event loop and the blocking control connection use the same Transport.
#pragma once

#include <openssl/ssl.h>

#include <cstddef>
#include <memory>
#include <string>

#include "base/result.h"
#include "base/unique_fd.h"
#include "tools/load/options.h"

namespace kv::load {

struct SslCtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
struct SslFree {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};

// The client SSL_CTX built from --cacert/--cacertdir/--cert/--key/--insecure; shared read-only
// by every connection (OpenSSL's SSL_CTX is thread-safe once configured).
class TlsContext {
 public:
  // Errors name the option and file, e.g. "--cacert /x.pem: No such file or directory".
  static Result<std::shared_ptr<const TlsContext>> Create(const TlsOptions& options);
  SSL_CTX* get() const { return ctx_.get(); }
  const std::string& sni() const { return sni_; }

 private:
  std::unique_ptr<SSL_CTX, SslCtxFree> ctx_;
  std::string sni_;
};

// The outcome of one non-blocking step.
enum class Io {
  kDone,       // the step completed (Read/Write: *n > 0 bytes)
  kWantRead,   // wait until the socket is readable, then retry
  kWantWrite,  // wait until the socket is writable, then retry
  kClosed,     // the peer closed the connection
  kError,      // error() says why
};

class Transport {
 public:
  Transport() = default;
  // A plain connection over fd.
  explicit Transport(UniqueFd fd) : fd_(std::move(fd)) {}
  // A TLS client over fd; Handshake() then drives SSL_connect. sni_host: the server name sent
  // (empty: none).
  static Result<Transport> Tls(UniqueFd fd, const TlsContext& ctx, const std::string& sni_host);

  int fd() const { return fd_.get(); }
  bool valid() const { return fd_.valid(); }
  bool tls() const { return ssl_ != nullptr; }
  // Closes the connection (no TLS close_notify: the benchmark is over or the peer is gone).
  void Reset();
  // Plain only: gives up the socket (e.g. to wrap it in TLS once connected).
  UniqueFd ReleaseFd() { return std::move(fd_); }

  // Plain: kDone. TLS: one SSL_connect step; kError with the verification failure spelled out.
  Io Handshake();
  // Reads/writes up to len bytes; *n is set on kDone. A TLS write that returned kWant* must be
  // retried with the same bytes at the same position (a longer buffer is allowed).
  Io Read(char* buf, size_t len, size_t* n);
  Io Write(const char* buf, size_t len, size_t* n);
  // The reason for the last kError (or kClosed).
  const std::string& error() const { return error_; }

 private:
  Io SslResult(int rc, const char* what);

  UniqueFd fd_;
  std::unique_ptr<SSL, SslFree> ssl_;
  std::string error_;
};

}  // namespace kv::load
