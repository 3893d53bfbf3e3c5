// The current catalog, shared by all sessions; replaced whole when the workspace schema changes.
#pragma once

#include <memory>
#include <mutex>

#include "protocol/catalog.hpp"

namespace tmcp::actors {

class catalog_store {
public:
  explicit catalog_store(catalog_ptr initial) : current_(std::move(initial)) {}

  catalog_ptr current() const {
    std::lock_guard<std::mutex> guard(mtx_);
    return current_;
  }

  void replace(catalog_ptr next) {
    std::lock_guard<std::mutex> guard(mtx_);
    current_ = std::move(next);
  }

private:
  mutable std::mutex mtx_;
  catalog_ptr current_;
};

using catalog_store_ptr = std::shared_ptr<catalog_store>;

} // namespace tmcp::actors
