// Company scores: the scored records, then the pipeline, people, and activity links and
// activities pointing at them, each read page by page and folded into a company_book (a few
// facts per company; the pages are dropped as they are read). When a filter leaves few
// companies, the other reads ask for theirs only.
#include <algorithm>
#include <functional>
#include <memory>
#include <vector>

#include "analytics/company_scoring.hpp"
#include "analytics/time_zone.hpp"
#include "integration/analytics_graph.hpp"

namespace tmcp::twenty {

namespace {

std::optional<int64_t> instant(const json::value& rec, const std::string& key) {
  int64_t t = 0;
  auto s = key.empty() ? std::nullopt : json::get_string(rec, key.c_str());
  if (s && analytics::parse_iso_instant(*s, t))
    return t;
  return std::nullopt;
}

std::string text(const json::value& rec, const std::string& key) {
  return json::get_string(rec, key.c_str()).value_or("");
}

class company_run : public std::enable_shared_from_this<company_run> {
public:
  company_run(io_ptr io, analytics_spec spec)
    : io_(std::move(io)), spec_(std::move(spec)), src_(*spec_.companies), book_(spec_.scoring) {}

  void start() {
    // The steps capture `this`: the reads in flight keep the run alive, the steps do not.
    // Each read: the object, its filter (decided when it starts), what a record adds, and what
    // is known once all is read.
    add(spec_.plural, [this] { return spec_.filter; },
        [this](const json::value& r) {
          book_.add_company(r, src_.label_key);
          if (scored_.size() <= narrow_limit)
            scored_.push_back(text(r, "id"));
        },
        [this] { narrow_ = scored_.size() <= narrow_limit; });
    add(src_.pipeline, [this] { return around(src_.pipeline_column, scored_); },
        [this](const json::value& r) {
          book_.add_opportunity(text(r, src_.pipeline_column), analytics::facts_from_record(r));
        });
    if (!src_.people.empty())
      add(
        src_.people, [this] { return around(src_.people_column, scored_); },
        [this](const json::value& r) { book_.add_person(text(r, src_.people_column)); },
        [this] { book_.knows_people(); });
    for (auto& act : src_.activities) {
      auto owners = std::make_shared<std::vector<std::string>>();
      add(
        act.link, [this, act] { return around(act.target_column, scored_); },
        [this, act, owners](const json::value& r) {
          book_.add_activity_link(text(r, act.owner_column), text(r, act.target_column));
          if (narrow_)
            owners->push_back(text(r, act.owner_column));
        },
        [this, act, owners] { read_owners(act, *owners); });
    }
    next();
  }

private:
  // At most this many scored records: the other reads ask only for theirs (column[in]:[ids]).
  static constexpr std::size_t narrow_limit = 50;

  std::string around(const std::string& column, const std::vector<std::string>& ids) const {
    if (!narrow_)
      return column + "[is]:NOT_NULL";
    std::string list;
    for (auto& id : ids)
      list += (list.empty() ? "" : ",") + id;
    return column + "[in]:[" + list + "]";
  }

  // The activities (tasks, notes) the links named: all of them, or by id when few are scored.
  void read_owners(const activity_source& act, const std::vector<std::string>& ids) {
    auto record = [this, keys = act.keys](const json::value& r) {
      auto status = keys.status.empty() ? "" : text(r, keys.status);
      book_.add_activity(text(r, "id"), instant(r, "createdAt"), instant(r, keys.due),
                         !keys.done_status.empty() && status == keys.done_status);
    };
    std::function<void()> known = [this, due = !act.keys.due.empty()] {
      if (due)
        book_.knows_tasks();
    };
    std::vector<read_step> reads;
    if (!narrow_) {
      reads.push_back({act.owner, [] { return std::string(); }, record, known});
    } else {
      for (std::size_t i = 0; i < ids.size(); i += narrow_limit) {
        std::vector<std::string> chunk(ids.begin() + static_cast<std::ptrdiff_t>(i),
                                       ids.begin() + static_cast<std::ptrdiff_t>(
                                                       std::min(ids.size(), i + narrow_limit)));
        reads.push_back({act.owner, [this, chunk] { return around("id", chunk); }, record, {}});
      }
      if (reads.empty())
        known(); // no activity linked: nothing overdue
      else
        reads.back().complete = known;
    }
    steps_.insert(steps_.begin() + static_cast<std::ptrdiff_t>(at_ + 1), reads.begin(),
                  reads.end());
  }

  struct read_step {
    std::string plural;
    std::function<std::string()> filter;
    std::function<void(const json::value&)> record;
    std::function<void()> complete;
  };

  void add(std::string plural, std::function<std::string()> filter,
           std::function<void(const json::value&)> record, std::function<void()> complete = {}) {
    steps_.push_back({std::move(plural), std::move(filter), std::move(record), std::move(complete)});
  }

  void next() {
    if (at_ >= steps_.size() || io_->budget_spent || (at_ > 0 && book_.size() == 0))
      return done();
    auto self = shared_from_this();
    auto& step = steps_[at_];
    read_pages(
      io_, step.plural, step.filter(),
      [self](const json::value& records) {
        for (auto& r : records.GetArray())
          self->steps_[self->at_].record(r);
        return true;
      },
      [self](std::optional<error> e) {
        if (e)
          return self->io_->finish(make_unexpected(*e));
        auto complete = self->steps_[self->at_].complete; // it may add steps after this one
        if (complete && !self->io_->budget_spent)
          complete(); // a criterion is known only when all its records were read
        ++self->at_;
        self->next();
      });
  }

  void done() {
    json::document out;
    out.SetObject();
    auto& a = out.GetAllocator();
    out.AddMember("analysis", json::str(spec_.analysis, a), a);
    out.AddMember("object", json::str(spec_.plural, a), a);
    io_->describe(out, a);
    analytics::write_score_summary(
      analytics::score_companies(book_.facts(), spec_.scoring, src_.weights), spec_.limit, out, a);
    io_->finish(json::stringify(out));
  }

  io_ptr io_;
  analytics_spec spec_;
  company_sources src_;
  analytics::company_book book_;
  std::vector<read_step> steps_;
  std::size_t at_ = 0;
  std::vector<std::string> scored_; // their ids while there are few
  bool narrow_ = false;
};

} // namespace

void run_company_scores(io_ptr io, analytics_spec spec) {
  std::make_shared<company_run>(std::move(io), std::move(spec))->start();
}

} // namespace tmcp::twenty
