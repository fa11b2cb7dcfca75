// eslabon keys: the config reference (README "The model (config contract)"): every key of a
// model config (or, with --sweep, of a sweep file) with its type, default, unit and meaning,
// from the loader's vocabulary (models/config/reference.hpp); or that reference as a JSON Schema
// (--schema) or a Markdown table (--markdown).

#include "command.hpp"

#include <models/config/config_error.hpp>
#include <models/config/did_you_mean.hpp>
#include <models/config/reference.hpp>

#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace eslabon::cli {
namespace {

struct KeysArgs {
  std::string word;
  bool sweep = false, schema = false, markdown = false;
};

// `text` in lines of at most `width` characters, each after `indent`.
std::string wrap(const std::string& text, std::size_t width, const std::string& indent) {
  std::istringstream words(text);
  std::string out, line, w;
  while (words >> w) {
    if (!line.empty() && line.size() + 1 + w.size() > width) {
      out += indent + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + w;
  }
  if (!line.empty()) out += indent + line + "\n";
  return out;
}

int cmd_keys(const KeysArgs& a) {
  const std::string root = a.sweep ? "sweep" : "model";
  if (a.schema) {
    std::cout << config_keys::schema(root).dump(2) << "\n";
    return 0;
  }
  if (a.markdown) {
    std::cout << config_keys::markdown(root);
    return 0;
  }
  std::vector<std::string> last;  // each key's own name, for the did-you-mean
  int shown = 0;
  for (const config_keys::Row& r : config_keys::rows(root)) {
    last.push_back(r.key.substr(r.key.find_last_of('.') + 1));
    if (r.key.find(a.word) == std::string::npos) continue;
    ++shown;
    std::cout << r.key << ": " << r.type << (r.unit.empty() ? "" : ", " + r.unit) << "; default " << r.default_value
              << "\n"
              << wrap(r.description + (r.see.empty() ? "" : " (README \"" + r.see + "\")"), 96, "    ");
  }
  if (shown == 0) {
    const std::string hint = did_you_mean(a.word, last);
    throw ConfigError("eslabon keys: no key contains '" + a.word + "'" +
                      (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
  }
  return 0;
}

}  // namespace

void add_keys_command(CLI::App& app, Commands& commands) {
  auto a = std::make_shared<KeysArgs>();
  auto* keys = app.add_subcommand("keys", "List the config keys with their type, default, unit and meaning");
  keys->add_option("word", a->word, "Show only the keys whose path contains WORD (e.g. costs, late_penalty)");
  keys->add_flag("--sweep", a->sweep, "The keys of a sweep file instead of a model config");
  auto* schema = keys->add_flag("--schema", a->schema, "Print the JSON Schema instead (configs/eslabon.schema.json)");
  keys->add_flag("--markdown", a->markdown, "Print the table in Markdown instead (as the README shows it)")
      ->excludes(schema);
  commands.push_back({keys, [a] { return cmd_keys(*a); }});
}

}  // namespace eslabon::cli
