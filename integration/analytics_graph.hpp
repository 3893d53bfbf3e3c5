// The analyses around records: relationship mapping and activity of one record, and scores of
// the records the pipeline points at (companies). What they may read is derived from the live
// schema (relation fields, junction objects such as taskTargets, select and date fields), never
// from fixed names; the runs read only the records around the entity (`column[in]:[ids]`
// filters), page by page through job_io.
#pragma once

#include <optional>
#include <string>

#include "integration/analytics_reads.hpp"
#include "integration/schema_model.hpp"

namespace tmcp::twenty {

// relationships | activity: record_id, depth, max_nodes, objects; the walk described from the
// schema. A message when the arguments do not fit.
std::optional<std::string> parse_entity_analysis(const json::value& args,
                                                 const workspace_schema& schema,
                                                 const object& obj, const readable_fn& readable,
                                                 analytics_spec& spec);

// The pipeline (select `stage`, currency `amount`) that points at `obj` through a to-one
// relation (opportunities.company for companies); null when none does.
const object* pipeline_pointing_at(const workspace_schema& schema, const object& obj,
                                   const field** column);

// scores of records the pipeline points at: the sources of their facts and the weights.
std::optional<std::string> parse_company_scores(const json::value& args,
                                                const workspace_schema& schema, const object& obj,
                                                const object& pipeline, const field& column,
                                                const readable_fn& readable, analytics_spec& spec);

void run_entity_job(io_ptr io, analytics_spec spec);
void run_company_scores(io_ptr io, analytics_spec spec);

} // namespace tmcp::twenty
