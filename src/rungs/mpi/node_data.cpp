#include "rungs/mpi/node_data.hpp"

#include <mpi.h>

#include <cstring>
#include <stdexcept>
#include <vector>

#include "rungs/io/codec.hpp"
#include "rungs/mpi/mpi_session.hpp"

namespace rungs::mpi {
namespace {

constexpr std::size_t kAlign = 64;  // each array starts on a cache line

std::size_t aligned(std::size_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

// The shape of one split, and where its arrays lie in the window.
struct SplitLayout {
  std::int64_t rows = 0, features = 0;
  std::vector<std::int64_t> sample_shape, target_shape;
  std::uint64_t x_count = 0, y_count = 0, targets_count = 0;
  std::uint64_t x_at = 0, y_at = 0, targets_at = 0;  // byte offsets
};

struct Layout {
  std::string error;  // the reader's failure, else ""
  core::Task task = core::Task::kClassification;
  std::int64_t classes = 0;
  bool has_test = false;
  std::vector<SplitLayout> splits;  // train, val, test (when has_test)
  std::uint64_t bytes = 0;
};

Layout layout_of(const io::Dataset& d) {
  Layout l;
  l.task = d.task;
  l.classes = d.classes;
  l.has_test = d.has_test;
  std::vector<const io::Split*> splits = {&d.train, &d.val};
  if (d.has_test) splits.push_back(&d.test);
  std::uint64_t at = 0;
  for (const io::Split* s : splits) {
    SplitLayout sl;
    sl.rows = s->rows;
    sl.features = s->features;
    sl.sample_shape = s->sample_shape;
    sl.target_shape = s->target_shape;
    sl.x_count = s->x.size();
    sl.y_count = s->y.size();
    sl.targets_count = s->targets.size();
    sl.x_at = at;
    at += aligned(sl.x_count * sizeof(float));
    sl.y_at = at;
    at += aligned(sl.y_count * sizeof(std::int64_t));
    sl.targets_at = at;
    at += aligned(sl.targets_count * sizeof(float));
    l.splits.push_back(sl);
  }
  l.bytes = at;
  return l;
}

void put_dims(io::ByteWriter& w, const std::vector<std::int64_t>& dims) {
  w.count(dims.size());
  for (std::int64_t d : dims) w.i64(d);
}

std::vector<std::int64_t> get_dims(io::ByteReader& r) {
  std::vector<std::int64_t> dims(r.count(8));
  for (std::int64_t& d : dims) d = r.i64();
  return dims;
}

std::vector<unsigned char> encode(const Layout& l) {
  std::vector<unsigned char> out;
  io::ByteWriter w(out);
  w.str(l.error);
  w.u8(static_cast<std::uint8_t>(l.task));
  w.i64(l.classes);
  w.flag(l.has_test);
  w.u64(l.bytes);
  w.count(l.splits.size());
  for (const SplitLayout& s : l.splits) {
    w.i64(s.rows);
    w.i64(s.features);
    put_dims(w, s.sample_shape);
    put_dims(w, s.target_shape);
    for (std::uint64_t v : {s.x_count, s.y_count, s.targets_count, s.x_at, s.y_at, s.targets_at}) {
      w.u64(v);
    }
  }
  return out;
}

Layout decode(const std::vector<unsigned char>& bytes) {
  io::ByteReader r(bytes.data(), bytes.size());
  Layout l;
  l.error = r.str();
  l.task = static_cast<core::Task>(r.u8());
  l.classes = r.i64();
  l.has_test = r.flag();
  l.bytes = r.u64();
  l.splits.resize(r.count(16));
  for (SplitLayout& s : l.splits) {
    s.rows = r.i64();
    s.features = r.i64();
    s.sample_shape = get_dims(r);
    s.target_shape = get_dims(r);
    s.x_count = r.u64();
    s.y_count = r.u64();
    s.targets_count = r.u64();
    s.x_at = r.u64();
    s.y_at = r.u64();
    s.targets_at = r.u64();
  }
  r.expect_end();
  return l;
}

// The node's reader's layout, on every rank of the node.
Layout broadcast(MPI_Comm node, int node_rank, const Layout& mine) {
  std::vector<unsigned char> bytes = node_rank == 0 ? encode(mine) : std::vector<unsigned char>();
  unsigned long long size = bytes.size();
  check_mpi(MPI_Bcast(&size, 1, MPI_UNSIGNED_LONG_LONG, 0, node), "MPI_Bcast");
  bytes.resize(size);
  check_mpi(MPI_Bcast(bytes.data(), static_cast<int>(size), MPI_BYTE, 0, node), "MPI_Bcast");
  return decode(bytes);
}

// Owns the window and the node communicator; frees both (collectively) with
// the last Dataset that views them.
struct SharedWindow {
  MPI_Comm node = MPI_COMM_NULL;
  MPI_Win win = MPI_WIN_NULL;
  ~SharedWindow() {
    if (win != MPI_WIN_NULL) MPI_Win_free(&win);
    if (node != MPI_COMM_NULL) MPI_Comm_free(&node);
  }
};

void copy_into(char* base, const SplitLayout& l, const io::Split& s) {
  if (l.x_count) std::memcpy(base + l.x_at, s.x.data(), l.x_count * sizeof(float));
  if (l.y_count) std::memcpy(base + l.y_at, s.y.data(), l.y_count * sizeof(std::int64_t));
  if (l.targets_count) {
    std::memcpy(base + l.targets_at, s.targets.data(), l.targets_count * sizeof(float));
  }
}

io::Split view_of(const char* base, const SplitLayout& l) {
  io::Split s;
  s.rows = l.rows;
  s.features = l.features;
  s.sample_shape = l.sample_shape;
  s.target_shape = l.target_shape;
  s.shared_x = reinterpret_cast<const float*>(base + l.x_at);
  s.shared_y = l.y_count ? reinterpret_cast<const std::int64_t*>(base + l.y_at) : nullptr;
  s.shared_targets = l.targets_count ? reinterpret_cast<const float*>(base + l.targets_at) : nullptr;
  return s;
}

}  // namespace

io::Dataset read_dataset_once_per_node(const core::DataSpec& spec) {
  auto window = std::make_shared<SharedWindow>();
  int world_rank = 0;
  check_mpi(MPI_Comm_rank(MPI_COMM_WORLD, &world_rank), "MPI_Comm_rank");
  check_mpi(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, world_rank, MPI_INFO_NULL,
                                &window->node),
            "MPI_Comm_split_type");
  int node_rank = 0;
  check_mpi(MPI_Comm_rank(window->node, &node_rank), "MPI_Comm_rank(node)");

  io::Dataset read;
  Layout mine;
  if (node_rank == 0) {
    try {
      read = io::read_dataset(spec);
      mine = layout_of(read);
    } catch (const std::exception& e) {
      mine.error = std::string(e.what()).empty() ? "cannot read the data set" : e.what();
    }
  }
  const Layout layout = broadcast(window->node, node_rank, mine);
  if (!layout.error.empty()) throw std::runtime_error(layout.error);
  if (layout.splits.size() < 2) throw std::runtime_error("node data: the reader sent no splits");

  // The reader's rank allocates the whole window; the others map it.
  char* base = nullptr;
  const MPI_Aint size = node_rank == 0 ? static_cast<MPI_Aint>(std::max<std::uint64_t>(layout.bytes, 1)) : 0;
  check_mpi(MPI_Win_allocate_shared(size, 1, MPI_INFO_NULL, window->node, &base, &window->win),
            "MPI_Win_allocate_shared");
  MPI_Aint got = 0;
  int unit = 1;
  check_mpi(MPI_Win_shared_query(window->win, 0, &got, &unit, &base), "MPI_Win_shared_query");
  check_mpi(MPI_Win_fence(0, window->win), "MPI_Win_fence");
  if (node_rank == 0) {
    copy_into(base, layout.splits[0], read.train);
    copy_into(base, layout.splits[1], read.val);
    if (read.has_test) copy_into(base, layout.splits[2], read.test);
  }
  check_mpi(MPI_Win_fence(0, window->win), "MPI_Win_fence");  // the copy is visible to all

  io::Dataset d;
  d.task = layout.task;
  d.classes = layout.classes;
  d.has_test = layout.has_test;
  d.train = view_of(base, layout.splits[0]);
  d.val = view_of(base, layout.splits[1]);
  if (layout.has_test) d.test = view_of(base, layout.splits[2]);
  d.owner = window;
  return d;
}

}  // namespace rungs::mpi
