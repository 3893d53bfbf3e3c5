// A bound on requests in flight across the whole server: every session and stateless request
// takes a slot for each request it runs and gives it back when the request ends.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace tmcp {

class admission;

// One request's place; released when destroyed (or moved from and reset).
class admission_slot {
public:
  admission_slot() = default;
  explicit admission_slot(std::shared_ptr<admission> owner) : owner_(std::move(owner)) {}
  admission_slot(admission_slot&&) noexcept = default;
  admission_slot& operator=(admission_slot&& other) noexcept {
    release();
    owner_ = std::move(other.owner_);
    return *this;
  }
  admission_slot(const admission_slot&) = delete;
  admission_slot& operator=(const admission_slot&) = delete;
  ~admission_slot() { release(); }

  void release();

private:
  std::shared_ptr<admission> owner_;
};

class admission : public std::enable_shared_from_this<admission> {
public:
  // `limit` 0 = unbounded (the count is still kept).
  explicit admission(std::size_t limit, int retry_after_seconds = 1)
    : limit_(limit), retry_after_seconds_(retry_after_seconds) {}

  // A slot, or nothing when `limit` requests are already in flight.
  bool try_enter(admission_slot& slot) {
    auto n = in_flight_.fetch_add(1) + 1;
    if (limit_ > 0 && n > limit_) {
      in_flight_.fetch_sub(1);
      ++refused_;
      return false;
    }
    slot = admission_slot{shared_from_this()};
    return true;
  }

  std::size_t in_flight() const { return in_flight_.load(); }
  std::size_t limit() const { return limit_; }
  uint64_t refused() const { return refused_.load(); }
  int retry_after_seconds() const { return retry_after_seconds_; }

private:
  friend class admission_slot;
  std::size_t limit_;
  int retry_after_seconds_;
  std::atomic<std::size_t> in_flight_{0};
  std::atomic<uint64_t> refused_{0};
};

using admission_ptr = std::shared_ptr<admission>;

inline void admission_slot::release() {
  if (owner_) {
    owner_->in_flight_.fetch_sub(1);
    owner_.reset();
  }
}

} // namespace tmcp
