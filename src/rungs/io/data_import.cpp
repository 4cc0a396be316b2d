#include "rungs/io/data_import.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <numeric>
#include <random>
#include <sstream>

#include "rungs/core/error.hpp"
#include "rungs/core/seeding.hpp"

namespace rungs::io {
namespace {

using core::InputError;

// --- NumPy ------------------------------------------------------------------

std::string header_value(const std::string& header, const std::string& key) {
  const auto at = header.find("'" + key + "'");
  if (at == std::string::npos) return "";
  auto colon = header.find(':', at);
  if (colon == std::string::npos) return "";
  ++colon;
  while (colon < header.size() && header[colon] == ' ') ++colon;
  if (header[colon] == '(') return header.substr(colon, header.find(')', colon) - colon + 1);
  auto end = header.find_first_of(",}", colon);
  return header.substr(colon, end - colon);
}

std::vector<std::int64_t> parse_shape(const std::string& text, const std::string& path) {
  if (text.size() < 2 || text.front() != '(' || text.back() != ')') {
    throw InputError(path, "the .npy header has no shape tuple", "write the array with numpy.save");
  }
  std::vector<std::int64_t> shape;
  std::string inner = text.substr(1, text.size() - 2);
  std::stringstream in(inner);
  for (std::string item; std::getline(in, item, ',');) {
    item.erase(0, item.find_first_not_of(' '));
    if (item.empty()) continue;
    try {
      std::size_t used = 0;
      const long long d = std::stoll(item, &used);
      if (d < 0 || item.find_first_not_of(' ', used) != std::string::npos) throw std::invalid_argument("");
      shape.push_back(d);
    } catch (const std::exception&) {
      throw InputError(path, "the .npy header's shape " + text + " is not a tuple of integers",
                       "write the array with numpy.save");
    }
  }
  return shape;
}

template <typename T>
void read_values(std::ifstream& in, std::uint64_t count, std::vector<double>& out) {
  std::vector<T> raw(count);
  in.read(reinterpret_cast<char*>(raw.data()), static_cast<std::streamsize>(count * sizeof(T)));
  out.assign(raw.begin(), raw.end());
}

}  // namespace

NpyArray read_npy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot open the file", "check the path");
  char magic[8];
  in.read(magic, 8);
  if (!in || std::memcmp(magic, "\x93NUMPY", 6) != 0) {
    throw InputError(path, "not a NumPy .npy file (no \\x93NUMPY magic)",
                     "write it with numpy.save, or import a CSV with --csv");
  }
  std::uint32_t header_len = 0;
  unsigned char b[4] = {0, 0, 0, 0};
  in.read(reinterpret_cast<char*>(b), magic[6] == 1 ? 2 : 4);
  header_len = b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<std::uint32_t>(b[3]) << 24);
  constexpr std::uint32_t kMaxHeader = 1u << 20;  // numpy writes a few hundred bytes
  if (!in || header_len > kMaxHeader) {
    throw InputError(path, "the .npy header is damaged", "write it again with numpy.save");
  }
  std::string header(header_len, '\0');
  in.read(header.data(), header_len);
  if (!in) throw InputError(path, "the .npy header is cut short", "write it again with numpy.save");
  const std::string descr = header_value(header, "descr");
  const std::string fortran = header_value(header, "fortran_order");
  NpyArray a;
  a.shape = parse_shape(header_value(header, "shape"), path);
  if (fortran.find("True") != std::string::npos) {
    throw InputError(path, "the array is in Fortran order",
                     "save numpy.ascontiguousarray(a) instead");
  }
  // The values must fit in what the file holds, checked before allocating.
  const std::streamoff data_at = in.tellg();
  in.seekg(0, std::ios::end);
  const auto left = static_cast<std::uint64_t>(in.tellg() - data_at);
  in.seekg(data_at);
  const std::uint64_t item = descr == "'<f8'" || descr == "'<i8'"   ? 8
                             : descr == "'<f4'" || descr == "'<i4'" ? 4
                             : descr == "'|u1'"                     ? 1
                                                                    : 0;
  if (item == 0) {
    throw InputError(path, "dtype " + descr + " is not one rungs imports",
                     "save float32, float64, int32, int64 or uint8 (little-endian), e.g. "
                     "a.astype('float32')");
  }
  std::uint64_t count = 1;
  for (std::int64_t d : a.shape) {
    const auto extent = static_cast<std::uint64_t>(d);
    if (extent != 0 && count > left / item / extent + 1) {
      throw InputError(path, "the file holds fewer values than its shape says",
                       "the file is cut short; write it again");
    }
    count *= extent;
  }
  if (count * item > left) {
    throw InputError(path, "the file holds fewer values than its shape says",
                     "the file is cut short; write it again");
  }
  if (descr == "'<f4'") {
    read_values<float>(in, count, a.values);
  } else if (descr == "'<f8'") {
    read_values<double>(in, count, a.values);
  } else if (descr == "'<i8'") {
    read_values<std::int64_t>(in, count, a.values);
    a.integers = true;
  } else if (descr == "'<i4'") {
    read_values<std::int32_t>(in, count, a.values);
    a.integers = true;
  } else if (descr == "'|u1'") {
    read_values<std::uint8_t>(in, count, a.values);
    a.integers = true;
  } else {
    throw InputError(path, "dtype " + descr + " is not one rungs imports",
                     "save float32, float64, int32, int64 or uint8 (little-endian), e.g. "
                     "a.astype('float32')");
  }
  if (!in) {
    throw InputError(path, "the file holds fewer values than its shape says",
                     "the file is cut short; write it again");
  }
  return a;
}

namespace {

// --- CSV --------------------------------------------------------------------

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<double>> rows;
  std::vector<std::size_t> lines;  // each row's line in the file
};

Table read_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path, "cannot open the file", "check the path");
  Table t;
  std::string line;
  if (!std::getline(in, line)) throw InputError(path, "the file is empty", "give a header row");
  std::stringstream head(line);
  for (std::string c; std::getline(head, c, ',');) {
    c.erase(c.find_last_not_of(" \r") + 1);
    c.erase(0, c.find_first_not_of(' '));
    t.columns.push_back(c);
  }
  for (std::size_t number = 2; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<double> row;
    std::stringstream cells(line);
    std::size_t col = 0;
    for (std::string cell; std::getline(cells, cell, ','); ++col) {
      const std::string where = path + ":" + std::to_string(number);
      std::size_t used = 0;
      double v = 0;
      try {
        v = std::stod(cell, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      const std::string name = col < t.columns.size() ? t.columns[col] : std::to_string(col + 1);
      if (used == 0 || cell.find_first_not_of(" \r", used) != std::string::npos) {
        throw InputError(where, "column '" + name + "' holds '" + cell + "', not a number",
                         "every value must be numeric; encode categories as numbers first");
      }
      row.push_back(v);
    }
    if (row.size() != t.columns.size()) {
      throw InputError(path + ":" + std::to_string(number),
                       "the row has " + std::to_string(row.size()) + " values, the header " +
                           std::to_string(t.columns.size()),
                       "give every row one value per column");
    }
    t.rows.push_back(std::move(row));
    t.lines.push_back(number);
  }
  if (t.rows.empty()) throw InputError(path, "the file has no data rows", "add rows under the header");
  return t;
}

// x and y of one split from a CSV table: `target` is y, the rest x.
void split_from_table(const Table& t, const std::string& target, const std::string& path,
                      core::Task task, Split& s) {
  const auto it = std::find(t.columns.begin(), t.columns.end(), target);
  if (it == t.columns.end()) {
    throw InputError(path, "no column named '" + target + "' (the header has: " +
                               [&] {
                                 std::string all;
                                 for (const auto& c : t.columns) all += (all.empty() ? "" : ", ") + c;
                                 return all;
                               }() + ")",
                     "name the label column with --target");
  }
  const auto y_col = static_cast<std::size_t>(it - t.columns.begin());
  s.rows = static_cast<std::int64_t>(t.rows.size());
  s.features = static_cast<std::int64_t>(t.columns.size()) - 1;
  s.sample_shape = {s.features};
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      if (c != y_col) s.x.push_back(static_cast<float>(t.rows[r][c]));
    }
    const double y = t.rows[r][y_col];
    const std::string where = path + ":" + std::to_string(t.lines[r]);
    if (!std::isfinite(y)) {
      throw InputError(where, "the target '" + target + "' is not finite",
                       "drop or impute the rows with missing or infinite values");
    }
    if (task == core::Task::kClassification) {
      if (y != std::floor(y) || y < 0 || y > 9.0e15) {
        throw InputError(where,
                         "the target '" + target + "' is " + std::to_string(y) + ", not a class index",
                         "class labels must be whole numbers 0..classes-1, or use --task regression");
      }
      s.y.push_back(static_cast<std::int64_t>(y));
    } else {
      s.targets.push_back(static_cast<float>(y));
    }
  }
}

void split_from_npy(const NpyArray& x, const NpyArray& y, const std::string& x_path,
                    const std::string& y_path, core::Task task, Split& s) {
  if (x.shape.empty() || y.shape.empty()) {
    throw InputError(x.shape.empty() ? x_path : y_path, "a 0-d array has no samples",
                     "save one row per sample");
  }
  if (x.shape[0] != y.shape[0]) {
    throw InputError(y_path, "y has " + std::to_string(y.shape[0]) + " samples but x (" + x_path +
                                 ") has " + std::to_string(x.shape[0]),
                     "give exactly one y entry per sample of x");
  }
  s.rows = x.shape[0];
  s.sample_shape.assign(x.shape.begin() + 1, x.shape.end());
  if (s.sample_shape.empty()) s.sample_shape = {1};  // a 1-D x: one feature per sample
  s.features = 1;
  for (std::int64_t d : s.sample_shape) s.features *= d;
  s.x.assign(x.values.begin(), x.values.end());
  if (task == core::Task::kClassification) {
    if (!y.integers || y.shape.size() != 1) {
      throw InputError(y_path, "classification needs y as one integer class index per sample",
                       "save y as a 1-D int64 array, or use --task regression");
    }
    s.y.assign(y.values.begin(), y.values.end());
  } else {
    s.target_shape.assign(y.shape.begin() + 1, y.shape.end());
    s.targets.assign(y.values.begin(), y.values.end());
  }
}

// Moves the last `fraction` of a seeded shuffle of `all`'s rows into `val`.
void cut_validation(Split& all, Split& val, double fraction, std::uint64_t seed) {
  const std::int64_t n = all.rows;
  const auto n_val = static_cast<std::int64_t>(std::llround(fraction * static_cast<double>(n)));
  if (n_val < 1 || n_val >= n) {
    throw InputError("--val-fraction " + std::to_string(fraction),
                     "leaves " + std::to_string(n - n_val) + " training and " +
                         std::to_string(n_val) + " validation rows of " + std::to_string(n),
                     "give a fraction that leaves at least one row on each side, or "
                     "validation files");
  }
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(core::splitmix64(seed));
  for (std::size_t i = order.size(); i > 1; --i) {  // Fisher-Yates, independent of the library
    std::swap(order[i - 1], order[static_cast<std::size_t>(rng() % i)]);
  }
  const std::int64_t per_x = all.features, per_t = all.target_size();
  Split train = all;
  train.x.clear(); train.y.clear(); train.targets.clear();
  val = train;
  for (std::int64_t k = 0; k < n; ++k) {
    const std::int64_t r = order[static_cast<std::size_t>(k)];
    Split& to = k < n - n_val ? train : val;
    to.x.insert(to.x.end(), all.x.begin() + r * per_x, all.x.begin() + (r + 1) * per_x);
    if (!all.y.empty()) to.y.push_back(all.y[static_cast<std::size_t>(r)]);
    if (!all.targets.empty()) {
      to.targets.insert(to.targets.end(), all.targets.begin() + r * per_t,
                        all.targets.begin() + (r + 1) * per_t);
    }
  }
  train.rows = n - n_val;
  val.rows = n_val;
  all = std::move(train);
}

std::int64_t classes_of(const Dataset& d) {
  std::int64_t m = -1;
  for (const Split* s : {&d.train, &d.val}) {
    for (std::int64_t v : s->y) {
      if (v < 0) throw InputError("the labels", "a class index is " + std::to_string(v),
                                  "class labels must be 0..classes-1");
      m = std::max(m, v);
    }
  }
  return m + 1;
}

}  // namespace

Dataset import_dataset(const ImportRequest& q) {
  Dataset d;
  d.task = q.task;
  const bool from_csv = !q.csv.empty();
  if (from_csv == !q.x.empty()) {
    throw InputError("rungs data import", "give either --csv FILE or --x FILE --y FILE",
                     "see rungs data import --help");
  }
  if (from_csv) {
    if (q.target.empty()) {
      throw InputError("rungs data import", "--csv needs --target COLUMN", "name the label column");
    }
    split_from_table(read_csv(q.csv), q.target, q.csv, q.task, d.train);
    if (!q.val_csv.empty()) split_from_table(read_csv(q.val_csv), q.target, q.val_csv, q.task, d.val);
  } else {
    if (q.y.empty()) throw InputError("rungs data import", "--x needs --y", "give the targets' .npy");
    split_from_npy(read_npy(q.x), read_npy(q.y), q.x, q.y, q.task, d.train);
    if (!q.val_x.empty()) {
      split_from_npy(read_npy(q.val_x), read_npy(q.val_y), q.val_x, q.val_y, q.task, d.val);
    }
  }
  const bool val_given = from_csv ? !q.val_csv.empty() : !q.val_x.empty();
  if (!val_given) cut_validation(d.train, d.val, q.val_fraction, q.seed);
  if (q.task == core::Task::kClassification) d.classes = classes_of(d);
  return d;
}

}  // namespace rungs::io
