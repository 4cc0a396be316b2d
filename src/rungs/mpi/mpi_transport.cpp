#include "rungs/mpi/mpi_transport.hpp"

#include <mpi.h>

#include "rungs/mpi/mpi_session.hpp"

namespace rungs::mpi {

std::deque<Envelope> MpiTransport::collect() {
  std::deque<Envelope> events = inbox_.drain();
  for (;;) {
    int arrived = 0;
    MPI_Status status;
    check_mpi(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &arrived, &status),
              "MPI_Iprobe");
    if (!arrived) break;
    int count = 0;
    check_mpi(MPI_Get_count(&status, MPI_BYTE, &count), "MPI_Get_count");
    Envelope e{status.MPI_SOURCE, static_cast<Tag>(status.MPI_TAG),
               Bytes(static_cast<std::size_t>(count))};
    check_mpi(MPI_Recv(e.payload.data(), count, MPI_BYTE, status.MPI_SOURCE, status.MPI_TAG,
                       MPI_COMM_WORLD, MPI_STATUS_IGNORE),
              "MPI_Recv");
    events.push_back(std::move(e));
  }
  return events;
}

void MpiTransport::send(int worker, Tag tag, const Bytes& payload) {
  if (worker == 0) {
    local_mailbox_.push(Envelope{0, tag, payload});
    return;
  }
  check_mpi(MPI_Send(payload.data(), static_cast<int>(payload.size()), MPI_BYTE, worker,
                     static_cast<int>(tag), MPI_COMM_WORLD),
            "MPI_Send to a worker");
}

}  // namespace rungs::mpi
