// Internal service contracts (README "Internal service contracts"): for each link with an SLA,
// the met rate against the contract's target share.

#include <models/results/run_result.hpp>

#include <cmath>

namespace eslabon {

Table RunResult::contracts_table() const {
  Table t("contracts");
  t.str("link");  // the columns exist even when there are no rows
  for (const char* c : {"within", "share", "penalty", "met_rate", "ci_low", "ci_high"}) t.f64(c);
  for (const char* c : {"target_met", "sure"}) t.f64(c);
  for (std::size_t l = 0; l < link_contracts.size() && l < link_names.size(); ++l) {
    const LinkContract& c = link_contracts[l];
    if (!std::isfinite(c.within)) continue;
    const Interval met = link_stat(l, LinkStat::SlaMetRate);
    const bool has_target = std::isfinite(c.share);
    const double nan = std::nan("");
    // Met when the mean met rate reaches the target; sure when the whole 95% interval is on that side.
    const bool reached = met.mean >= c.share;
    const bool sure = reached ? met.low >= c.share : met.high < c.share;
    t.str("link").push_back(link_names[l]);
    t.f64("within").push_back(c.within);
    t.f64("share").push_back(c.share);
    t.f64("penalty").push_back(c.penalty);
    t.f64("met_rate").push_back(met.mean);
    t.f64("ci_low").push_back(met.low);
    t.f64("ci_high").push_back(met.high);
    t.f64("target_met").push_back(has_target && std::isfinite(met.mean) ? (reached ? 1.0 : 0.0) : nan);
    t.f64("sure").push_back(has_target && std::isfinite(met.mean) && std::isfinite(met.low) ? (sure ? 1.0 : 0.0) : nan);
  }
  return t;
}

}  // namespace eslabon
