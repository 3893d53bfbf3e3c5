// Relationship mapping: the graph around one record, walked breadth-first through the relations
// the caller describes (to-one columns, and junction objects such as taskTargets that link a
// task to companies, people and opportunities), to a depth limit and a node cap. The walk plans
// its reads (which object, filtered on which column, for which ids) and folds the records it is
// given; the caller does the I/O. Then: counts per object and relation, and the strongest ties.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "protocol/json.hpp"

namespace tmcp::analytics {

// A to-one column: records of `from` point at records of `to` (opportunities.companyId).
struct graph_link {
  std::string from, field, column, to; // plurals; the relation field and its join column
};

// A junction object: each of its records links one owner (a task) to targets (a company, a
// person, an opportunity), one column per target object.
struct graph_junction {
  std::string link;                // taskTargets
  std::string owner_column, owner; // taskId, tasks
  std::vector<std::pair<std::string, std::string>> targets; // (targetCompanyId, companies)
};

// What the walk may cross, derived by the caller from the live schema.
struct graph_schema {
  std::vector<graph_link> links;
  std::vector<graph_junction> junctions;
  std::map<std::string, std::string> labels;  // plural -> the field naming a record (name, title)
  std::map<std::string, std::string> amounts; // plural -> a currency field (opportunities.amount)
};

struct graph_params {
  int depth = 2;                 // hops from the root; a junction (task <-> company) is one hop
  std::size_t max_nodes = 200;   // the walk stops adding nodes here and says it was truncated
  std::size_t ids_per_query = 50; // ids in one `column[in]:[...]` filter
  bool follow_to_one = true;     // fetch the records a node's to-one columns point at
};

// One read the walk needs: records of `object` whose `column` is one of `ids`.
struct graph_query {
  enum class kind {
    fetch,       // the records themselves (column "id")
    incoming,    // records pointing at the frontier through links[spec]
    from_target, // junction records of junctions[spec] whose target column `column` names the frontier
    from_owner,  // junction records of junctions[spec] owned by the frontier
  };
  kind what = kind::fetch;
  std::string object, column;
  std::vector<std::string> ids;
  std::size_t spec = 0;

  // The REST filter: `column[in]:[id,...]` (ids are UUIDs, no quoting needed).
  std::string filter() const;
};

struct graph_node {
  std::string object, id, label;
  int depth = 0;
  std::optional<double> amount; // in units
  std::string currency;
};

struct graph_edge {
  std::size_t a = 0, b = 0; // node indexes, a < b
  std::string relation;     // opportunities.company, taskTargets
};

// A node that shares records with the root: the records adjacent to both, per object.
struct graph_tie {
  std::size_t node = 0;
  bool direct = false;                  // linked to the root itself
  std::vector<std::string> relations;   // the relations of the direct links
  std::size_t shared = 0;               // records linked to both the root and this node
  std::map<std::string, std::size_t> via; // shared records per object
  std::map<std::string, double> amount; // their amounts per currency code
};

class graph_walk {
public:
  // Called with each record that became a node (for callers that need more than the label).
  using node_hook = std::function<void(const graph_node&, const json::value& record)>;

  graph_walk(graph_schema schema, std::string root_object, std::string root_id, graph_params p);

  void on_node(node_hook hook) { hook_ = std::move(hook); }

  // The reads of the next step; empty when the walk is over.
  std::vector<graph_query> next_queries();

  // One page of records (a JSON array) that `q` answered.
  void add_records(const graph_query& q, const json::value& records);

  // The node cap is reached (or stop() was called): further pages would add nothing.
  bool full() const { return truncated_; }
  // Stops the walk early (a page budget spent); the result says why.
  void stop(std::string reason);

  bool found_root() const { return !nodes_.empty(); }
  const std::vector<graph_node>& nodes() const { return nodes_; }
  const std::vector<graph_edge>& edges() const { return edges_; }
  bool truncated() const { return truncated_; }
  const std::string& truncated_reason() const { return truncated_reason_; }

  // Nodes sharing records with the root (or linked to it), strongest first: most shared
  // records, then direct links first, then id.
  std::vector<graph_tie> ties() const;

  // {"root":{..},"depth":N,"nodeCount":N,"edgeCount":N,"truncated":b,"truncatedReason":..,
  //  "nodesPerObject":{..},"nodesPerDepth":[..],"edgesPerRelation":{..},"ties":[..],
  //  "nodes":[{"object","id","label","depth"}],"edges":[{"from","to","relation"}]}
  void write(json::value& out, json::allocator& a, std::size_t ties_limit) const;

private:
  enum class phase { root, expand, fetch, fetched, done };
  struct pending_edge {
    std::size_t other;
    std::string relation;
  };

  std::optional<std::size_t> find(const std::string& object, const std::string& id) const;
  // Adds the record as a node at `depth` (or finds it); nullopt when the cap refuses it.
  std::optional<std::size_t> add_node(const std::string& object, const json::value& record,
                                      int depth);
  void add_edge(std::size_t a, std::size_t b, const std::string& relation);
  // An edge to a record known only by id: made now, or after the record is fetched.
  void link_to(std::size_t from, const std::string& object, const std::string& id,
               const std::string& relation, bool may_fetch);
  void chunked(graph_query::kind what, const std::string& object, const std::string& column,
               std::size_t spec, const std::vector<std::string>& ids,
               std::vector<graph_query>& out) const;
  std::vector<graph_query> expand_queries();
  std::vector<graph_query> fetch_queries();
  void follow_columns(std::size_t node, bool may_fetch);

  graph_schema schema_;
  std::string root_object_, root_id_;
  graph_params p_;
  node_hook hook_;
  phase phase_ = phase::root;
  int level_ = 0; // depth of the frontier being expanded
  std::vector<graph_node> nodes_;
  std::vector<std::map<std::string, std::string>> columns_; // per node: its to-one column values
  std::vector<bool> followed_; // per node: its columns were followed
  std::unordered_map<std::string, std::size_t> index_;      // object + '/' + id
  std::vector<graph_edge> edges_;
  std::set<std::tuple<std::size_t, std::size_t, std::string>> edge_set_;
  // Records to fetch in this step, per object and id, with the edges waiting for them.
  std::map<std::string, std::map<std::string, std::vector<pending_edge>>> pending_;
  bool truncated_ = false;
  std::string truncated_reason_;
};

// A record's label: a string field as is, a composite (a full name) as its parts joined.
std::string record_label(const json::value& record, const std::string& field);

} // namespace tmcp::analytics
