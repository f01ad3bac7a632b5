// sim::pick_fault and Faults::spread: each kind gets its own share of [0, 1).
#include <agentio/sim/fault.hpp>
#include <gtest/gtest.h>

using namespace agentio;

namespace {

TEST(FaultTest, RatesAreLaidEndToEndInAFixedOrder) {
    sim::Faults faults;
    faults.status_429 = 0.125;  // binary fractions: the edges are exact
    faults.status_503 = 0.25;
    faults.malformed_chunk = 0.125;
    EXPECT_EQ(sim::pick_fault(faults, 0.0), sim::Fault::status_429);
    EXPECT_EQ(sim::pick_fault(faults, 0.124), sim::Fault::status_429);
    EXPECT_EQ(sim::pick_fault(faults, 0.125), sim::Fault::status_503);
    EXPECT_EQ(sim::pick_fault(faults, 0.374), sim::Fault::status_503);
    EXPECT_EQ(sim::pick_fault(faults, 0.375), sim::Fault::malformed);
    EXPECT_EQ(sim::pick_fault(faults, 0.5), sim::Fault::none);
    EXPECT_EQ(sim::pick_fault(sim::Faults{}, 0.0), sim::Fault::none);
}

TEST(FaultTest, ARateOfOneAlwaysHitsAndBadRatesNever) {
    sim::Faults faults;
    faults.stall = 1;
    EXPECT_EQ(sim::pick_fault(faults, 0.9999999), sim::Fault::stall);
    sim::Faults bad;
    bad.status_500 = -1;
    bad.reset_mid_stream = std::numeric_limits<double>::quiet_NaN();
    EXPECT_EQ(sim::pick_fault(bad, 0.0), sim::Fault::none);
}

TEST(FaultTest, SpreadSharesTheRateEvenlyOverEveryKind) {
    const sim::Faults faults = sim::Faults::spread(0.06);
    for (const double rate : {faults.status_429, faults.status_500, faults.status_503, faults.reset_mid_stream,
                              faults.stall, faults.malformed_chunk})
        EXPECT_DOUBLE_EQ(rate, 0.01);
    EXPECT_EQ(faults.stall_for, sim::Faults{}.stall_for);
    EXPECT_EQ(sim::fault_name(sim::Fault::reset), "reset");
    EXPECT_EQ(sim::fault_name(sim::Fault::status_429), "429");
}

}  // namespace
