#include "config/permissions.hpp"

namespace tmcp::config {

namespace {

constexpr unsigned all_ops = 15;

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos)
    return {};
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::optional<unsigned> op_bit(const std::string& word) {
  if (word == "read")
    return 1u;
  if (word == "create")
    return 2u;
  if (word == "update")
    return 4u;
  if (word == "delete")
    return 8u;
  if (word == "*")
    return all_ops;
  return std::nullopt;
}

} // namespace

const char* to_string(operation op) {
  switch (op) {
    case operation::read: return "read";
    case operation::create: return "create";
    case operation::update: return "update";
    case operation::remove: return "delete";
  }
  return "?";
}

expected<permissions, std::string> permissions::parse(const std::string& spec) {
  permissions p;
  std::size_t start = 0;
  while (start <= spec.size()) {
    auto end = spec.find(';', start);
    auto entry = trim(spec.substr(start, end == std::string::npos ? std::string::npos : end - start));
    start = end == std::string::npos ? spec.size() + 1 : end + 1;
    if (entry.empty())
      continue;
    auto bad = [&](const std::string& why) {
      return make_unexpected("MCP_PERMISSIONS entry '" + entry + "': " + why
                             + " (form: object:op,op;...; ops read, create, update, delete, *; "
                               "e.g. companies:read;*:read)");
    };
    auto colon = entry.find(':');
    if (colon == std::string::npos)
      return bad("missing ':' between the object and its operations");
    auto name = trim(entry.substr(0, colon));
    if (name.empty())
      return bad("no object name before ':'");
    unsigned mask = 0;
    std::string ops = entry.substr(colon + 1) + ",";
    std::size_t at = 0;
    for (auto comma = ops.find(','); comma != std::string::npos; comma = ops.find(',', at)) {
      auto word = trim(ops.substr(at, comma - at));
      at = comma + 1;
      if (word.empty())
        continue;
      auto bit = op_bit(word);
      if (!bit)
        return bad("unknown operation '" + word + "'");
      mask |= *bit;
    }
    if (mask == 0)
      return bad("no operation after ':'");
    if (name == "*") {
      if (p.wildcard_)
        return bad("'*' is listed twice");
      p.wildcard_ = mask;
    } else if (!p.objects_.emplace(name, mask).second) {
      return bad("'" + name + "' is listed twice");
    }
  }
  p.restricted_ = p.wildcard_ || !p.objects_.empty();
  return p;
}

unsigned permissions::mask_of(const std::string& singular, const std::string& plural) const {
  if (!restricted_)
    return all_ops;
  for (const auto* name : {&plural, &singular})
    if (auto it = objects_.find(*name); it != objects_.end())
      return it->second;
  return wildcard_.value_or(0);
}

bool permissions::allows(const std::string& singular, const std::string& plural,
                         operation op) const {
  return (mask_of(singular, plural) & static_cast<unsigned>(op)) != 0;
}

bool permissions::allows_somewhere(operation op) const {
  auto bit = static_cast<unsigned>(op);
  if (!restricted_ || (wildcard_.value_or(0) & bit))
    return true;
  for (const auto& [name, mask] : objects_)
    if (mask & bit)
      return true;
  return false;
}

bool permissions::allows_everywhere(operation op) const {
  auto bit = static_cast<unsigned>(op);
  if (!restricted_)
    return true;
  if (!(wildcard_.value_or(0) & bit))
    return false;
  for (const auto& [name, mask] : objects_)
    if (!(mask & bit))
      return false;
  return true;
}

void permissions::restrict_to_read() {
  auto read = static_cast<unsigned>(operation::read);
  if (!restricted_) {
    restricted_ = true;
    wildcard_ = read;
    return;
  }
  if (wildcard_)
    *wildcard_ &= read;
  for (auto& [name, mask] : objects_)
    mask &= read;
}

std::string permissions::granted(const std::string& singular, const std::string& plural) const {
  auto mask = mask_of(singular, plural);
  std::string out;
  for (auto op : {operation::read, operation::create, operation::update, operation::remove})
    if (mask & static_cast<unsigned>(op))
      out += (out.empty() ? "" : ", ") + std::string(to_string(op));
  return out.empty() ? "nothing" : out;
}

} // namespace tmcp::config
