#include <models/config/did_you_mean.hpp>

#include <algorithm>
#include <cctype>
#include <limits>

namespace eslabon {

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  auto lower = [](std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  const std::string w = lower(word);
  // A word that begins a candidate ("copq" for "copq_per_order") is the likeliest slip.
  if (w.size() >= 3) {
    std::string prefix_best;
    for (const auto& cand : candidates)
      if (lower(cand).rfind(w, 0) == 0 && (prefix_best.empty() || cand.size() < prefix_best.size())) prefix_best = cand;
    if (!prefix_best.empty() && prefix_best.size() > word.size()) return prefix_best;
  }
  std::string best;
  std::size_t best_d = std::numeric_limits<std::size_t>::max();
  for (const auto& cand : candidates) {
    const std::string c = lower(cand);
    // Edit distance, two swapped neighbours counting as one edit ("stp" for "spt").
    std::vector<std::size_t> before(c.size() + 1), prev(c.size() + 1), cur(c.size() + 1);
    for (std::size_t j = 0; j <= c.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= w.size(); ++i) {
      cur[0] = i;
      for (std::size_t j = 1; j <= c.size(); ++j) {
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (w[i - 1] == c[j - 1] ? 0 : 1)});
        if (i > 1 && j > 1 && w[i - 1] == c[j - 2] && w[i - 2] == c[j - 1])
          cur[j] = std::min(cur[j], before[j - 2] + 1);
      }
      std::swap(before, prev);
      std::swap(prev, cur);
    }
    std::size_t d = prev[c.size()];
    if (d < best_d) {
      best_d = d;
      best = cand;
    }
  }
  // Close enough: at most a third of the longer word, and at least one character.
  std::size_t limit = std::max<std::size_t>(1, std::max(word.size(), best.size()) / 3);
  if (best_d <= limit || (!best.empty() && (best.find(word) == 0 || word.find(best) == 0) && word.size() >= 3))
    return best;
  return "";
}

}  // namespace eslabon
