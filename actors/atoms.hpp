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

  // Twenty integration: gateway, schema and cache.
  CAF_ADD_ATOM(tmcp_atoms, tmcp::atom, fetch, "fetch")
  CAF_ADD_ATOM(tmcp_atoms, tmcp::atom, record, "record")
  CAF_ADD_ATOM(tmcp_atoms, tmcp::atom, schema, "schema")
  CAF_ADD_ATOM(tmcp_atoms, tmcp::atom, refresh, "refresh")
  CAF_ADD_ATOM(tmcp_atoms, tmcp::atom, tick, "tick")
  CAF_ADD_ATOM(tmcp_atoms, tmcp::atom, lookup, "lookup")
  CAF_ADD_ATOM(tmcp_atoms, tmcp::atom, store, "store")
  CAF_ADD_ATOM(tmcp_atoms, tmcp::atom, invalidate, "invalidate")
  CAF_ADD_ATOM(tmcp_atoms, tmcp::atom, stats, "stats")
  CAF_ADD_ATOM(tmcp_atoms, tmcp::atom, done, "done")
  CAF_ADD_ATOM(tmcp_atoms, tmcp::atom, retry, "retry")
  CAF_ADD_ATOM(tmcp_atoms, tmcp::atom, crash, "crash")

  // Real time: webhook deliveries and the changes they (and other instances) announce.
  CAF_ADD_ATOM(tmcp_atoms, tmcp::atom, webhook, "webhook")
  CAF_ADD_ATOM(tmcp_atoms, tmcp::atom, apply, "apply")

  // Analytics jobs.
  CAF_ADD_ATOM(tmcp_atoms, tmcp::atom, start, "start")
  CAF_ADD_ATOM(tmcp_atoms, tmcp::atom, progress, "progress")
  CAF_ADD_ATOM(tmcp_atoms, tmcp::atom, status, "status")
  CAF_ADD_ATOM(tmcp_atoms, tmcp::atom, cancel, "cancel")

CAF_END_TYPE_ID_BLOCK(tmcp_atoms)
