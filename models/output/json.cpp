#include <models/output/json.hpp>

#include <models/output/result_tables.hpp>

#include <nlohmann/json.hpp>

#include <cmath>

namespace eslabon {
namespace {

using Json = nlohmann::ordered_json;

Json number(double x) {
  if (std::isfinite(x)) return x;
  return nullptr;  // JSON has no NaN
}

// A summary table (ITEM, [stat,] measured_in, mean, ci_low, ci_high, std, n) as {ITEM: interval}
// or, with a stat column, {ITEM: {STAT: interval}}, in row order; each interval says what it is
// measured_in.
Json summary_json(const Table& t) {
  Json out = Json::object();
  const auto& item = std::get<std::vector<std::string>>(t.columns().front().data);
  const Column* stat = t.find("stat");
  const auto& mean = std::get<std::vector<double>>(t.find("mean")->data);
  const auto& low = std::get<std::vector<double>>(t.find("ci_low")->data);
  const auto& high = std::get<std::vector<double>>(t.find("ci_high")->data);
  const auto& sd = std::get<std::vector<double>>(t.find("std")->data);
  const auto& n = std::get<std::vector<std::int64_t>>(t.find("n")->data);
  const Column* unit = t.find("measured_in");
  for (std::size_t r = 0; r < t.rows(); ++r) {
    Json iv = {{"mean", number(mean[r])},
               {"ci_low", number(low[r])},
               {"ci_high", number(high[r])},
               {"std", number(sd[r])},
               {"n", n[r]}};
    if (unit) iv["measured_in"] = std::get<std::vector<std::string>>(unit->data)[r];
    if (stat) {
      Json& slot = out[item[r]];
      if (slot.is_null()) slot = Json::object();
      slot[std::get<std::vector<std::string>>(stat->data)[r]] = std::move(iv);
    } else {
      out[item[r]] = std::move(iv);
    }
  }
  return out;
}

// A table without a summary (ITEM, then columns) as {ITEM: {COLUMN: value}}, in row order.
Json rows_json(const Table& t) {
  Json out = Json::object();
  const auto& item = std::get<std::vector<std::string>>(t.columns().front().data);
  for (std::size_t r = 0; r < t.rows(); ++r) {
    Json row = Json::object();
    for (std::size_t c = 1; c < t.columns().size(); ++c) {
      const Column& col = t.columns()[c];
      std::visit(
          [&](const auto& v) {
            using T = typename std::decay_t<decltype(v)>::value_type;
            if constexpr (std::is_same_v<T, double>)
              row[col.name] = number(v[r]);
            else
              row[col.name] = v[r];
          },
          col.data);
    }
    out[item[r]] = std::move(row);
  }
  return out;
}

Json series_json(const Mser& m, double time) {
  return {{"observations", m.observations},
          {"batches", m.batches},
          {"truncated", m.truncated},
          {"used", m.used()},
          {"time", number(time)}};
}

Json warmup_object(const RunResult& r) {
  const WarmupChoice& c = *r.warmup_auto;
  return {{"warmup", number(r.warmup)},
          {"method", "mser-5"},
          {"pilots", c.pilots},
          {"lead_time", series_json(c.lead, c.lead_time)},
          {"wip", series_json(c.wip, c.wip_time)},
          {"capped", c.capped},
          {"too_short", c.too_short()}};
}

Json stopping_object(const RunResult& r) {
  const StoppingOutcome& s = *r.stopping;
  return {{"kpi", kpi_names()[static_cast<int>(s.kpi)]},
          {"until", s.until},
          {"min", s.min},
          {"max", s.max},
          {"replications", s.used},
          {"relative_half_width", number(s.achieved)},
          {"met", s.met}};
}

}  // namespace

std::string warmup_json(const RunResult& r) { return r.warmup_auto ? warmup_object(r).dump() : ""; }

std::string stopping_json(const RunResult& r) { return r.stopping ? stopping_object(r).dump() : ""; }

std::string to_json(const RunResult& r, int indent) {
  Json j;
  j["name"] = r.name;
  j["replications"] = r.replications.size();
  j["seed"] = r.seed;
  j["time_unit"] = r.measures.time;
  j["currency"] = r.measures.currency;
  if (!r.calendar_start.empty()) j["calendar_start"] = r.calendar_start;
  if (r.warmup_auto) j["warmup_auto"] = warmup_object(r);
  if (r.stopping) j["stopping"] = stopping_object(r);
  for (const ResultTable& t : result_tables()) {
    if (t.json.empty()) continue;
    j[t.json] =
        t.summary.empty() ? rows_json((r.*t.build)()) : summary_json((r.*find_result_table(t.summary)->build)());
  }
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace eslabon
