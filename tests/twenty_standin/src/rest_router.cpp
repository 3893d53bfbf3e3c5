// Route matching for /rest, in the order of Twenty's RestApiCoreController.
#include "rest.hpp"

namespace standin {

namespace {

std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  size_t p = 0;
  while (p < path.size()) {
    size_t slash = path.find('/', p);
    if (slash == std::string::npos) slash = path.size();
    if (slash > p) out.push_back(path.substr(p, slash - p));
    p = slash + 1;
  }
  return out;
}

api_error bad_path(const std::string& path) {
  return bad_request("Query path '" + path + "' invalid. Valid examples: /rest/companies/id or "
                     "/rest/companies or /rest/batch/companies");
}

}  // namespace

rest_route classify_rest(const std::string& method_in, const std::string& path) {
  std::string method = method_in == "PUT" ? "PATCH" : method_in;
  auto seg = segments(path);  // seg[0] == "rest"
  auto n = seg.size();
  auto last = n ? seg.back() : "";
  std::string pattern = "/rest";
  if (n == 2) pattern = "/rest/{object}";
  else if (n == 3 && seg[1] == "batch") pattern = "/rest/batch/{object}";
  else if (n == 3 && (last == "duplicates" || last == "groupBy" || last == "merge" || last == "restore"))
    pattern = "/rest/{object}/" + last;
  else if (n == 3) pattern = "/rest/{object}/{id}";
  else if (n == 4 && seg[1] == "restore") pattern = "/rest/restore/{object}/{id}";
  else if (n == 4 && last == "restore") pattern = "/rest/{object}/{id}/restore";
  else if (n > 3) pattern = "/rest/...";
  return {method, pattern};
}

http_response handle_rest_records(request_context& ctx, const http_request& req,
                                  const std::string& path, const query_params& q) {
  const std::string method = req.method == "PUT" ? "PATCH" : req.method;
  auto seg = segments(path);
  seg.erase(seg.begin());  // "rest"
  const bool restore = method == "PATCH" && !seg.empty() && seg.back() == "restore";
  if (seg.empty() || seg.size() > (restore ? 3u : 2u)) {
    // The older restore form /rest/restore/{object}[/{id}] has its own route.
    if (!(method == "PATCH" && !seg.empty() && seg[0] == "restore" && seg.size() <= 3))
      return rest_error(bad_path(path));
  }
  auto object = [&](const std::string& name) { return resolve_object(ctx.db.meta(), name); };
  auto with_object = [&](const std::string& name, auto&& fn) -> http_response {
    auto o = object(name);
    if (!o) return rest_error(*o.error);
    return fn(*o.value);
  };
  auto check_id = [](const std::string& id) -> std::optional<api_error> {
    if (!is_uuid(id)) return bad_request("'" + id + "' is not a valid UUID");
    return std::nullopt;
  };

  // Older restore routes: PATCH /rest/restore/{object}[/{id}].
  if (method == "PATCH" && seg[0] == "restore" && seg.size() >= 2 && !restore) {
    if (seg.size() == 3) {
      if (auto e = check_id(seg[2])) return rest_error(*e);
      return with_object(seg[1], [&](const object_def& o) { return rest_restore_one(ctx, o, seg[2], q); });
    }
    return with_object(seg[1], [&](const object_def& o) { return rest_restore_many(ctx, o, q); });
  }
  if (method == "POST") {
    if (seg.size() == 2 && seg[0] == "batch")
      return with_object(seg[1], [&](const object_def& o) { return rest_create_many(ctx, o, req.body, q); });
    if (seg.size() == 2 && seg[1] == "duplicates")
      return with_object(seg[0], [&](const object_def& o) { return rest_duplicates(ctx, o, req.body); });
    if (seg.size() == 1)
      return with_object(seg[0], [&](const object_def& o) { return rest_create_one(ctx, o, req.body, q); });
  } else if (method == "GET") {
    if (seg.size() == 2 && seg[1] == "groupBy")
      return with_object(seg[0], [&](const object_def& o) { return rest_group_by(ctx, o, q); });
    if (seg.size() == 1) return rest_find_many(ctx, seg[0], q);
    if (auto e = check_id(seg[1])) return rest_error(*e);
    return with_object(seg[0], [&](const object_def& o) { return rest_find_one(ctx, o, seg[1], q); });
  } else if (method == "DELETE") {
    if (seg.size() == 1)
      return with_object(seg[0], [&](const object_def& o) { return rest_delete_many(ctx, o, q); });
    if (auto e = check_id(seg[1])) return rest_error(*e);
    return with_object(seg[0], [&](const object_def& o) { return rest_delete_one(ctx, o, seg[1], q); });
  } else if (method == "PATCH") {
    if (restore && seg.size() == 3) {
      if (auto e = check_id(seg[1])) return rest_error(*e);
      return with_object(seg[0], [&](const object_def& o) { return rest_restore_one(ctx, o, seg[1], q); });
    }
    if (restore && seg.size() == 2)
      return with_object(seg[0], [&](const object_def& o) { return rest_restore_many(ctx, o, q); });
    if (seg.size() == 2 && seg[1] == "merge")
      return with_object(seg[0], [&](const object_def& o) { return rest_merge(ctx, o, req.body, q); });
    if (seg.size() == 1)
      return with_object(seg[0], [&](const object_def& o) { return rest_update_many(ctx, o, req.body, q); });
    if (auto e = check_id(seg[1])) return rest_error(*e);
    return with_object(seg[0], [&](const object_def& o) {
      return rest_update_one(ctx, o, seg[1], req.body, q);
    });
  }
  http_response r = rest_error({404, "NotFoundException", "Cannot " + req.method + " " + path, {}});
  return r;
}

}  // namespace standin
