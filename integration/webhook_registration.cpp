#include "integration/webhook_registration.hpp"

#include "integration/tools/webhook_tool.hpp"
#include "integration/webhook_admin.hpp"
#include "integration/webhook_verify.hpp"

namespace tmcp::twenty {

namespace {

using done_fn = std::function<void(expected<std::string, std::string>)>;

std::string failure(const outcome& o, const char* what) {
  auto e = webhook_answer_error(o);
  return std::string(what) + ": " + (e ? e->message : "unexpected answer");
}

// Creates or updates the registration so that it carries `secret`, over the route the list
// answered on (`learned`).
void write_registration(api_ptr api, std::shared_ptr<tools::learned_release> learned,
                        const std::string& id, webhook_fields fields, std::string secret,
                        done_fn done) {
  fields.secret = secret;
  auto make = [id, fields](webhook_route r) {
    return id.empty() ? create_webhook_request(r, fields) : update_webhook_request(r, id, fields);
  };
  const char* what = id.empty() ? "creating the webhook" : "updating the webhook's secret";
  tools::webhook_call(std::move(api), true, make,
                      [secret, done, what](outcome o, webhook_route) {
                        if (webhook_answer_error(o))
                          return done(make_unexpected(failure(o, what)));
                        done(secret);
                      },
                      std::move(learned));
}

} // namespace

void ensure_webhook(api_ptr api, const std::string& public_url,
                    const std::string& configured_secret, done_fn done) {
  auto learned = std::make_shared<tools::learned_release>();
  auto listed = [=](outcome o, webhook_route route) {
    if (webhook_answer_error(o))
      return done(make_unexpected(failure(o, "listing Twenty's webhooks")));
    auto hooks = parse_webhook_list(route, o->body);
    if (!hooks)
      return done(make_unexpected("listing Twenty's webhooks: " + hooks.error()));
    for (auto& h : *hooks) {
      if (h.target_url != public_url)
        continue;
      if (!configured_secret.empty() && h.secret == configured_secret)
        return done(configured_secret);
      if (configured_secret.empty() && !h.secret.empty())
        return done(h.secret); // ours from an earlier run
      auto secret = configured_secret.empty() ? random_hex(32) : configured_secret;
      return write_registration(api, learned, h.id, {}, secret, done);
    }
    webhook_fields f;
    f.target_url = public_url;
    f.operations = std::vector<std::string>{"*.*"};
    f.description = "twenty-mcp-server: cache invalidation and resource notifications";
    auto secret = configured_secret.empty() ? random_hex(32) : configured_secret;
    write_registration(api, learned, "", f, secret, done);
  };
  tools::webhook_call(api, false, list_webhooks_request, listed, learned);
}

} // namespace tmcp::twenty
