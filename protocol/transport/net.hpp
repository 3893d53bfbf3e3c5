// Namespace aliases for the Beast translation units only (kept out of public headers).
#pragma once

#include <utility> // Boost 1.74 asio/awaitable.hpp misses it under C++20

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace tmcp::transport {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = boost::asio::ip::tcp;

} // namespace tmcp::transport
