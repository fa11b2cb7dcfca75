// A program outside eslabon's tree, built against an installed eslabon with find_package (ctest:
// install_find_package, tests/install/find_package.cmake): it loads a config, runs it and prints the
// mean lead time with its 95% confidence interval.
#include <eslabon/core/version.hpp>
#include <models/config/loader.hpp>
#include <models/results/run_result.hpp>

#include <iostream>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: consumer CONFIG\n";
    return 2;
  }
  const eslabon::Model model =
      eslabon::load_model_file(argv[1], {eslabon::parse_override("run.horizon=2000"), eslabon::parse_override("run.warmup=200")});
  eslabon::RunOptions options;
  options.replications = 3;
  options.threads = 1;
  const eslabon::RunResult r = eslabon::run_model(model, options);
  const eslabon::Interval lead = r.kpi(eslabon::Kpi::LeadTimeMean);
  std::cout << "eslabon " << eslabon::version << ": lead_time_mean " << lead.mean << " [" << lead.low << ", "
            << lead.high << "] over " << r.replications_table().rows() << " replications\n";
  return lead.low > 0 && lead.low <= lead.mean && lead.mean <= lead.high ? 0 : 1;
}
