#include <models/config/sweep_file.hpp>

namespace eslabon {

Table Sweep::points_table() const {
  Table t("scenarios");
  t.i64("point");
  t.str("id");
  t.str("scenario");
  for (const auto& f : factors) t.str(f);
  for (std::size_t p = 0; p < points.size(); ++p) {
    const SweepPoint& pt = points[p];
    t.i64("point").push_back(static_cast<std::int64_t>(p));
    t.str("id").push_back(pt.id);
    t.str("scenario").push_back(pt.scenario);
    for (const auto& f : factors) {
      std::string v;
      for (const auto& c : pt.changes)
        if (c.path == f) v = c.value;
      t.str(f).push_back(v);
    }
  }
  return t;
}

}  // namespace eslabon
