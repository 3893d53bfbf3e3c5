// Every atom of the server in one type-ID block; CAF 0.17 atoms hold at most 10 characters.
#pragma once

#include <caf/type_id.hpp>

CAF_BEGIN_TYPE_ID_BLOCK(tmcp_atoms, caf::first_custom_type_id)

  // Client traffic and session lifecycle.
  CAF_ADD_ATOM(tmcp_atoms, tmcp::atom, inbound, "inbound")
  CAF_ADD_ATOM(tmcp_atoms, tmcp::atom, create, "create")
  CAF_ADD_ATOM(tmcp_atoms, tmcp::atom, count, "count")
  CAF_ADD_ATOM(tmcp_atoms, tmcp::atom, shutdown, "shutdown")
  CAF_ADD_ATOM(tmcp_atoms, tmcp::atom, expire, "expire")
  CAF_ADD_ATOM(tmcp_atoms, tmcp::atom, run, "run")

  // Server-initiated notifications fanned out to sessions.
  CAF_ADD_ATOM(tmcp_atoms, tmcp::atom, changed, "changed")
  CAF_ADD_ATOM(tmcp_atoms, tmcp::atom, updated, "updated")
  CAF_ADD_ATOM(tmcp_atoms, tmcp::atom, catalog, "catalog")

CAF_END_TYPE_ID_BLOCK(tmcp_atoms)
