#pragma once
// What the external customers do with a flow's deliveries, without simulating (README "Before you
// simulate: check"): from what an order carries at delivery (traffic.hpp), the chance that the
// customer notices a defect, is dissatisfied, complains and leaves; and the finite customer
// base's stationary mean, which sets the flow's arrival rate.

#include <models/model/model.hpp>
#include <models/studies/traffic.hpp>

#include <cstdint>

namespace eslabon {

struct CustomerFigures {  // per delivered order
  double defect_escape = 0;   // carries at least one undetected defect
  double visible_defect = 0;  // the customer notices at least one
  double discourtesy = 0;     // a contact offended the customer
  double dissatisfied = 0;    // a noticed defect, late (when late_dissatisfies), or offended
  double complaint = 0;       // complaints (work at complaints.unit)
  double churn = 0;           // customers lost
  bool churn_exact = true;    // false: with memory and weight < 1 (the score taken at its mean)
};

// `late`: the share of the flow's deliveries later than `due`, P(lead time > due), taken as
// independent of what the order carries. Customers who remember count for flows with a finite base.
CustomerFigures customer_figures(const Model& m, const Flow& f, const FlowTraffic& t, double late);

// The mean of a Poisson law of mean `a` cut at n (conditioned on <= n).
double truncated_poisson_mean(double a, std::int64_t n);

}  // namespace eslabon
