#include <models/results/run_result.hpp>

#include <models/engine/delays.hpp>
#include <models/engine/ledger.hpp>
#include <models/engine/memory.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

namespace eslabon {

void ProgressBoard::reset(std::size_t replications) {
  slots_ = std::make_unique<std::atomic<double>[]>(replications);
  n_ = replications;
  for (std::size_t i = 0; i < n_; ++i) slots_[i].store(0.0);
}

double ProgressBoard::fraction() const {
  if (n_ == 0) return 0.0;
  double s = 0;
  for (std::size_t i = 0; i < n_; ++i) s += slots_[i].load(std::memory_order_relaxed);
  return s / static_cast<double>(n_);
}

RunResult describe_run(const Model& model, std::uint64_t seed) {
  RunResult r;
  r.name = model.name;
  r.seed = seed;
  r.measures = {model.time_unit, model.costs.currency};
  bool shifts = false;
  for (const auto& u : model.units) shifts = shifts || u.has_shifts();
  if (model.run.calendar_given || shifts) r.calendar_start = model.run.calendar_start;
  for (const auto& u : model.units) r.unit_names.push_back(u.name);
  for (const auto& f : model.flows) r.flow_names.push_back(f.name);
  for (const auto& l : model.links) {
    r.link_names.push_back(l.key);
    r.link_contracts.push_back({l.sla, l.sla_share, l.sla_penalty});
  }
  // A row FROM->TO:TYPE per defect type of a link, after the links (engine/measures.hpp).
  for (const auto& g : model.origins)
    if (g.type >= 0) r.link_names.push_back(g.name);
  const DelayCauses causes(model);
  std::vector<std::string> origins;
  for (const auto& g : model.origins) origins.push_back(g.name);
  std::vector<std::string> courtesy;
  for (std::size_t u : courtesy_units(model)) courtesy.push_back(model.units[u].name);
  r.origin_names = Ledger::row_names(origins, causes, courtesy, model.costs.prevention > 0);
  r.cause_names = causes.names;
  if (remembers(model)) r.band_names = satisfaction_band_names();
  r.warmup = model.run.warmup;
  return r;
}

void share_warmup(const Model& base, RunOptions& o) {
  if (!base.run.warmup_auto || o.warmup) return;
  const int reps = o.replications > 0 ? o.replications : o.stopping_rule ? 0 : base.run.replications;
  o.warmup = choose_warmup(base, o.seed >= 0 ? static_cast<std::uint64_t>(o.seed) : base.run.seed,
                           pilot_runs(base, reps), o.control.stop, o.threads);
}

RunResult run_model(const Model& given, const RunOptions& options) {
  const std::uint64_t seed = options.seed >= 0 ? static_cast<std::uint64_t>(options.seed) : given.run.seed;
  // warmup: auto: the pilot decides (or the base's decision in options), on a copy of the model.
  std::optional<Model> decided;
  std::optional<WarmupChoice> choice;
  if (given.run.warmup_auto) {
    // As many pilots as this run makes replications (pilot_runs: a stopping rule's max when it applies).
    const int reps = options.replications > 0 ? options.replications
                     : options.stopping_rule  ? 0
                                              : given.run.replications;
    choice = options.warmup
                 ? *options.warmup
                 : choose_warmup(given, seed, pilot_runs(given, reps), options.control.stop, options.threads);
    decided = with_warmup(given, choice->warmup);
  }
  const Model& model = decided ? *decided : given;
  RunResult r = describe_run(model, seed);
  r.warmup_auto = choice;
  const bool until = options.stopping_rule && options.replications <= 0 && model.run.until > 0;
  const int reps = until                      ? model.run.until_max
                   : options.replications > 0 ? options.replications
                                              : model.run.replications;
  SimOptions sim;
  sim.record_orders = options.record_orders;
  sim.stop = options.control.stop;
  if (options.progress) options.progress->reset(static_cast<std::size_t>(reps));
  // The event logs (README "Event logs for process mining"): replications 0 .. logged - 1 record
  // one, each into its own slot (threads write different slots).
  const std::size_t logged = options.events.on ? static_cast<std::size_t>(std::min<std::uint64_t>(
                                                     options.events.replications, static_cast<std::uint64_t>(reps)))
                                               : 0;
  std::vector<RunResult::EventLogRecord> logs(logged);
  auto replicate = [&](std::size_t i) {
    SimOptions mine = sim;
    if (options.progress) mine.progress = options.progress->slot(i);
    if (i >= logged) return simulate(model, seed, i, mine);
    EventLog log(model, i, options.events.orders, options.events.max_events);
    ReplicationResult res = simulate(model, seed, i, mine, log);
    logs[i] = {i, log.table(), log.orders(), log.refused(), log.cut()};
    return res;
  };
  r.threads = threads_for(options.threads, static_cast<std::size_t>(reps));
  if (until) {
    StoppingOutcome rule = stopping_rule(model.run);
    r.replications = run_until(rule, options.threads, options.control, replicate);
    r.stopping = rule;
  } else {
    r.replications = run_replications<ReplicationResult>(static_cast<std::size_t>(reps), options.threads, replicate,
                                                         options.control);
  }
  for (auto& log : logs)  // a stopping rule may have run replications past those it kept
    if (log.replication < r.replications.size() && !log.table.columns().empty()) r.event_logs.push_back(std::move(log));
  return r;
}

Table RunResult::replications_table() const {
  Table t("replications");
  auto& rep = t.i64("replication");
  for (const auto& r : replications) rep.push_back(static_cast<std::int64_t>(r.replication));
  for (int k = 0; k < kKpiCount; ++k) {
    auto& col = t.f64(kpi_names()[k]);
    for (const auto& r : replications) col.push_back(r.kpi[k]);
  }
  return t;
}

namespace {
// The Student-t interval of the replications' values; a proportion's is clipped to [0, 1],
// where its values lie (a t-interval from few replications can reach past either end).
Interval interval_of(const std::vector<double>& xs, bool proportion) {
  Interval iv = confidence_interval(xs);
  if (proportion) {
    if (iv.low < 0) iv.low = 0;
    if (iv.high > 1) iv.high = 1;
  }
  return iv;
}

template <class Stat>
Interval interval_of(const std::vector<double>& xs, Stat s) {
  return interval_of(xs, is_proportion(s));
}

// Whether the statistic called `name` in the vocabulary `names` of Stat is a proportion.
template <class Stat, std::size_t N>
bool proportion_named(const std::array<const char*, N>& names, std::string_view name) {
  for (std::size_t i = 0; i < N; ++i)
    if (name == names[i]) return is_proportion(static_cast<Stat>(i));
  return false;
}

// Whether statistic `stat` of the summary table `summary` ("unit_summary") is a proportion.
bool summary_proportion(std::string_view summary, std::string_view stat) {
  if (summary == "unit_summary") return proportion_named<UnitStat>(unit_stat_names(), stat);
  if (summary == "flow_summary") return proportion_named<FlowStat>(flow_stat_names(), stat);
  if (summary == "link_summary") return proportion_named<LinkStat>(link_stat_names(), stat);
  if (summary == "origin_summary") return proportion_named<OriginStat>(origin_stat_names(), stat);
  if (summary == "delay_summary") return proportion_named<DelayStat>(delay_stat_names(), stat);
  if (summary == "satisfaction_summary") return proportion_named<SatisfactionStat>(satisfaction_stat_names(), stat);
  return false;
}
}  // namespace

Interval RunResult::kpi(Kpi k) const {
  std::vector<double> xs;
  for (const auto& r : replications) xs.push_back(r.kpi[static_cast<int>(k)]);
  return interval_of(xs, k);
}

Interval RunResult::unit_stat(std::size_t unit, UnitStat s) const {
  std::vector<double> xs;
  for (const auto& r : replications) xs.push_back(r.units[unit][static_cast<int>(s)]);
  return interval_of(xs, s);
}

Interval RunResult::flow_stat(std::size_t flow, FlowStat s) const {
  std::vector<double> xs;
  for (const auto& r : replications) xs.push_back(r.flows[flow][static_cast<int>(s)]);
  return interval_of(xs, s);
}

Interval RunResult::link_stat(std::size_t link, LinkStat s) const {
  std::vector<double> xs;
  for (const auto& r : replications) xs.push_back(r.links[link][static_cast<int>(s)]);
  return interval_of(xs, s);
}

Interval RunResult::delay_stat(std::size_t cause, DelayStat s) const {
  std::vector<double> xs;
  for (const auto& r : replications) xs.push_back(r.delays[cause][static_cast<int>(s)]);
  return interval_of(xs, s);
}

Interval RunResult::satisfaction_stat(std::size_t band, SatisfactionStat s) const {
  std::vector<double> xs;
  for (const auto& r : replications) xs.push_back(r.satisfaction[band][static_cast<int>(s)]);
  return interval_of(xs, s);
}

Interval RunResult::origin_stat(std::size_t origin, OriginStat s) const {
  std::vector<double> xs;
  for (const auto& r : replications) xs.push_back(r.origins[origin][static_cast<int>(s)]);
  return interval_of(xs, s);
}

std::uint64_t RunResult::events() const {
  std::uint64_t n = 0;
  for (const auto& r : replications) n += r.events;
  return n;
}

namespace {
void add_interval(Table& t, const Interval& iv) {
  t.f64("mean").push_back(iv.mean);
  t.f64("ci_low").push_back(iv.low);
  t.f64("ci_high").push_back(iv.high);
  t.f64("std").push_back(iv.std);
  t.i64("n").push_back(iv.n);
}
}  // namespace

Table RunResult::summary_table() const {
  Table t("summary");
  for (int k = 0; k < kKpiCount; ++k) {
    t.str("kpi").push_back(kpi_names()[k]);
    t.str("measured_in").push_back(unit_of("summary", kpi_names()[k], measures));
    add_interval(t, kpi(static_cast<Kpi>(k)));
  }
  return t;
}

namespace {
// One row per (replication, item): replication, the item's name, then each statistic.
template <std::size_t N, class Get>
Table per_item_table(const char* name, const char* item, const std::vector<ReplicationResult>& reps,
                     const std::vector<std::string>& names, const std::array<const char*, N>& stats, Get get) {
  Table t(name);
  t.i64("replication");
  t.str(item);
  for (const char* s : stats) t.f64(s);
  for (const auto& r : reps)
    for (std::size_t i = 0; i < names.size(); ++i) {
      t.i64("replication").push_back(static_cast<std::int64_t>(r.replication));
      t.str(item).push_back(names[i]);
      for (std::size_t s = 0; s < N; ++s) t.f64(stats[s]).push_back(get(r, i, s));
    }
  return t;
}

}  // namespace

Table summarise(const std::string& summary, const Table& per_replication, const std::vector<std::string>& items,
                const MeasureNames& measures) {
  const auto& cols = per_replication.columns();
  if (cols.size() < 2) throw std::logic_error("summarise " + summary + ": expected replication, item, statistics");
  const std::string& item = cols[1].name;
  const auto& names = std::get<std::vector<std::string>>(cols[1].data);
  Table t(summary);
  t.str(item);  // the columns exist even when there are no rows
  t.str("stat");
  t.str("measured_in");
  for (const char* c : {"mean", "ci_low", "ci_high", "std"}) t.f64(c);
  t.i64("n");
  std::unordered_map<std::string_view, std::vector<std::size_t>> rows_of;  // each item's rows, in replication order
  for (std::size_t r = 0; r < names.size(); ++r) rows_of[names[r]].push_back(r);
  for (const std::string& it : items) {
    const std::vector<std::size_t>& rows = rows_of[it];
    for (std::size_t c = 2; c < cols.size(); ++c) {
      const auto& values = std::get<std::vector<double>>(cols[c].data);
      std::vector<double> xs;
      for (std::size_t r : rows) xs.push_back(values[r]);
      t.str(item).push_back(it);
      t.str("stat").push_back(cols[c].name);
      t.str("measured_in").push_back(unit_of(summary, cols[c].name, measures));
      add_interval(t, interval_of(xs, summary_proportion(summary, cols[c].name)));
    }
  }
  return t;
}

Table RunResult::units_table() const {
  return per_item_table("units", "unit", replications, unit_names, unit_stat_names(),
                        [](const ReplicationResult& r, std::size_t i, std::size_t s) { return r.units[i][s]; });
}

Table RunResult::unit_summary_table() const {
  return summarise("unit_summary", units_table(), unit_names, measures);
}

Table RunResult::flows_table() const {
  return per_item_table("flows", "flow", replications, flow_names, flow_stat_names(),
                        [](const ReplicationResult& r, std::size_t i, std::size_t s) { return r.flows[i][s]; });
}

Table RunResult::flow_summary_table() const {
  return summarise("flow_summary", flows_table(), flow_names, measures);
}

Table RunResult::links_table() const {
  return per_item_table("links", "link", replications, link_names, link_stat_names(),
                        [](const ReplicationResult& r, std::size_t i, std::size_t s) { return r.links[i][s]; });
}

Table RunResult::link_summary_table() const {
  return summarise("link_summary", links_table(), link_names, measures);
}

Table RunResult::origins_table() const {
  return per_item_table("origins", "origin", replications, origin_names, origin_stat_names(),
                        [](const ReplicationResult& r, std::size_t i, std::size_t s) { return r.origins[i][s]; });
}

Table RunResult::origin_summary_table() const {
  return summarise("origin_summary", origins_table(), origin_names, measures);
}

Table RunResult::delay_causes_table() const {
  return per_item_table("delay_causes", "cause", replications, cause_names, delay_stat_names(),
                        [](const ReplicationResult& r, std::size_t i, std::size_t s) { return r.delays[i][s]; });
}

Table RunResult::delay_summary_table() const {
  return summarise("delay_summary", delay_causes_table(), cause_names, measures);
}

Table RunResult::satisfaction_table() const {
  return per_item_table("satisfaction", "band", replications, band_names, satisfaction_stat_names(),
                        [](const ReplicationResult& r, std::size_t i, std::size_t s) { return r.satisfaction[i][s]; });
}

Table RunResult::satisfaction_summary_table() const {
  return summarise("satisfaction_summary", satisfaction_table(), band_names, measures);
}

Table RunResult::delays_table() const {
  Table t("delays");
  for (const auto& r : replications) t.append(r.order_delays);
  return t;
}

Table RunResult::orders_table() const {
  Table t("orders");
  for (const auto& r : replications) t.append(r.orders);
  return t;
}

Table RunResult::events_table() const {
  Table t("events");
  for (const auto& log : event_logs) t.append(log.table);
  return t;
}

std::string RunResult::event_log_note() const {
  std::string text;
  for (const auto& log : event_logs) {
    const std::size_t rows = log.table.rows();
    text += text.empty() ? "event log: " : "; ";
    text += std::to_string(rows) + (rows == 1 ? " event of " : " events of ");
    if (log.refused) text += "the first ";
    text += std::to_string(log.orders) + (log.orders == 1 ? " order" : " orders");
    if (log.refused) text += " (of " + std::to_string(log.orders + log.refused) + ", by arrival)";
    text += " in replication " + std::to_string(log.replication);
    if (log.cut) text += " (cut at its cap of events: the later events of those orders are missing)";
  }
  return text;
}

}  // namespace eslabon
