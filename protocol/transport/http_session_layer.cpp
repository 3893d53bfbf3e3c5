// The route layer's side of http_session: requests it answers itself (health, metrics,
// metadata) and MCP requests it refuses (auth, overload), with their own status and headers.
#include "protocol/transport/http_session.hpp"

#include <spdlog/spdlog.h>

#include "protocol/transport/validation.hpp"

namespace tmcp::transport {

layer_request http_session::layer_view() const {
  const auto& req = parser_->get();
  auto method = req.method_string();
  auto target = req.target();
  layer_request v;
  v.method = std::string_view(method.data(), method.size());
  v.target = std::string_view(target.data(), target.size());
  if (auto it = req.find(http::field::authorization); it != req.end())
    v.authorization = std::string_view(it->value().data(), it->value().size());
  if (auto it = req.find(http::field::host); it != req.end())
    v.host = std::string_view(it->value().data(), it->value().size());
  beast::error_code ec;
  auto peer = stream_.socket().remote_endpoint(ec);
  if (!ec)
    v.client_address = peer.address().to_string();
  return v;
}

bool http_session::serve_layer() {
  const auto& layer = state_->options.layer;
  if (!layer || !layer->serve)
    return false;
  // The same DNS-rebinding rules as the MCP endpoint: a page elsewhere must not read these.
  auto v = view();
  if (v.origin && !check_origin(*v.origin, state_->routes.allowed_origins))
    return false;
  if (state_->routes.validate_host && (!v.host || !check_host(*v.host, state_->routes.allowed_hosts)))
    return false;
  auto seq = seq_;
  // No socket operation is pending while the layer works: the reply keeps the connection.
  auto reply = [self = shared_from_this(), seq](layer_response r) {
    self->post_layer_response(seq, std::move(r));
  };
  phase_ = phase::handling;
  if (!layer->serve(layer_view(), std::move(reply))) {
    phase_ = phase::reading;
    return false;
  }
  // The layer's routes take no body: one still on the wire ends the connection after this.
  if (!parser_->is_done()) {
    keep_alive_ = false;
    body_unread_ = true;
  }
  stream_.expires_never();
  return true;
}

bool http_session::refused_by_layer() {
  principal_.clear();
  profile_.clear();
  const auto& layer = state_->options.layer;
  if (!layer || !layer->admit)
    return false;
  auto decided = layer->admit(layer_view());
  auto& refusal = decided.refusal;
  if (!refusal) {
    principal_ = std::move(decided.principal);
    profile_ = std::move(decided.profile);
    return false;
  }
  if (!parser_->is_done()) {
    keep_alive_ = false;
    body_unread_ = true;
  }
  send_layer(*refusal);
  return true;
}

void http_session::on_layer_response(uint64_t seq, const layer_response& r) {
  if (seq != seq_ || phase_ != phase::handling)
    return;
  send_layer(r);
}

void http_session::send_layer(const layer_response& r) {
  phase_ = phase::finishing;
  full_res_ = std::make_shared<http::response<http::string_body>>(
    static_cast<http::status>(r.status), version_);
  if (!r.body.empty())
    full_res_->set(http::field::content_type, r.content_type);
  for (const auto& [name, value] : r.headers)
    full_res_->set(name, value);
  full_res_->keep_alive(keep_alive_ && !shutting_down_);
  full_res_->body() = r.body;
  full_res_->prepare_payload();
  if (!shutting_down_)
    stream_.expires_after(state_->options.idle_timeout);
  enqueue(out_item{out_item::full, {}});
}

} // namespace tmcp::transport
