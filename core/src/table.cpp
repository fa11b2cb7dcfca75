#include <eslabon/core/table.hpp>

namespace eslabon {

template <class T>
std::vector<T>& Table::get(const std::string& column) {
  for (auto& c : columns_)
    if (c.name == column) {
      if (auto* v = std::get_if<std::vector<T>>(&c.data)) return *v;
      throw std::logic_error("table " + name_ + ": column " + column + " has another type");
    }
  columns_.push_back(Column{column, std::vector<T>{}});
  return std::get<std::vector<T>>(columns_.back().data);
}

std::vector<double>& Table::f64(const std::string& c) { return get<double>(c); }
std::vector<std::int64_t>& Table::i64(const std::string& c) { return get<std::int64_t>(c); }
std::vector<std::string>& Table::str(const std::string& c) { return get<std::string>(c); }

void Table::add_column(Column column) {
  if (find(column.name)) throw std::logic_error("table " + name_ + ": a second column " + column.name);
  columns_.push_back(std::move(column));
}

const Column* Table::find(const std::string& column) const {
  for (const auto& c : columns_)
    if (c.name == column) return &c;
  return nullptr;
}

void Table::check() const {
  for (const auto& c : columns_)
    if (c.size() != rows())
      throw std::logic_error("table " + name_ + ": column " + c.name + " has " + std::to_string(c.size()) +
                             " rows, expected " + std::to_string(rows()));
}

void Table::append(const Table& other) {
  if (columns_.empty()) {
    auto name = name_;
    *this = other;
    name_ = name;
    return;
  }
  if (other.columns_.size() != columns_.size())
    throw std::logic_error("table " + name_ + ": append with other columns");
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].name != other.columns_[i].name)
      throw std::logic_error("table " + name_ + ": append with other columns");
    std::visit(
        [&](auto& dst) {
          using V = std::decay_t<decltype(dst)>;
          const auto& src = std::get<V>(other.columns_[i].data);
          dst.insert(dst.end(), src.begin(), src.end());
        },
        columns_[i].data);
  }
}

}  // namespace eslabon
