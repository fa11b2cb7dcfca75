// Engine properties: no allocation per event, memory bounded in the horizon, order records.
#include <models/config/loader.hpp>
#include <models/engine/simulate.hpp>
#include <models/results/run_result.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <new>

namespace {
std::atomic<std::uint64_t> g_allocations{0};
}

// Count every allocation in this test binary (thread-safe; cheap).
void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
// The nothrow forms too (std::stable_sort's buffer), or they come from another allocator than the
// delete above: AddressSanitizer reported "alloc-dealloc-mismatch" (make test-asan).
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n ? n : 1);
}
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }

using namespace eslabon;

namespace {

Model chain(double horizon) {
  return load_model_file(std::string(ESLABON_SOURCE_DIR) + "/configs/chain.yaml",
                         {{"run.horizon", std::to_string(horizon)}, {"run.warmup", "100"}});
}

std::uint64_t allocations_of(const Model& m, ReplicationResult* out = nullptr) {
  auto before = g_allocations.load();
  ReplicationResult r = simulate(m, 1, 0);
  auto after = g_allocations.load();
  if (out) *out = std::move(r);
  return after - before;
}

}  // namespace

TEST(Engine, NoAllocationPerEventInSteadyState) {
  // Ten times the horizon (ten times the events) must not mean more allocations beyond
  // the few that let pools and queues reach a slightly higher high-water mark.
  ReplicationResult small, large;
  auto a_small = allocations_of(chain(2000), &small);
  auto a_large = allocations_of(chain(20000), &large);
  EXPECT_GT(large.events, 9 * small.events);
  RecordProperty("allocations_small", static_cast<int>(a_small));
  RecordProperty("allocations_large", static_cast<int>(a_large));
  EXPECT_LT(a_large, a_small + 64) << "allocations: " << a_small << " for " << small.events << " events, " << a_large
                                   << " for " << large.events << " events";
}

TEST(Engine, MemoryDoesNotGrowWithHorizon) {
  ReplicationResult small, large;
  allocations_of(chain(2000), &small);
  allocations_of(chain(200000), &large);
  // The pools' high-water marks depend on the longest congestion episode, which grows
  // only slowly (logarithmically) with the run length; nowhere near the 100x in orders.
  EXPECT_LT(large.peak_orders, 4 * small.peak_orders + 50) << small.peak_orders << " vs " << large.peak_orders;
  EXPECT_LT(large.peak_events, 4 * small.peak_events + 50) << small.peak_events << " vs " << large.peak_events;
}

TEST(Engine, OrderRecordsOnlyWhenAsked) {
  Model m = chain(3000);
  ReplicationResult plain = simulate(m, 2, 0);
  EXPECT_EQ(plain.orders.rows(), 0u);
  SimOptions opt;
  opt.record_orders = true;
  ReplicationResult rec = simulate(m, 2, 0, opt);
  EXPECT_EQ(static_cast<double>(rec.orders.rows()), rec.kpi[static_cast<int>(Kpi::OrdersArrived)]);
  // Recording does not change the simulation.
  for (int k = 0; k < kKpiCount; ++k) {
    if (!std::isnan(plain.kpi[k])) {
      EXPECT_EQ(plain.kpi[k], rec.kpi[k]) << kpi_names()[k];
    }
  }
}

TEST(Engine, StopFlagInterruptsARun) {
  Model m = chain(1e9);
  std::atomic<bool> stop{true};
  SimOptions opt;
  opt.stop = &stop;
  EXPECT_THROW(simulate(m, 1, 0, opt), Interrupted);
}
