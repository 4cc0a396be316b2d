#pragma once
// One copy of the data set per node. The node's first rank reads the file
// (io::read_dataset, every check included); the node's ranks then share its
// values through an MPI-3 shared-memory window (MPI_Comm_split_type with
// MPI_COMM_TYPE_SHARED, MPI_Win_allocate_shared), and every rank's Dataset
// is a view of that window (io::Split::shared_x ...), kept alive by
// Dataset::owner. On the CPU the trainer uses the values in place, so a
// node of R ranks holds the data once, not R times; on a GPU each rank's
// device copy is made from the window.
//
//   io::Dataset data = read_dataset_once_per_node(spec.data);   // collective
//
// Collective over MPI_COMM_WORLD (every rank calls it, in the same order as
// other collectives). When the reader fails, every rank of its node throws
// std::runtime_error with the reader's message (core::InputError's text),
// so the ranks agree on the failure and report it once.
#include "rungs/core/sweep_spec.hpp"
#include "rungs/io/dataset.hpp"

namespace rungs::mpi {

io::Dataset read_dataset_once_per_node(const core::DataSpec& spec);

}  // namespace rungs::mpi
