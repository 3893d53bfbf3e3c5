// Metadata entities as DTOs, and the schema/webhook mutations shared by /metadata and
// /rest/metadata.
#pragma once

#include "rest.hpp"

namespace standin {

// Object DTO (v2.43 fields; no isCustom). `fields_key` adds the field list under that key
// ("fields" for REST's legacy format, "fieldsList" for GraphQL); empty adds none.
json_value object_dto(const schema& s, const object_def& o, json_alloc& a, const char* fields_key);
json_value field_dto(const schema& s, const object_def& o, const field_def& f, json_alloc& a);
json_value webhook_dto(const webhook_def& h, json_alloc& a);

// Inputs are the GraphQL input objects (`object`, `field`, `update`, webhook input).
result<object_def*> md_create_object(request_context& ctx, const json_value& input);
result<object_def*> md_update_object(request_context& ctx, const std::string& id, const json_value& update);
// Returns the DTO of the deleted entity.
result<std::string> md_delete_object(request_context& ctx, const std::string& id, bool with_fields);
result<field_def*> md_create_field(request_context& ctx, const json_value& input);
result<field_def*> md_update_field(request_context& ctx, const std::string& id, const json_value& update);
result<std::string> md_delete_field(request_context& ctx, const std::string& id);
result<webhook_def*> md_create_webhook(request_context& ctx, const json_value& input);
result<webhook_def*> md_update_webhook(request_context& ctx, const std::string& id, const json_value& update);
result<webhook_def> md_delete_webhook(request_context& ctx, const std::string& id);

// /rest/metadata/{objects,fields,webhooks} and the legacy /rest/webhooks.
http_response handle_rest_metadata(request_context& ctx, const http_request& req,
                                   const std::string& path, const query_params& q);

}  // namespace standin
