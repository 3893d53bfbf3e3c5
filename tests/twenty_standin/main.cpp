// twenty-standin: wires options, the workspace and the HTTP server together.
#include "src/http_server.hpp"
#include "src/options.hpp"

#include <iostream>

int main(int argc, char** argv) {
  standin::server_options opt;
  if (auto err = standin::parse_options(argc, argv, opt); !err.empty()) {
    std::cerr << "twenty-standin: " << err << "\n";
    return 2;
  }
  if (opt.help) {
    std::cout << standin::usage();
    return 0;
  }
  std::cerr << "twenty-standin: seeding workspace (seed " << opt.app.seed.seed << ")...\n";
  standin::app workspace(opt.app);
  for (auto& [object, n] : workspace.seeded()) std::cerr << "  " << object << ": " << n << "\n";
  for (auto& key : opt.app.api_keys) std::cerr << "twenty-standin: API key: " << key << "\n";
  standin::server_settings settings;
  settings.host = opt.host;
  settings.port = opt.port;
  settings.threads = opt.threads;
  standin::http_server server(workspace, settings);
  std::string err;
  if (!server.start(&err)) {
    std::cerr << "twenty-standin: " << err << "\n";
    return 1;
  }
  std::cout << "twenty-standin listening on http://" << opt.host << ":" << server.port() << std::endl;
  standin::http_server::wait_for_signal();
  std::cerr << "twenty-standin: shutting down\n";
  server.stop();
  return 0;
}
