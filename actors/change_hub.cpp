#include "actors/change_hub.hpp"

#include <caf/all.hpp>

#include "protocol/json.hpp"

namespace tmcp::actors {

namespace {

std::string string_array(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i)
    out += (i ? "," : "") + json::quote(v[i]);
  return out + "]";
}

bool read_strings(const json::value& doc, const char* key, std::vector<std::string>& out) {
  auto a = json::find(doc, key);
  if (!a || !a->IsArray())
    return false;
  for (auto& s : a->GetArray()) {
    if (!s.IsString())
      return false;
    out.emplace_back(s.GetString(), s.GetStringLength());
  }
  return true;
}

} // namespace

std::string to_wire(const change_note& note) {
  return "{\"origin\":" + json::quote(note.origin) + ",\"tags\":" + string_array(note.tags)
         + ",\"uris\":" + string_array(note.uris)
         + ",\"schema\":" + (note.refresh_schema ? "true" : "false") + "}";
}

std::optional<change_note> from_wire(const std::string& text) {
  auto doc = json::parse(text);
  if (!doc || !doc->IsObject())
    return std::nullopt;
  change_note note;
  auto origin = json::get_string(*doc, "origin");
  if (!origin || origin->empty() || !read_strings(*doc, "tags", note.tags)
      || !read_strings(*doc, "uris", note.uris))
    return std::nullopt;
  note.origin = *origin;
  note.refresh_schema = json::get_bool(*doc, "schema").value_or(false);
  return note;
}

void change_hub_state::apply(const change_note& note) {
  bool local = note.origin.empty();
  if (!note.applied_here) {
    ++applied;
    if (!local)
      ++from_peers;
    // The cache goes first, so a client told about the change reads the new value. The
    // shared L2 is dropped once, by the instance where the change started.
    service->invalidate(note.tags, local);
    for (const auto& uri : note.uris)
      caf::anon_send(sessions, atom::updated_v, uri);
    if (note.refresh_schema)
      service->refresh_schema([] {});
  }
  if (local && settings.redis) {
    auto wire = note;
    wire.origin = settings.instance_id;
    ++published;
    settings.redis->command({"PUBLISH", settings.channel, to_wire(wire)}, [](redis::reply) {});
  }
}

change_hub_actor::behavior_type
change_hub_impl(change_hub_actor::stateful_pointer<change_hub_state> self,
                std::shared_ptr<twenty_service> service, session_supervisor_actor sessions,
                hub_settings settings) {
  auto& st = self->state;
  st.service = std::move(service);
  st.sessions = std::move(sessions);
  st.settings = std::move(settings);
  if (st.settings.redis) {
    auto hdl = caf::actor_cast<change_hub_actor>(self);
    auto me = st.settings.instance_id;
    // Runs on the Redis client's thread: only a message crosses into the actor.
    st.settings.redis->subscribe(st.settings.channel, [hdl, me](std::string msg) {
      auto note = from_wire(msg);
      if (note && note->origin != me)
        caf::anon_send(hdl, atom::apply_v, std::move(*note));
    });
  }
  return {
    [self](atom::apply, const change_note& note) { self->state.apply(note); },
  };
}

} // namespace tmcp::actors
