// What tools see of Twenty: reads (cached), record gets (cached and collapsed), writes (which
// invalidate what they touch) and the live schema. The actors layer implements it on top of
// the gateway, cache and schema actors; tests implement it with canned answers.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "integration/twenty_types.hpp"

namespace tmcp::twenty {
struct workspace_schema;
} // namespace tmcp::twenty

namespace tmcp {
using schema_ptr = std::shared_ptr<const twenty::workspace_schema>;
} // namespace tmcp

namespace tmcp::twenty {

class twenty_api {
public:
  // Runs exactly once, on any thread.
  using done_fn = std::function<void(outcome)>;

  virtual ~twenty_api() = default;

  // A read served from the cache when fresh, else upstream; cached under `tags`.
  virtual void read(request req, std::vector<std::string> tags, done_fn done) = 0;

  // One record by id; the answer's body is the bare record.
  virtual void get_record(const std::string& plural, const std::string& id, int depth,
                          const std::string& fairness_key, done_fn done) = 0;

  // A write; on success every cache entry under `invalidates` is dropped and `changed`
  // records (plural, id) are announced to subscribed sessions.
  virtual void write(request req, std::vector<std::string> invalidates,
                     std::vector<std::pair<std::string, std::string>> changed,
                     done_fn done) = 0;

  // The current schema snapshot (null until the first introspection succeeded).
  virtual schema_ptr schema() const = 0;

  // Re-introspects now; `done` runs after the snapshot was replaced (or the attempt failed).
  virtual void refresh_schema(std::function<void()> done) = 0;

  // Why the last schema introspection failed (invalid key, unreachable URL, TLS...), with its
  // advice; nullopt when it succeeded or none has finished yet.
  virtual std::optional<error> schema_failure() const { return std::nullopt; }
};

using api_ptr = std::shared_ptr<twenty_api>;

// Cache tags, shared by readers and writers.
inline std::string object_tag(const std::string& plural) {
  return "object:" + plural;
}
inline std::string record_tag(const std::string& plural, const std::string& id) {
  return "record:" + plural + ":" + id;
}

} // namespace tmcp::twenty
