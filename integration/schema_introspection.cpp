#include "integration/schema_introspection.hpp"

#include <algorithm>

#include "integration/url.hpp"

namespace tmcp::twenty {

namespace {

bool mentions(const std::vector<std::string>& names, const char* name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

request metadata_post(const std::string& body) {
  request r{verb::post, "/metadata", body, api::metadata, true, "schema"};
  r.partial_data = true;
  return r;
}

request rest_metadata_get(const std::string& cursor) {
  std::string target = "/rest/metadata/objects";
  if (!cursor.empty())
    target = with_query(target, {{"starting_after", cursor}});
  return request{verb::get, target, "", api::metadata, true, "schema"};
}

// A failed call, classified: a non-2xx answer as any Twenty error, with where it came from.
error failure_of(const std::string& what, const outcome& answer) {
  if (!answer)
    return answer.error();
  auto e = classify(*answer);
  e.message = what + " answered HTTP " + std::to_string(answer->status) + ". " + e.message;
  return e;
}

// GraphQL failures arrive inside a 200: keep their code (e.g. INVALID_API_KEY) and advice.
error refusal_of(std::string_view body, const std::string& why) {
  if (auto gql = graphql_error(body)) {
    gql->message = why + ". " + gql->message;
    return *gql;
  }
  return error{errc::twenty_api_error, 200, why, ""};
}

error garbage(const std::string& why) {
  return error{errc::twenty_api_error, 0, why, ""};
}

std::string text_of(const error& e) {
  auto text = std::string(to_string(e.code)) + ": " + e.message;
  if (!e.upstream.empty() && e.message.find(e.upstream) == std::string::npos)
    text += " (Twenty: " + e.upstream + ")";
  return text;
}

} // namespace

introspection::introspection(std::optional<introspection_plan> known) {
  if (known) {
    plan_ = *known;
    from_known_ = !(plan_ == introspection_plan{});
  }
}

introspection_step introspection::begin() {
  return restart(plan_.rest ? phase::rest : phase::graphql);
}

introspection_step introspection::restart(phase p) {
  phase_ = p;
  pages_ = 0;
  last_cursor_.clear();
  if (p == phase::graphql || p == phase::rest) {
    objects_.clear();
    relations_failed_ = false;
  }
  patch_.clear();
  return fetch("");
}

introspection_step introspection::fetch(const std::string& cursor) {
  introspection_step s;
  s.what = introspection_step::kind::fetch;
  switch (phase_) {
    case phase::graphql:
      s.next = metadata_post(metadata_objects_query(cursor, {plan_.relations, plan_.is_custom}));
      break;
    case phase::graphql_patch:
      s.next = metadata_post(metadata_objects_query(
        cursor, {relation_selection::relation_definition, false, true}));
      break;
    case phase::rest:
    case phase::rest_patch: s.next = rest_metadata_get(cursor); break;
  }
  return s;
}

introspection_step introspection::take(const outcome& answer) {
  if (!answer || answer->status < 200 || answer->status >= 300)
    return on_failed_answer(answer);
  switch (phase_) {
    case phase::graphql: return on_graphql(answer->body);
    case phase::graphql_patch: return on_patch(answer->body);
    case phase::rest:
    case phase::rest_patch: return on_rest(answer->body);
  }
  return fail_or_reprobe(garbage("unreachable"));
}

introspection_step introspection::on_failed_answer(const outcome& answer) {
  bool rest = phase_ == phase::rest || phase_ == phase::rest_patch;
  return on_refused(failure_of(rest ? "GET /rest/metadata/objects" : "/metadata", answer));
}

introspection_step introspection::on_refused(const error& why) {
  // The completing calls may fail without losing what was read: the next one is tried, and at
  // the end of the chain the schema loads without relation targets.
  if (phase_ == phase::graphql_patch) {
    release_.notes.push_back("relationDefinition failed (" + text_of(why)
                             + "); reading relations from GET /rest/metadata/objects");
    return restart(phase::rest_patch);
  }
  if (phase_ == phase::rest_patch) {
    release_.notes.push_back("GET /rest/metadata/objects failed (" + text_of(why)
                             + "); relation targets are unknown");
    plan_.relations = relation_selection::none;
    release_.relations = "none";
    return done();
  }
  return fail_or_reprobe(why);
}

introspection_step introspection::on_graphql(std::string_view body) {
  auto page = parse_metadata_page(body);
  if (!page && from_known_ && !reprobed_)
    return fail_or_reprobe(refusal_of(body, page.error()));
  if (!page) {
    auto unknown = unknown_selections(page.error());
    if (plan_.is_custom && mentions(unknown, "isCustom")) {
      release_.notes.push_back("isCustom is unknown to this release; asked without it");
      plan_.is_custom = false;
      return restart(phase::graphql);
    }
    if (plan_.relations == relation_selection::relation && mentions(unknown, "relation")) {
      release_.notes.push_back("`relation` is unknown to this release; asked for "
                               "relationDefinition");
      plan_.relations = relation_selection::relation_definition;
      plan_.is_custom = true; // releases before `relation` report isCustom
      return restart(phase::graphql);
    }
    if (plan_.relations == relation_selection::relation_definition
        && mentions(unknown, "relationDefinition")) {
      release_.notes.push_back("relationDefinition is unknown to this release; read the "
                               "schema from GET /rest/metadata/objects");
      plan_.rest = true;
      return restart(phase::rest);
    }
    return fail_or_reprobe(refusal_of(body, page.error()));
  }
  if (!page->field_errors.empty() && !relations_failed_) {
    relations_failed_ = true;
    release_.notes.push_back(
      std::to_string(page->field_errors.size()) + " field errors beside the data (first: "
      + page->field_errors.front() + "); kept the data and asked again for the relations");
  }
  return next_page(*page, objects_);
}

introspection_step introspection::on_patch(std::string_view body) {
  auto page = parse_metadata_page(body);
  if (!page || !page->field_errors.empty())
    return on_refused(refusal_of(body, page ? page->field_errors.front() : page.error()));
  return next_page(*page, patch_);
}

introspection_step introspection::on_rest(std::string_view body) {
  auto page = parse_rest_metadata_objects(body);
  if (!page)
    return on_refused(garbage(page.error()));
  return next_page(*page, phase_ == phase::rest ? objects_ : patch_);
}

introspection_step introspection::next_page(metadata_page& page, std::vector<object>& into) {
  ++pages_;
  for (auto& o : page.objects)
    into.push_back(std::move(o));
  if (!page.has_next_page)
    return done();
  if (page.end_cursor.empty() || page.end_cursor == last_cursor_ || pages_ >= max_pages)
    return fail_or_reprobe(garbage("metadata paging does not advance (cursor '" + page.end_cursor
                                   + "' after " + std::to_string(pages_) + " pages)"));
  last_cursor_ = page.end_cursor;
  return fetch(page.end_cursor);
}

introspection_step introspection::done() {
  if (phase_ == phase::graphql && relations_failed_) {
    if (plan_.relations == relation_selection::relation)
      return restart(phase::graphql_patch);
    return restart(phase::rest_patch);
  }
  if (phase_ == phase::graphql_patch) {
    merge_relations(objects_, patch_);
    plan_.relations = relation_selection::relation_definition;
  } else if (phase_ == phase::rest_patch && plan_.relations != relation_selection::none) {
    merge_relations(objects_, patch_);
    plan_.rest = true;
  }
  if (plan_.rest)
    release_.relations = "rest";
  else if (plan_.relations == relation_selection::relation_definition)
    release_.relations = "relationDefinition";
  else if (plan_.relations == relation_selection::none)
    release_.relations = "none";
  else
    release_.relations = "relation";
  release_.reports_is_custom = plan_.is_custom;
  introspection_step s;
  s.what = introspection_step::kind::done;
  return s;
}

introspection_step introspection::fail_or_reprobe(error why) {
  if (from_known_ && !reprobed_) {
    reprobed_ = true;
    release_.notes.push_back("the remembered way of reading the schema failed ("
                             + text_of(why) + "); probing again from the newest");
    plan_ = introspection_plan{};
    return restart(phase::graphql);
  }
  introspection_step s;
  s.what = introspection_step::kind::failed;
  s.failure = std::move(why);
  return s;
}

} // namespace tmcp::twenty
