#pragma once
// Mailer: sends the claim mails of email transfers. SmtpMailer speaks SMTP through libcurl
// (smtp:// or smtps://); tests point it at a real local SMTP listener.

#include <chrono>
#include <string>

#include "gate/Result.h"

namespace gate::backend {

struct Mail {
    std::string to;
    std::string subject;
    std::string text;  ///< plain-text body
};

class Mailer {
  public:
    virtual ~Mailer() = default;
    virtual bool configured() const = 0;
    /// Delivers to the SMTP server; the error says what failed (never the body).
    virtual Status<std::string> send(const Mail& mail) = 0;
    /// Connects to the server and greets it without sending (health check).
    virtual Status<std::string> check() = 0;
};

class SmtpMailer final : public Mailer {
  public:
    /// An empty url makes an unconfigured mailer that refuses to send.
    SmtpMailer(std::string url, std::string from, std::chrono::milliseconds timeout);
    bool configured() const override { return !url_.empty(); }
    Status<std::string> send(const Mail& mail) override;
    Status<std::string> check() override;

  private:
    std::string url_;
    std::string from_;
    std::chrono::milliseconds timeout_;
};

/// True for a plausible single mailbox (local@domain, no spaces or line breaks): what is
/// safe to put in an SMTP envelope and a header.
bool is_plausible_email(std::string_view address);

}  // namespace gate::backend
