// standin-bench: keep-alive HTTP load against a local twenty-standin; prints req/s, p50, p99
// for a cached GET-one and a list call. Loopback targets only.
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace {

struct options {
  std::string host = "127.0.0.1";
  std::string port = "3000";
  std::string key = "standin-demo-key";
  int threads = 8;
  long requests = 20000;  // per scenario, across all threads
  double duration_s = 10; // per scenario upper bound
};

struct scenario_result {
  long ok = 0, failed = 0;
  double seconds = 0;
  std::vector<double> latencies_ms;
};

// One keep-alive connection per thread; stops at the request budget or the deadline.
scenario_result run(const options& o, const std::string& target) {
  std::atomic<long> budget{o.requests};
  const auto deadline = clock_type::now() + std::chrono::duration_cast<clock_type::duration>(
                                                std::chrono::duration<double>(o.duration_s));
  std::vector<scenario_result> per(static_cast<std::size_t>(o.threads));
  std::vector<std::thread> threads;
  const auto t0 = clock_type::now();
  for (int t = 0; t < o.threads; ++t)
    threads.emplace_back([&, t] {
      auto& r = per[static_cast<std::size_t>(t)];
      net::io_context ioc;
      beast::tcp_stream stream(ioc);
      beast::error_code ec;
      tcp::resolver resolver(ioc);
      stream.connect(resolver.resolve(o.host, o.port), ec);
      if (ec) { ++r.failed; return; }
      beast::flat_buffer buffer;
      http::request<http::empty_body> req{http::verb::get, target, 11};
      req.set(http::field::host, o.host);
      req.set(http::field::authorization, "Bearer " + o.key);
      req.keep_alive(true);
      while (budget.fetch_sub(1) > 0 && clock_type::now() < deadline) {
        auto start = clock_type::now();
        http::response<http::string_body> res;
        http::write(stream, req, ec);
        if (!ec) http::read(stream, buffer, res, ec);
        if (ec) { ++r.failed; return; }
        if (res.result_int() == 200) ++r.ok; else ++r.failed;
        r.latencies_ms.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - start).count());
      }
    });
  for (auto& th : threads) th.join();
  scenario_result total;
  total.seconds = std::chrono::duration<double>(clock_type::now() - t0).count();
  for (auto& r : per) {
    total.ok += r.ok;
    total.failed += r.failed;
    total.latencies_ms.insert(total.latencies_ms.end(), r.latencies_ms.begin(), r.latencies_ms.end());
  }
  std::sort(total.latencies_ms.begin(), total.latencies_ms.end());
  return total;
}

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  auto i = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1));
  return sorted[i];
}

// Reads the first record id of a list response with a plain string search (no JSON lib needed).
std::string first_id(const options& o, const std::string& plural) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  tcp::resolver resolver(ioc);
  stream.connect(resolver.resolve(o.host, o.port));
  http::request<http::empty_body> req{http::verb::get, "/rest/" + plural + "?limit=1", 11};
  req.set(http::field::host, o.host);
  req.set(http::field::authorization, "Bearer " + o.key);
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  auto pos = res.body().find("\"id\":\"");
  return pos == std::string::npos ? std::string() : res.body().substr(pos + 6, 36);
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--host") o.host = v;
    else if (a == "--port") o.port = v;
    else if (a == "--key") o.key = v;
    else if (a == "--threads") o.threads = std::max(1, std::stoi(v));
    else if (a == "--requests") o.requests = std::stol(v);
    else if (a == "--duration") o.duration_s = std::stod(v);
    else { std::cerr << "unknown option " << a << "\n"; return 2; }
  }
  if (o.host != "127.0.0.1" && o.host != "localhost" && o.host != "::1") {
    std::cerr << "standin-bench: loopback targets only\n";
    return 2;
  }
  std::string id;
  try {
    id = first_id(o, "companies");
  } catch (const std::exception& e) {
    std::cerr << "standin-bench: cannot reach the stand-in: " << e.what() << "\n";
    return 1;
  }
  if (id.size() != 36) { std::cerr << "standin-bench: no company found (rate limits on?)\n"; return 1; }
  struct { const char* name; std::string target; } scenarios[] = {
    {"get-one (GET /rest/companies/{id})", "/rest/companies/" + id},
    {"list    (GET /rest/opportunities?limit=60)", "/rest/opportunities?limit=60"},
  };
  std::printf("threads=%d requests<=%ld duration<=%.0fs target=%s:%s\n", o.threads, o.requests, o.duration_s,
              o.host.c_str(), o.port.c_str());
  int rc = 0;
  for (auto& s : scenarios) {
    options warm = o;  // a short warm-up pass, discarded
    warm.requests = std::max(1L, o.requests / 10);
    run(warm, s.target);
    auto r = run(o, s.target);
    std::printf("%-45s %9.0f req/s  p50 %.3f ms  p99 %.3f ms  ok %ld  failed %ld\n", s.name,
                static_cast<double>(r.ok) / r.seconds, percentile(r.latencies_ms, 0.50),
                percentile(r.latencies_ms, 0.99), r.ok, r.failed);
    if (r.failed) rc = 1;
  }
  return rc;
}
