#include "protocol/request_table.hpp"

namespace tmcp {

void in_flight_request::cancel() {
  if (flags->cancelled.exchange(true))
    return;
  auto hooks = std::move(cancel_hooks);
  cancel_hooks.clear();
  for (auto& fn : hooks)
    fn();
}

in_flight_request* request_table::find(const std::string& id) {
  auto it = requests_.find(id);
  return it == requests_.end() ? nullptr : it->second.get();
}

in_flight_request& request_table::add(std::unique_ptr<in_flight_request> r) {
  auto& ref = *r;
  auto id = r->id;
  requests_[id] = std::move(r);
  return ref;
}

std::unique_ptr<in_flight_request> request_table::take(const std::string& id) {
  auto it = requests_.find(id);
  if (it == requests_.end())
    return nullptr;
  auto r = std::move(it->second);
  requests_.erase(it);
  return r;
}

void request_table::cancel_all() {
  auto all = std::move(requests_);
  requests_.clear();
  for (auto& [id, r] : all)
    r->cancel();
}

std::vector<std::unique_ptr<in_flight_request>> request_table::take_all() {
  std::vector<std::unique_ptr<in_flight_request>> out;
  for (auto& [id, r] : requests_)
    out.push_back(std::move(r));
  requests_.clear();
  return out;
}

std::string request_table::add_outbound(client_reply done) {
  auto id = std::to_string(next_outbound_++);
  outbound_.emplace(id, std::move(done));
  return id;
}

std::optional<client_reply> request_table::take_outbound(const std::string& id) {
  auto it = outbound_.find(id);
  if (it == outbound_.end())
    return std::nullopt;
  auto done = std::move(it->second);
  outbound_.erase(it);
  return done;
}

} // namespace tmcp
