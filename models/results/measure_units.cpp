#include <models/results/measure_units.hpp>

#include <models/engine/kpis.hpp>

#include <map>
#include <string>

namespace eslabon {
namespace {

using Units = std::map<std::string, std::string, std::less<>>;

// README "What is measured" defines each; tests/models/test_measure_units.cpp checks that every
// name of every vocabulary (engine/kpis.hpp) has its unit here.
const Units& kpi_units() {
  static const Units u = {
      {"lead_time_mean", "{time}"},
      {"lead_time_p50", "{time}"},
      {"lead_time_p95", "{time}"},
      {"on_time_rate", "share of delivered orders"},
      {"throughput", "orders per {time}"},
      {"wip_mean", "orders"},
      {"orders_delivered", "orders"},
      {"orders_arrived", "orders"},
      {"loss_rate", "share of orders"},
      {"orders_unfinished", "orders"},
      {"defect_escape_rate", "share of delivered orders"},
      {"visible_defect_rate", "share of delivered orders"},
      {"perfect_order_rate", "share of delivered orders"},
      {"rework_per_order", "redos per delivered order"},
      {"complaint_rate", "complaints per delivered order"},
      {"complaint_resolution_time_mean", "{time}"},
      {"churn_rate", "customers lost per delivered order"},
      {"copq_per_order", "{currency} per delivered order"},
      {"revenue", "{currency} per {time}"},
      {"customer_base", "customers"},
      {"dissatisfied_rate", "customers per delivered order"},
      {"silent_rate", "customers per delivered order"},
      {"silent_to_complaint_ratio", "silent customers per complaint"},
      {"churn_after_resolved_rate", "customers lost per delivered order"},
      {"churn_after_unresolved_rate", "customers lost per delivered order"},
      {"churn_silent_rate", "customers lost per delivered order"},
      {"complaints_turned_away", "complaints per delivered order"},
      {"abandon_rate", "share of orders"},
      {"discourtesy_rate", "share of delivered orders"},
      {"copq_prevention", "{currency} per delivered order"},
      {"copq_appraisal", "{currency} per delivered order"},
      {"copq_internal_failure", "{currency} per delivered order"},
      {"copq_external_failure", "{currency} per delivered order"},
      {"churn_defect_rate", "customers lost per delivered order"},
      {"churn_late_rate", "customers lost per delivered order"},
      {"churn_offended_rate", "customers lost per delivered order"},
      {"churn_satisfied_rate", "customers lost per delivered order"},
      {"satisfaction_mean", "score, 0 to 1"},
      {"orders_before_leaving_mean", "orders"},
  };
  return u;
}

const Units& unit_stat_units() {
  static const Units u = {
      {"utilisation", "share of server time"},
      {"mean_queue", "jobs"},
      {"mean_wait", "{time}"},
      {"throughput", "jobs per {time}"},
      {"mean_busy", "servers"},
      {"rejected", "jobs"},
      {"availability", "share of time"},
      {"abandoned", "jobs"},
      {"pressure_speed", "multiplier"},
      {"pressure_errors", "multiplier"},
      {"pressure_top", "share of time"},
  };
  return u;
}

const Units& link_stat_units() {
  static const Units u = {
      {"handoffs", "handoffs"},  {"defects", "defects"},
      {"detected", "defects"},   {"escaped", "defects"},
      {"lost", "handoffs"},      {"false_alarms", "handoffs"},
      {"rework_time", "{time}"}, {"sla_met_rate", "share of handoffs"},
      {"copq", "{currency}"},
  };
  return u;
}

const Units& origin_stat_units() {
  static const Units u = {
      {"visible_defects", "defects"},  {"visible_share", "share of noticed defects"},
      {"copq", "{currency}"},          {"copq_per_order", "{currency} per delivered order"},
      {"copq_share", "share of copq"},
  };
  return u;
}

const Units& delay_stat_units() {
  static const Units u = {
      {"time", "{time}"},
      {"lateness", "{time}"},
      {"lead_share", "share of lead time"},
      {"lateness_share", "share of lateness"},
  };
  return u;
}

const Units& satisfaction_stat_units() {
  static const Units u = {{"customers", "customers"}, {"share", "share of customers"}};
  return u;
}

// /orders (engine/order_log.hpp): times are model times; on_time, lost, complained, resolved,
// churned are 0/1.
const Units& order_units() {
  static const Units u = {
      {"arrival", "{time}"},  {"delivered", "{time}"},        {"lead_time", "{time}"}, {"due", "{time}"},
      {"defects", "defects"}, {"visible_defects", "defects"}, {"reworks", "redos"},    {"copq", "{currency}"},
  };
  return u;
}

const Units& contract_units() {
  static const Units u = {
      {"within", "{time}"},
      {"share", "share of handoffs"},
      {"penalty", "{currency} per late handoff"},
      {"met_rate", "share of handoffs"},
      {"ci_low", "share of handoffs"},
      {"ci_high", "share of handoffs"},
  };
  return u;
}

const Units& ranking_money_units() {
  static const Units u = {
      {"cost", "{currency} per {time}"},        {"saving_mean", "{currency} per {time}"},
      {"net_mean", "{currency} per {time}"},    {"net_ci_low", "{currency} per {time}"},
      {"net_ci_high", "{currency} per {time}"}, {"ledger", "{currency} per delivered order"},
  };
  return u;
}

std::string find(const Units& u, std::string_view name) {
  auto it = u.find(name);
  return it == u.end() ? std::string() : it->second;
}

// Each result table and the vocabulary its figures come from.
const Units* vocabulary_of(std::string_view table) {
  static const std::map<std::string, const Units*, std::less<>> tables = {
      {"replications", &kpi_units()},
      {"summary", &kpi_units()},
      {"drift", &kpi_units()},
      {"comparison", &kpi_units()},
      {"flows", &kpi_units()},  // a flow's statistics are KPIs restricted to it
      {"flow_summary", &kpi_units()},
      {"units", &unit_stat_units()},
      {"unit_summary", &unit_stat_units()},
      {"links", &link_stat_units()},
      {"link_summary", &link_stat_units()},
      {"origins", &origin_stat_units()},
      {"origin_summary", &origin_stat_units()},
      {"delay_causes", &delay_stat_units()},
      {"delay_summary", &delay_stat_units()},
      {"delays", &delay_stat_units()},  // per order and cause: time
      {"satisfaction", &satisfaction_stat_units()},
      {"satisfaction_summary", &satisfaction_stat_units()},
      {"orders", &order_units()},
      {"contracts", &contract_units()},
  };
  auto it = tables.find(table);
  return it == tables.end() ? nullptr : it->second;
}

}  // namespace

std::string unit_template(std::string_view table, std::string_view name, std::string_view kpi) {
  if (table == "ranking") {
    if (std::string money = find(ranking_money_units(), name); !money.empty()) return money;
    for (std::string_view col : {"base_mean", "fixed_mean", "effect_mean", "effect_ci_low", "effect_ci_high",
                                 "shapley_mean", "shapley_ci_low", "shapley_ci_high"})
      if (name == col) return find(kpi_units(), kpi);
    return "";
  }
  const Units* u = vocabulary_of(table);
  return u ? find(*u, name) : std::string();
}

std::string render_unit(std::string_view t, const MeasureNames& names) {
  std::string out;
  for (std::size_t i = 0; i < t.size();) {
    if (t.substr(i, 6) == "{time}") {
      out += names.time;
      i += 6;
    } else if (t.substr(i, 10) == "{currency}") {
      out += names.currency;
      i += 10;
    } else {
      out += t[i++];
    }
  }
  return out;
}

bool has_measured_in(std::string_view table) {
  return table == "summary" || table == "drift" || table == "comparison" ||
         (table.size() > 8 && table.substr(table.size() - 8) == "_summary");
}

}  // namespace eslabon
