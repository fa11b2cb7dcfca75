#pragma once
// A sweep's journal, OUT.h5.journal: what --resume starts from. The first line names the sweep
// ({"eslabon_sweep_journal": "FINGERPRINT"}); each further line is one finished pair as
// pair_to_line writes it, which is also what MPI ranks send to rank 0.
//
// Durability: each line reaches the kernel with one write() as soon as its pair is done, so a
// process killed at any moment (SIGKILL included) loses at most the pairs in flight; a line cut
// short by a crash of the machine fails to parse and its pair runs again. fsync runs at most
// once a second (and when the journal closes): an fsync per pair would cost more than a small
// pair itself, and a power cut then loses at most the last second of work.

#include <models/engine/simulate.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

namespace eslabon {

// A finished pair as one line of text (JSON; NaN as null), and back (false for a line that
// does not parse: cut short by a kill, say).
std::string pair_to_line(std::size_t pair, const ReplicationResult& result);
bool pair_from_line(const std::string& line, std::size_t& pair, ReplicationResult& result);

// The journal's first line, "" when there is no journal at `path` (or it is empty).
std::string journal_header(const std::string& path);
// True when `header` is the first line of the journal of the sweep with `fingerprint`.
bool journal_header_matches(const std::string& header, const std::string& fingerprint);
// Calls each(pair, result) for every line after the first that parses; returns how many.
std::size_t read_journal(const std::string& path, const std::function<void(std::size_t, ReplicationResult&&)>& each);

class SweepJournal {
 public:
  // A new journal for the sweep with `fingerprint` (replacing any file at `path`) or, with
  // `keep`, the existing one, appended to.
  SweepJournal(std::string path, const std::string& fingerprint, bool keep);
  ~SweepJournal();
  SweepJournal(const SweepJournal&) = delete;
  SweepJournal& operator=(const SweepJournal&) = delete;

  void append(std::size_t pair, const ReplicationResult& result);
  void sync();    // fsync now
  void remove();  // close and delete the file (the sweep is finished and its file is on disk)
  const std::string& path() const { return path_; }

 private:
  void write_all(const std::string& text);
  std::string path_;
  int fd_ = -1;
  std::chrono::steady_clock::time_point synced_;
  bool dirty_ = false;
};

}  // namespace eslabon
