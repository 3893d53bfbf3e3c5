#include "integration/analytics_reads.hpp"

#include "integration/url.hpp"

namespace tmcp::twenty {

namespace {

struct page_loop : std::enable_shared_from_this<page_loop> {
  io_ptr io;
  std::string plural, filter, cursor;
  std::function<bool(const json::value&)> page;
  std::function<void(std::optional<error>)> done;

  void next() {
    if (io->cancelled && io->cancelled->load())
      return done(error{errc::twenty_api_error, 0, "cancelled", ""});
    if (io->calls >= io->max_pages) {
      io->budget_spent = true;
      return done(std::nullopt);
    }
    request req;
    req.target = with_query("/rest/" + plural, {{"limit", std::to_string(analytics_page_size)},
                                                {"filter", filter},
                                                {"starting_after", cursor}});
    req.fairness_key = io->fairness_key;
    req.prio = priority::bulk;
    req.cancelled = io->cancelled;
    ++io->calls;
    io->api->read(std::move(req), {object_tag(plural)},
                  [self = shared_from_this()](outcome o) { self->on_page(std::move(o)); });
  }

  void on_page(outcome o) {
    if (!o)
      return done(o.error());
    auto body = json::parse(o->body);
    auto data = body ? json::find(*body, "data") : nullptr;
    if (!data || !data->IsObject() || data->MemberCount() != 1
        || !data->MemberBegin()->value.IsArray())
      return done(error{errc::twenty_api_error, o->status,
                        "Twenty answered a page of " + plural + " with an unexpected shape",
                        o->body.substr(0, 200)});
    auto& records = data->MemberBegin()->value;
    io->read += records.Size();
    bool more_wanted = page(records);
    if (io->cb.progress)
      io->cb.progress(io->read, 0);
    auto info = json::find(*body, "pageInfo");
    auto more = info && json::get_bool(*info, "hasNextPage").value_or(false);
    auto end = info ? json::get_string(*info, "endCursor") : std::nullopt;
    if (!more_wanted || !more || !end || end->empty())
      return done(std::nullopt);
    cursor = *end;
    next();
  }
};

} // namespace

void job_io::finish(expected<std::string, error> r) {
  if (cb.done)
    cb.done(std::move(r));
  cb = {};
}

void job_io::describe(json::value& out, json::allocator& a) const {
  out.AddMember("recordsRead", json::value(static_cast<uint64_t>(read)), a);
  out.AddMember("upstreamCalls", json::value(static_cast<uint64_t>(calls)), a);
  if (budget_spent)
    out.AddMember("stoppedEarly", "max_pages reached: the answer covers the pages read", a);
}

void read_pages(io_ptr io, const std::string& plural, const std::string& filter,
                std::function<bool(const json::value&)> page,
                std::function<void(std::optional<error>)> done) {
  auto loop = std::make_shared<page_loop>();
  loop->io = std::move(io);
  loop->plural = plural;
  loop->filter = filter;
  loop->page = std::move(page);
  loop->done = std::move(done);
  loop->next();
}

} // namespace tmcp::twenty
