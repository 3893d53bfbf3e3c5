// An io_context run by a few threads until stop(); sessions are spread over it via strands.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <thread>
#include <vector>

namespace mcp_bench {

class io_pool {
public:
  explicit io_pool(int threads) : ioc_(threads), guard_(boost::asio::make_work_guard(ioc_)) {
    for (int i = 0; i < threads; ++i)
      threads_.emplace_back([this] { ioc_.run(); });
  }
  ~io_pool() { stop(); }

  boost::asio::io_context& context() { return ioc_; }

  void stop() {
    guard_.reset();
    ioc_.stop();
    for (auto& t : threads_)
      if (t.joinable())
        t.join();
  }

private:
  boost::asio::io_context ioc_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::vector<std::thread> threads_;
};

}  // namespace mcp_bench
