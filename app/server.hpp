// Wires configuration, actors and transports together; main() only calls run_server.
#pragma once

namespace tmcp::app {

int run_server(int argc, char** argv);

} // namespace tmcp::app
