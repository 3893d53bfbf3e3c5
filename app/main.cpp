#include "app/server.hpp"

int main(int argc, char** argv) {
  return tmcp::app::run_server(argc, argv);
}
