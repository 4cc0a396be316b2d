#pragma once
// RAII over MPI_Init_thread / MPI_Finalize, with this rank's place in the job
// and on its node (the node-local rank picks the GPU).
#include <string>

namespace rungs::mpi {

// Throws std::runtime_error naming `what` when an MPI call fails.
void check_mpi(int rc, const char* what);

class MpiSession {
 public:
  // Rank 0's worker thread never calls MPI, so MPI_THREAD_FUNNELED suffices.
  MpiSession(int& argc, char**& argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  int local_rank() const { return local_rank_; }
  int local_size() const { return local_size_; }
  std::string host() const { return host_; }

  // Every rank says whether its part of a step succeeded; true when all did.
  // When not, the lowest failing rank prints its message to stderr, so a
  // config error shows once, not once per rank.
  bool agree(bool ok, const std::string& message) const;

 private:
  int rank_ = 0, size_ = 1, local_rank_ = 0, local_size_ = 1;
  std::string host_;
};

}  // namespace rungs::mpi
