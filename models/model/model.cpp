#include <models/model/model.hpp>

#include <algorithm>

namespace eslabon {

const char* to_string(OnDetect d) {
  const auto i = static_cast<std::size_t>(d);
  return i < on_detect_outcomes().size() ? on_detect_outcomes()[i].name : "?";
}

const char* to_string(Discipline d) { return discipline_info(d).name; }

int Model::unit_index(const std::string& name) const {
  for (std::size_t i = 0; i < units.size(); ++i)
    if (units[i].name == name) return static_cast<int>(i);
  return -1;
}

double Unit::mean_servers() const {
  if (shifts.empty()) return servers;
  double area = 0;
  for (std::size_t i = 0; i < shifts.size(); ++i) {
    const double end = i + 1 < shifts.size() ? shifts[i + 1].at : shift_period;
    area += shifts[i].servers * (end - shifts[i].at);
  }
  return area / shift_period;
}

std::size_t Model::max_tasks() const {
  std::size_t n = 1;
  for (const auto& f : flows) n = std::max(n, f.tasks.size());
  return n;
}

}  // namespace eslabon
