// The agent's view of a record, whichever API served it (REST record, GraphQL node): money as
// "AMOUNT CODE", one-key composites flattened, audit and search fields left out unless asked
// for, nulls and empty values dropped. Writes take the same forms and are converted back.
// Plain C++ and RapidJSON; no I/O.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "integration/schema_model.hpp"
#include "protocol/json.hpp"

namespace tmcp::twenty {

// The fields an agent asked for, as a tree of dotted paths: company.name, name.firstName.
struct field_tree {
  std::map<std::string, field_tree> children;
  bool empty() const { return children.empty(); }
};
field_tree make_field_tree(const std::vector<std::string>& paths);

// Exact decimal text of an amount in micros with its code: "46400000 USD", "-12.5 EUR",
// "0.000001 KWD"; just the amount when `code` is empty.
std::string format_money(long long micros, std::string_view code);

struct money {
  long long micros = 0;
  std::string code; // upper case; empty when the text had none
};
// "46400000 USD", "46,400,000.50 usd", "USD 12", "-3.5"; an error message when the text is not
// an amount with at most 6 decimals, optionally with a 3-letter code.
expected<money, std::string> parse_money(std::string_view text);

// Bookkeeping fields (createdBy, updatedBy, position, searchVector, other system fields but
// id and the timestamps) that the view shows only when asked for by name.
bool hidden_by_default(const object& obj, std::string_view key);

// Rewrites `rec` (a record of `obj`) into the agent's view. With `only`, keeps just those
// fields (and id); relations are rendered with their own object's rules, connections
// ({edges:[{node}]}) become arrays.
void render_record(const workspace_schema& schema, const object& obj, json::value& rec,
                   json::allocator& a, const field_tree* only = nullptr);

// Drops nulls, empty strings, arrays and objects, and __typename, at any depth.
void drop_empty(json::value& v);

// Converts the agent's forms in record data into Twenty's: money strings or {amount,
// currency} to {amountMicros, currencyCode}; a string for a links, emails, phones or rich text
// field to its primary subfield. An error message names the field whose value cannot be read.
std::optional<std::string> to_twenty_input(const object& obj, json::value& data,
                                           json::allocator& a);

} // namespace tmcp::twenty
