// Company scores: the scored records, then the pipeline, people, and activity links and
// activities pointing at them, each read page by page and folded into a company_book (a few
// facts per company; the pages are dropped as they are read).
#include <functional>
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
    // Each read: the object, its filter, what a record adds, and what is known once all is read.
    add(spec_.plural, spec_.filter, [this](const json::value& r) {
      book_.add_company(r, src_.label_key);
    });
    add(src_.pipeline, src_.pipeline_column + "[is]:NOT_NULL", [this](const json::value& r) {
      book_.add_opportunity(text(r, src_.pipeline_column),
                                  analytics::facts_from_record(r));
    });
    if (!src_.people.empty())
      add(
        src_.people, src_.people_column + "[is]:NOT_NULL",
        [this](const json::value& r) { book_.add_person(text(r, src_.people_column)); },
        [this] { book_.knows_people(); });
    for (auto& act : src_.activities) {
      add(act.link, act.target_column + "[is]:NOT_NULL", [this, act](const json::value& r) {
        book_.add_activity_link(text(r, act.owner_column), text(r, act.target_column));
      });
      add(
        act.owner, "",
        [this, keys = act.keys](const json::value& r) {
          auto status = keys.status.empty() ? "" : text(r, keys.status);
          book_.add_activity(text(r, "id"), instant(r, "createdAt"), instant(r, keys.due),
                                   !keys.done_status.empty() && status == keys.done_status);
        },
        [this, due = !act.keys.due.empty()] {
          if (due)
            book_.knows_tasks();
        });
    }
    next();
  }

private:
  struct read_step {
    std::string plural, filter;
    std::function<void(const json::value&)> record;
    std::function<void()> complete;
  };

  void add(std::string plural, std::string filter, std::function<void(const json::value&)> record,
           std::function<void()> complete = {}) {
    steps_.push_back({std::move(plural), std::move(filter), std::move(record), std::move(complete)});
  }

  void next() {
    if (at_ >= steps_.size() || io_->budget_spent)
      return done();
    auto self = shared_from_this();
    auto& step = steps_[at_];
    read_pages(
      io_, step.plural, step.filter,
      [self](const json::value& records) {
        for (auto& r : records.GetArray())
          self->steps_[self->at_].record(r);
        return true;
      },
      [self](std::optional<error> e) {
        if (e)
          return self->io_->finish(make_unexpected(*e));
        auto& finished = self->steps_[self->at_];
        if (finished.complete && !self->io_->budget_spent)
          finished.complete(); // a criterion is known only when all its records were read
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
};

} // namespace

void run_company_scores(io_ptr io, analytics_spec spec) {
  std::make_shared<company_run>(std::move(io), std::move(spec))->start();
}

} // namespace tmcp::twenty
