// One copy of the data per node (mpi/node_data.hpp), under mpiexec with 3
// ranks on one node: every rank's view of the shared window holds exactly
// the bytes the file holds, and only the reading rank ever held a copy.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cstring>
#include <filesystem>
#include <string>

#include "rungs/io/dataset.hpp"
#include "rungs/mpi/mpi_session.hpp"
#include "rungs/mpi/node_data.hpp"

namespace rungs::mpi {
namespace {

std::string scratch() {
  const char* env = std::getenv("RUNGS_TEST_TMP");
  return std::string(env && *env ? env : "/tmp") + "/node_data";
}

int world_rank() {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

// Rank 0 writes the file; everyone waits for it.
core::DataSpec written(io::SynthKind kind, const std::string& name, bool with_test) {
  core::DataSpec spec;
  spec.path = scratch() + "/" + name + ".h5";
  spec.task = io::task_of(kind);
  if (world_rank() == 0) {
    std::filesystem::create_directories(scratch());
    io::SynthOptions o;
    o.kind = kind;
    o.train_rows = 300;
    o.val_rows = 70;
    o.features = 5;
    o.size = 6;
    o.steps = 9;
    io::Dataset d = io::synthesize_dataset(o);
    if (with_test) {
      d.test = d.val;
      d.has_test = true;
    }
    io::write_dataset(spec.path, d, true);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  if (with_test) spec.test = "/test";
  return spec;
}

template <typename T>
bool same_bytes(const T* a, const std::vector<T>& b, std::size_t count) {
  return count == b.size() && (count == 0 || std::memcmp(a, b.data(), count * sizeof(T)) == 0);
}

void expect_view_equals_file(const io::Split& view, const io::Split& file) {
  EXPECT_EQ(view.rows, file.rows);
  EXPECT_EQ(view.sample_shape, file.sample_shape);
  EXPECT_EQ(view.target_shape, file.target_shape);
  EXPECT_TRUE(view.x.empty() && view.y.empty() && view.targets.empty()) << "a private copy";
  EXPECT_TRUE(same_bytes(view.x_data(), file.x, file.x.size()));
  EXPECT_TRUE(same_bytes(view.y_data(), file.y, view.y_count()));
  EXPECT_TRUE(same_bytes(view.targets_data(), file.targets, view.targets_count()));
}

TEST(NodeData, EveryRanksViewHoldsTheFilesBytes) {
  for (io::SynthKind kind : io::all_synth_kinds()) {
    const core::DataSpec spec = written(kind, io::to_string(kind), kind == io::SynthKind::kImages);
    const io::Dataset shared = read_dataset_once_per_node(spec);
    const io::Dataset file = io::read_dataset(spec);
    ASSERT_NE(shared.owner, nullptr);
    EXPECT_EQ(shared.task, file.task);
    EXPECT_EQ(shared.classes, file.classes);
    EXPECT_EQ(shared.has_test, file.has_test);
    SCOPED_TRACE(io::to_string(kind));
    expect_view_equals_file(shared.train, file.train);
    expect_view_equals_file(shared.val, file.val);
    if (file.has_test) expect_view_equals_file(shared.test, file.test);
  }
}

TEST(NodeData, AReaderFailureReachesEveryRankOfTheNode) {
  core::DataSpec spec;
  spec.path = scratch() + "/missing.h5";
  try {
    read_dataset_once_per_node(spec);
    FAIL() << "expected an error on rank " << world_rank();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("missing.h5: data file not found"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace rungs::mpi

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  rungs::mpi::MpiSession mpi(argc, argv);
  return RUN_ALL_TESTS();
}
