#pragma once
// A column table: the one shape results take on their way out (memory, JSON, HDF5, numpy).
// Columns are typed (float64, int64 or UTF-8 string) and all have the same length.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace eslabon {

struct Column {
  std::string name;
  std::variant<std::vector<double>, std::vector<std::int64_t>, std::vector<std::string>> data;
  std::size_t size() const {
    return std::visit([](const auto& v) { return v.size(); }, data);
  }
};

class Table {
 public:
  Table() = default;
  explicit Table(std::string name) : name_(std::move(name)) {}
  const std::string& name() const { return name_; }

  std::vector<double>& f64(const std::string& column);
  std::vector<std::int64_t>& i64(const std::string& column);
  std::vector<std::string>& str(const std::string& column);

  const std::vector<Column>& columns() const { return columns_; }
  // Adds `column` after the others (throws std::logic_error if one has its name).
  void add_column(Column column);
  const Column* find(const std::string& column) const;
  std::size_t rows() const { return columns_.empty() ? 0 : columns_.front().size(); }
  // Throws std::logic_error if columns differ in length.
  void check() const;
  // Append all rows of `other` (same columns in the same order).
  void append(const Table& other);

 private:
  template <class T>
  std::vector<T>& get(const std::string& column);
  std::string name_;
  std::vector<Column> columns_;
};

}  // namespace eslabon
