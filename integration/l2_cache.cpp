#include "integration/l2_cache.hpp"

#include <cstring>

#include <zlib.h>

namespace tmcp::twenty {

namespace {

// KEYS: value key, tag sets. ARGV: stored value, ttl ms. Tag sets live twice as long as a
// value, so they never lose track of a live one.
constexpr const char* put_script = R"LUA(
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
for i = 2, #KEYS do
  redis.call('SADD', KEYS[i], KEYS[1])
  redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[2]) * 2)
end
return 1
)LUA";

// KEYS: tag sets. Drops every value listed, then the sets.
constexpr const char* invalidate_script = R"LUA(
local n = 0
for i = 1, #KEYS do
  local members = redis.call('SMEMBERS', KEYS[i])
  for _, k in ipairs(members) do n = n + redis.call('DEL', k) end
  redis.call('DEL', KEYS[i])
end
return n
)LUA";

} // namespace

l2_cache::l2_cache(std::shared_ptr<redis::client> redis, std::string prefix,
                   std::chrono::milliseconds ttl, std::size_t compress_above)
  : redis_(std::move(redis)), prefix_(std::move(prefix)), ttl_(ttl),
    compress_above_(compress_above) {}

std::string l2_cache::encode(const std::string& value, std::size_t compress_above) {
  if (value.size() <= compress_above)
    return "r" + value;
  uLongf len = compressBound(static_cast<uLong>(value.size()));
  std::string out(len + 9, '\0');
  out[0] = 'z';
  uint64_t raw = value.size();
  std::memcpy(&out[1], &raw, 8);
  if (compress2(reinterpret_cast<Bytef*>(&out[9]), &len,
                reinterpret_cast<const Bytef*>(value.data()), static_cast<uLong>(value.size()),
                Z_BEST_SPEED)
      != Z_OK)
    return "r" + value;
  out.resize(len + 9);
  return out;
}

std::optional<std::string> l2_cache::decode(const std::string& stored) {
  if (stored.empty())
    return std::nullopt;
  if (stored[0] == 'r')
    return stored.substr(1);
  if (stored[0] != 'z' || stored.size() < 9)
    return std::nullopt;
  uint64_t raw = 0;
  std::memcpy(&raw, &stored[1], 8);
  if (raw > (std::size_t{256} << 20))
    return std::nullopt;
  std::string out(raw, '\0');
  uLongf len = static_cast<uLongf>(raw);
  if (uncompress(reinterpret_cast<Bytef*>(out.data()), &len,
                 reinterpret_cast<const Bytef*>(stored.data() + 9),
                 static_cast<uLong>(stored.size() - 9))
        != Z_OK
      || len != raw)
    return std::nullopt;
  return out;
}

void l2_cache::get(const std::string& key,
                   std::function<void(std::optional<std::string>)> done) {
  if (!up())
    return done(std::nullopt);
  redis_->command({"GET", prefix_ + ":v:" + key}, [done](redis::reply r) {
    if (r.type != redis::reply::kind::string)
      return done(std::nullopt);
    done(decode(r.str));
  });
}

void l2_cache::put(const std::string& key, const std::string& value,
                   const std::vector<std::string>& tags) {
  if (!up() || ttl_.count() <= 0)
    return;
  std::vector<std::string> argv{"EVAL", put_script, std::to_string(tags.size() + 2),
                                prefix_ + ":v:" + key, prefix_ + ":t:*"};
  for (const auto& t : tags)
    argv.push_back(prefix_ + ":t:" + t);
  argv.push_back(encode(value, compress_above_));
  argv.push_back(std::to_string(ttl_.count()));
  redis_->command(std::move(argv), [](redis::reply) {});
}

void l2_cache::invalidate(const std::vector<std::string>& tags) {
  if (!up() || tags.empty())
    return;
  std::vector<std::string> argv{"EVAL", invalidate_script, std::to_string(tags.size())};
  for (const auto& t : tags)
    argv.push_back(prefix_ + ":t:" + t);
  redis_->command(std::move(argv), [](redis::reply) {});
}

} // namespace tmcp::twenty
