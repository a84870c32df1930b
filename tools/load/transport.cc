// Plain and TLS transports (see transport.h).
#include "tools/load/transport.h"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kv::load {
namespace {

// The oldest queued OpenSSL error as text (and clears the queue), or fallback.
std::string TakeSslError(const std::string& fallback) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return fallback;
  char buf[256];
  ERR_error_string_n(code, buf, sizeof(buf));
  return buf;
}

// SSL_set_tlsext_host_name is a macro with a C cast inside.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
long SetSni(SSL* ssl, const std::string& host) {
  return SSL_set_tlsext_host_name(ssl, host.c_str());
}
#pragma GCC diagnostic pop

}  // namespace

Result<std::shared_ptr<const TlsContext>> TlsContext::Create(const TlsOptions& o) {
  auto ctx = std::shared_ptr<TlsContext>(new TlsContext());
  ctx->ctx_.reset(SSL_CTX_new(TLS_client_method()));
  if (!ctx->ctx_) return Error{"TLS: " + TakeSslError("cannot create an SSL context")};
  SSL_CTX* c = ctx->ctx_.get();
  SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
  SSL_CTX_set_mode(c, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_CTX_set_verify(c, o.insecure ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, nullptr);
  if (!o.cacert.empty() || !o.cacertdir.empty()) {
    const char* file = o.cacert.empty() ? nullptr : o.cacert.c_str();
    const char* dir = o.cacertdir.empty() ? nullptr : o.cacertdir.c_str();
    if (SSL_CTX_load_verify_locations(c, file, dir) != 1) {
      const std::string what = file ? "--cacert " + o.cacert : "--cacertdir " + o.cacertdir;
      return Error{what + ": " + TakeSslError("cannot load the CA certificates")};
    }
  } else if (SSL_CTX_set_default_verify_paths(c) != 1) {
    return Error{"TLS: " + TakeSslError("cannot load the system's CA certificates")};
  }
  if (!o.cert.empty() || !o.key.empty()) {
    if (o.cert.empty() || o.key.empty()) return Error{"--cert and --key must be given together"};
    if (SSL_CTX_use_certificate_chain_file(c, o.cert.c_str()) != 1) {
      return Error{"--cert " + o.cert + ": " + TakeSslError("cannot load the certificate")};
    }
    if (SSL_CTX_use_PrivateKey_file(c, o.key.c_str(), SSL_FILETYPE_PEM) != 1) {
      return Error{"--key " + o.key + ": " + TakeSslError("cannot load the private key")};
    }
    if (SSL_CTX_check_private_key(c) != 1) {
      return Error{"--key " + o.key + ": does not match --cert " + o.cert};
    }
  }
  ctx->sni_ = o.sni;
  return std::shared_ptr<const TlsContext>(std::move(ctx));
}

Result<Transport> Transport::Tls(UniqueFd fd, const TlsContext& ctx, const std::string& sni_host) {
  Transport t;
  t.ssl_.reset(SSL_new(ctx.get()));
  if (!t.ssl_) return Error{"TLS: " + TakeSslError("cannot create an SSL connection")};
  if (SSL_set_fd(t.ssl_.get(), fd.get()) != 1) {
    return Error{"TLS: " + TakeSslError("cannot attach the socket")};
  }
  if (!sni_host.empty() && SetSni(t.ssl_.get(), sni_host) != 1) {
    return Error{"--sni " + sni_host + ": " + TakeSslError("rejected")};
  }
  SSL_set_connect_state(t.ssl_.get());
  t.fd_ = std::move(fd);
  return t;
}

void Transport::Reset() {
  ssl_.reset();
  fd_.Reset();
  error_.clear();
}

Io Transport::SslResult(int rc, const char* what) {
  const int err = SSL_get_error(ssl_.get(), rc);
  switch (err) {
    case SSL_ERROR_WANT_READ:
      return Io::kWantRead;
    case SSL_ERROR_WANT_WRITE:
      return Io::kWantWrite;
    case SSL_ERROR_ZERO_RETURN:
      error_ = "closed by server";
      return Io::kClosed;
    case SSL_ERROR_SYSCALL: {
      const int saved = errno;
      const std::string queued = TakeSslError("");
      if (!queued.empty()) {
        error_ = std::string(what) + ": " + queued;
      } else if (rc == 0 || saved == 0) {
        error_ = "closed by server";
        return Io::kClosed;
      } else {
        error_ = std::string(what) + ": " + std::strerror(saved);
      }
      return Io::kError;
    }
    default: {
      error_ = std::string(what) + ": " + TakeSslError("failed");
      const long verify = SSL_get_verify_result(ssl_.get());
      if (verify != X509_V_OK) {
        error_ += " (" + std::string(X509_verify_cert_error_string(verify)) + ")";
      }
      return Io::kError;
    }
  }
}

Io Transport::Handshake() {
  if (!ssl_) return Io::kDone;
  ERR_clear_error();
  const int rc = SSL_connect(ssl_.get());
  if (rc == 1) return Io::kDone;
  return SslResult(rc, "TLS handshake failed");
}

Io Transport::Read(char* buf, size_t len, size_t* n) {
  if (ssl_) {
    ERR_clear_error();
    size_t got = 0;
    const int rc = SSL_read_ex(ssl_.get(), buf, len, &got);
    if (rc == 1) {
      *n = got;
      return Io::kDone;
    }
    return SslResult(rc, "TLS read");
  }
  while (true) {
    const ssize_t r = ::read(fd_.get(), buf, len);
    if (r > 0) {
      *n = static_cast<size_t>(r);
      return Io::kDone;
    }
    if (r == 0) {
      error_ = "closed by server";
      return Io::kClosed;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN) return Io::kWantRead;
    error_ = std::strerror(errno);
    return Io::kError;
  }
}

Io Transport::Write(const char* buf, size_t len, size_t* n) {
  if (ssl_) {
    ERR_clear_error();
    size_t put = 0;
    const int rc = SSL_write_ex(ssl_.get(), buf, len, &put);
    if (rc == 1) {
      *n = put;
      return Io::kDone;
    }
    return SslResult(rc, "TLS write");
  }
  while (true) {
    const ssize_t r = ::send(fd_.get(), buf, len, MSG_NOSIGNAL);
    if (r >= 0) {
      *n = static_cast<size_t>(r);
      return Io::kDone;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN) return Io::kWantWrite;
    error_ = std::strerror(errno);
    return Io::kError;
  }
}

}  // namespace kv::load
