#pragma once
// Suggestions for misspelt keys, names and choices.

#include <string>
#include <vector>

namespace eslabon {

// Closest candidate by edit distance, or "" when none is close enough.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace eslabon
