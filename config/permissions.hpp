// MCP_PERMISSIONS: which operations the server performs on which Twenty objects, e.g.
// `companies:read;opportunities:read,create,update;*:read`. An object's own entry wins over
// `*`; an object with neither is refused everything. No setting: everything is allowed.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "protocol/expected.hpp"

namespace tmcp::config {

// Deleting for good (destroy, soft=false) is `remove`; restoring a deleted record is `update`.
enum class operation : unsigned { read = 1, create = 2, update = 4, remove = 8 };

const char* to_string(operation op); // read, create, update, delete

class permissions {
public:
  // The error names MCP_PERMISSIONS and the entry at fault.
  static expected<permissions, std::string> parse(const std::string& spec);

  // `singular`/`plural`: the object's API names (either may be listed in the matrix).
  bool allows(const std::string& singular, const std::string& plural, operation op) const;
  // Some object (listed or via `*`) may get `op`.
  bool allows_somewhere(operation op) const;
  // Every object may get `op` (what an unparsed GraphQL document needs).
  bool allows_everywhere(operation op) const;
  // MCP_READ_ONLY: the matrix `*:read`, narrowed by whatever MCP_PERMISSIONS already says.
  void restrict_to_read();
  // The operations an object may get, as "read, create" ("nothing" when none).
  std::string granted(const std::string& singular, const std::string& plural) const;

private:
  unsigned mask_of(const std::string& singular, const std::string& plural) const;

  bool restricted_ = false;
  std::map<std::string, unsigned> objects_;
  std::optional<unsigned> wildcard_;
};

} // namespace tmcp::config
