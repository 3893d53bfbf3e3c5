#include "integration/twenty_types.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "protocol/json.hpp"

namespace tmcp::twenty {

const char* to_string(errc e) {
  switch (e) {
    case errc::invalid_api_key: return "INVALID_API_KEY";
    case errc::insufficient_permissions: return "INSUFFICIENT_PERMISSIONS";
    case errc::invalid_input: return "INVALID_INPUT";
    case errc::required_field_missing: return "REQUIRED_FIELD_MISSING";
    case errc::rate_limit_exceeded: return "RATE_LIMIT_EXCEEDED";
    case errc::twenty_api_error: return "TWENTY_API_ERROR";
    case errc::network_error: return "NETWORK_ERROR";
    case errc::schema_validation_error: return "SCHEMA_VALIDATION_ERROR";
    case errc::object_not_found: return "OBJECT_NOT_FOUND";
    case errc::record_not_found: return "RECORD_NOT_FOUND";
    case errc::conflict: return "CONFLICT";
    case errc::server_busy: return "SERVER_BUSY";
  }
  return "TWENTY_API_ERROR";
}

namespace {

// A non-JSON body (an HTML proxy page, say) is quoted only this far.
constexpr std::size_t max_raw_upstream = 500;

// What a Twenty answer says, whatever its shape (REST error, GraphQL errors, plain text).
struct facts {
  int status = 0;    // the HTTP status
  int effective = 0; // the status the answer means (GraphQL codes map to one)
  std::string name;  // REST `error` or GraphQL `extensions.code`
  std::string text;  // Twenty's messages joined with "; "
  std::optional<int> retry_after;
};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool has(const std::string& lowered, std::string_view needle) {
  return lowered.find(needle) != std::string::npos;
}

void append(std::string& to, std::string_view s) {
  if (s.empty())
    return;
  if (!to.empty())
    to += "; ";
  to += s;
}

// `messages` (Twenty) or `message` (plain Nest), each a string or an array of strings.
void collect_messages(const json::value& v, std::string& out) {
  for (auto key : {"messages", "message"}) {
    auto m = json::find(v, key);
    if (!m)
      continue;
    if (m->IsString())
      append(out, std::string_view(m->GetString(), m->GetStringLength()));
    else if (m->IsArray())
      for (auto& item : m->GetArray())
        if (item.IsString())
          append(out, std::string_view(item.GetString(), item.GetStringLength()));
  }
}

std::optional<int> number(const json::value& v, const char* key) {
  auto n = json::find(v, key);
  // Out-of-range doubles would make the cast undefined: clamp first.
  if (n && n->IsNumber())
    return static_cast<int>(std::clamp(n->GetDouble(), -2147483648.0, 2147483647.0));
  return std::nullopt;
}

// GraphQL `extensions.code` → the HTTP status a REST answer would have had.
int status_of_code(const std::string& code) {
  if (code == "UNAUTHENTICATED")
    return 401;
  if (code == "FORBIDDEN")
    return 403;
  if (code == "NOT_FOUND")
    return 404;
  if (code == "CONFLICT")
    return 409;
  if (code == "TOO_MANY_REQUESTS" || code == "RATE_LIMITED")
    return 429;
  if (code == "BAD_USER_INPUT" || code == "GRAPHQL_VALIDATION_FAILED"
      || code == "GRAPHQL_PARSE_FAILED" || code == "BAD_REQUEST")
    return 400;
  if (code == "INTERNAL_SERVER_ERROR")
    return 500;
  return 0;
}

// Reads `errors[]` of a GraphQL answer; false when there are none.
bool read_graphql(const json::value& doc, facts& f) {
  auto errs = json::find(doc, "errors");
  if (!errs || !errs->IsArray() || errs->Empty())
    return false;
  for (auto& e : errs->GetArray()) {
    if (auto m = json::get_string(e, "message"))
      append(f.text, *m);
    else if (e.IsString())
      append(f.text, std::string_view(e.GetString(), e.GetStringLength()));
    auto ext = json::find(e, "extensions");
    if (!ext)
      continue;
    auto code = json::get_string(*ext, "code");
    // The first error with a code decides; later ones only add text.
    if (code && f.name.empty())
      f.name = *code;
    if (!f.retry_after)
      f.retry_after = number(*ext, "retryAfterSeconds");
  }
  f.effective = status_of_code(f.name);
  // Validation errors of older servers carry no code (`Cannot query field "x" on type "Y".`).
  if (f.effective == 0 && f.name.empty() && has(lower(f.text), "cannot query field"))
    f.effective = 400;
  if (f.effective == 0)
    f.effective = (f.status >= 200 && f.status < 300) ? 0 : f.status;
  return true;
}

facts read_facts(int status, std::string_view body) {
  facts f;
  f.status = status;
  f.effective = status;
  auto doc = json::parse(body);
  if (!doc || !doc->IsObject()) {
    auto raw = body.substr(0, max_raw_upstream);
    f.text = std::string(raw);
    if (body.size() > raw.size())
      f.text += "…";
    return f;
  }
  bool rest_shape = json::find(*doc, "statusCode") || json::find(*doc, "messages");
  if (!rest_shape && read_graphql(*doc, f))
    return f;
  collect_messages(*doc, f.text);
  if (auto name = json::get_string(*doc, "error"))
    f.name = *name;
  f.retry_after = number(*doc, "retryAfterSeconds");
  if (f.text.empty())
    f.text = f.name.empty() ? std::string(body.substr(0, max_raw_upstream)) : f.name;
  return f;
}

bool is_rate_limit(const facts& f, const std::string& t) {
  return f.effective == 429 || f.name == "RATE_LIMITED" || f.name == "TooManyRequestsException"
         || has(t, "limit reached") || has(t, "rate limit") || has(t, "too many requests");
}

bool is_duplicate(const std::string& t) {
  return has(t, "duplicate") || has(t, "unique constraint") || has(t, "already exists")
         || has(t, "unique violation") || has(t, "must be unique");
}

bool is_required(const std::string& t) {
  return has(t, "required") || has(t, "cannot be null") || has(t, "null value in column")
         || has(t, "not-null constraint") || (has(t, "is missing") && !has(t, "metadata"))
         || has(t, "must not be null")
         || has(t, "should not be null") || has(t, "should not be empty");
}

// "object 'company' not found. Did you mean 'companies'?" → "company"
std::optional<std::string> missing_object(const std::string& text) {
  auto t = lower(text);
  auto at = t.find("object '");
  if (at == std::string::npos)
    return std::nullopt;
  auto begin = at + 8;
  auto end = t.find('\'', begin);
  if (end == std::string::npos || t.compare(end, 11, "' not found") != 0)
    return std::nullopt;
  return text.substr(begin, end - begin);
}

// The part of Twenty's text after "not found." ("Did you mean 'companies'?", "eg: companies").
std::string object_hint(const std::string& text) {
  auto at = lower(text).find("not found");
  if (at == std::string::npos)
    return {};
  auto rest = text.substr(at + 9);
  auto first = rest.find_first_not_of(". ");
  return first == std::string::npos ? std::string{} : rest.substr(first);
}

error make(errc code, const facts& f, std::string message) {
  return error{code, f.status, std::move(message), f.text};
}

error rate_limited(const facts& f) {
  std::string wait = f.retry_after
                       ? "Wait " + std::to_string(*f.retry_after) + " s before retrying"
                       : "Wait up to a minute before retrying";
  return make(errc::rate_limit_exceeded, f,
              "Twenty's API rate limit was reached (by default 100 requests per second and "
              "100 per minute per workspace). "
                + wait + ", and prefer fewer, larger calls (filters, batch operations).");
}

// An authentication failure: 401 on 1.x and newer, 403 for a missing or revoked key, and on
// 0.x a 400 ForbiddenException "Forbidden resource" for a missing or invalid key alike.
bool is_auth_failure(const facts& f, const std::string& t) {
  if (f.effective == 401 || f.name == "UNAUTHENTICATED")
    return true;
  if (f.name == "ForbiddenException" || has(t, "forbidden resource"))
    return f.effective == 400 || f.effective == 403;
  return f.effective == 403
         && (f.name == "FORBIDDEN_EXCEPTION" || has(t, "missing authentication")
             || has(t, "missing token") || has(t, "revoked") || has(t, "token invalid"));
}

error auth_failure(const facts& f, const std::string& t) {
  std::string what = "Twenty rejected the API key (invalid, expired or unknown).";
  if (has(t, "missing authentication") || has(t, "missing token"))
    what = "Twenty received no API key.";
  else if (has(t, "revoked"))
    what = "The API key was revoked in Twenty.";
  else if (has(t, "forbidden resource"))
    what = "Twenty refused the API key (older releases answer a missing or invalid key with "
           "400/403 \"Forbidden resource\").";
  return make(errc::invalid_api_key, f,
              what + " Check TWENTY_API_KEY: generate a new key in Settings → APIs & Webhooks "
                     "and restart the server; retrying will not help.");
}

error classify_facts(const facts& f) {
  auto t = lower(f.text);
  auto code = f.effective;
  if (is_rate_limit(f, t))
    return rate_limited(f);
  if (is_auth_failure(f, t))
    return auth_failure(f, t);
  if (code == 403 || f.name == "FORBIDDEN")
    return make(errc::insufficient_permissions, f,
                "The API key's role may not perform this action on this object. Try a read, "
                "another object, or ask a workspace admin to extend the key's role.");
  if (has(t, "on type \"query\""))
    return make(errc::invalid_input, f,
                "Twenty's GraphQL schema has no such query. Check the object's plural name "
                "(twenty_get_schema); Twenty also answers this way when it did not accept the "
                "API key, so check TWENTY_API_KEY if the name is right.");
  if (auto object = missing_object(f.text)) {
    auto hint = object_hint(f.text);
    return make(errc::object_not_found, f,
                "Twenty has no object '" + *object + "' in this workspace."
                  + (hint.empty() ? "" : " " + hint)
                  + " Use the plural API name of an existing object (list the objects to see "
                    "them).");
  }
  if (code == 409 || f.name == "CONFLICT" || is_duplicate(t))
    return make(errc::conflict, f,
                "Twenty refused the write because it conflicts with an existing record (a "
                "unique field such as an email or domain is already used). Find and update "
                "that record instead, or change the unique value.");
  if (code == 404 || has(t, "record not found"))
    return make(errc::record_not_found, f,
                "No record with this id exists (it may have been deleted). Search for the "
                "record by a field value to get a current id.");
  bool input = code == 400 || code == 422;
  bool database = code >= 500 && (has(t, "null value in column") || has(t, "not-null"));
  if ((input && is_required(t)) || database)
    return make(errc::required_field_missing, f,
                "Twenty needs a field that was not given. Add the required field named in "
                "Twenty's message and send the request again.");
  if (input && t == "rest api exception")
    return make(errc::invalid_input, f,
                "Twenty answered with a generic error that gives no reason (\"Rest Api "
                "Exception\"); older releases (0.x) answer this way for an id that does not "
                "exist or an operation they lack. Check the id, or use another tool.");
  if (input)
    return make(errc::invalid_input, f,
                "Twenty rejected the request as invalid. Fix the field, filter or value named "
                "in Twenty's message (check names and types against the object's schema) and "
                "try again.");
  if (code >= 500) {
    auto what = f.status >= 500 ? "HTTP " + std::to_string(f.status) : f.name;
    return make(errc::twenty_api_error, f,
                "Twenty failed with an internal error (" + what
                  + "). This is a server-side problem: retry in a little while, and report it "
                    "if it persists.");
  }
  return make(errc::twenty_api_error, f,
              "Twenty gave an unexpected answer (HTTP " + std::to_string(f.status)
                + "). Retry once; if it repeats, check that TWENTY_API_URL points at Twenty.");
}

} // namespace

error classify(int status, std::string_view body) {
  return classify_facts(read_facts(status, body));
}

error classify(const response& r) {
  auto f = read_facts(r.status, r.body);
  if (!f.retry_after)
    f.retry_after = r.retry_after_seconds;
  return classify_facts(f);
}

std::optional<error> graphql_error(std::string_view body) {
  auto doc = json::parse(body);
  if (!doc || !doc->IsObject())
    return std::nullopt;
  facts f;
  f.status = 200;
  if (!read_graphql(*doc, f))
    return std::nullopt;
  return classify_facts(f);
}

} // namespace tmcp::twenty
