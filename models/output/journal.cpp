#include <models/output/journal.hpp>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <unistd.h>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace eslabon {
namespace {

template <class Rows>
nlohmann::json rows_json(const Rows& rows) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& row : rows) {
    nlohmann::json r = nlohmann::json::array();
    for (double x : row) r.push_back(std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr));
    a.push_back(r);
  }
  return a;
}

template <std::size_t N>
void rows_from(const nlohmann::json& a, std::vector<std::array<double, N>>& rows) {
  rows.clear();
  for (const auto& r : a) {
    std::array<double, N> row{};
    if (r.size() != N) throw std::runtime_error("journal row of the wrong width");
    for (std::size_t i = 0; i < N; ++i) row[i] = r[i].is_null() ? std::nan("") : r[i].get<double>();
    rows.push_back(row);
  }
}

constexpr auto kSyncEvery = std::chrono::seconds(1);

}  // namespace

std::string pair_to_line(std::size_t pair, const ReplicationResult& r) {
  nlohmann::json j;
  j["pair"] = pair;
  j["replication"] = r.replication;
  j["events"] = r.events;
  j["kpi"] = rows_json(std::vector<std::array<double, kKpiCount>>{r.kpi})[0];
  j["units"] = rows_json(r.units);
  j["flows"] = rows_json(r.flows);
  j["links"] = rows_json(r.links);
  j["origins"] = rows_json(r.origins);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool pair_from_line(const std::string& line, std::size_t& pair, ReplicationResult& r) {
  try {
    nlohmann::json j = nlohmann::json::parse(line);
    pair = j.at("pair").get<std::size_t>();
    r.replication = j.at("replication").get<std::uint64_t>();
    r.events = j.at("events").get<std::uint64_t>();
    std::vector<std::array<double, kKpiCount>> k;
    rows_from(nlohmann::json::array({j.at("kpi")}), k);
    r.kpi = k.at(0);
    rows_from(j.at("units"), r.units);
    rows_from(j.at("flows"), r.flows);
    rows_from(j.at("links"), r.links);
    rows_from(j.at("origins"), r.origins);
    return true;
  } catch (const std::exception&) {
    return false;  // a line cut short by a kill: that pair runs again
  }
}

std::string journal_header(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return "";
  return line;
}

bool journal_header_matches(const std::string& header, const std::string& fingerprint) {
  return header.find("\"" + fingerprint + "\"") != std::string::npos;
}

std::size_t read_journal(const std::string& path, const std::function<void(std::size_t, ReplicationResult&&)>& each) {
  std::ifstream in(path);
  std::string line;
  std::size_t n = 0;
  if (!in || !std::getline(in, line)) return 0;  // the header
  while (std::getline(in, line)) {
    std::size_t pair = 0;
    ReplicationResult r;
    if (!pair_from_line(line, pair, r)) continue;
    each(pair, std::move(r));
    ++n;
  }
  return n;
}

SweepJournal::SweepJournal(std::string path, const std::string& fingerprint, bool keep) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | (keep ? 0 : O_TRUNC) | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::runtime_error("cannot write " + path_);
  const off_t size = ::lseek(fd_, 0, SEEK_END);
  if (size == 0) {
    write_all("{\"eslabon_sweep_journal\": \"" + fingerprint + "\"}\n");
  } else {
    // A line cut short by a crash must not swallow the next one.
    char last = '\n';
    int in = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (in >= 0) {
      if (::pread(in, &last, 1, size - 1) != 1) last = '\n';
      ::close(in);
    }
    if (last != '\n') write_all("\n");
  }
  sync();
}

SweepJournal::~SweepJournal() {
  if (fd_ < 0) return;
  if (dirty_) ::fsync(fd_);
  ::close(fd_);
}

void SweepJournal::write_all(const std::string& text) {
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(errno));
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  dirty_ = true;
}

void SweepJournal::append(std::size_t pair, const ReplicationResult& result) {
  std::string line = pair_to_line(pair, result);
  line += '\n';
  write_all(line);  // one write() per line: a kill leaves whole lines, or a last one that fails to parse
  if (std::chrono::steady_clock::now() - synced_ >= kSyncEvery) sync();
}

void SweepJournal::sync() {
  if (fd_ >= 0 && ::fsync(fd_) != 0) throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(errno));
  dirty_ = false;
  synced_ = std::chrono::steady_clock::now();
}

void SweepJournal::remove() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  dirty_ = false;
  std::remove(path_.c_str());
}

}  // namespace eslabon
