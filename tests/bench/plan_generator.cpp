// Synthetic basin-plan generator. See plan_generator.hpp.
//
// Geometry: an nx x ny grid of jittered nodes; every grid edge (shared or on the outline) is
// wiggled exactly once into a polyline whose perpendicular offset stays inside a narrow cone
// around its chord (offset <= 0.2 * L * t * (1 - t), i.e. within ~11 degrees), so edges never
// cross. Units are the cells; basins are rectangular blocks of cells whose rings are assembled
// from the very same edge polylines, so every parent is exactly the union of its children and
// neighbours share exactly the same vertices. Townships are a coarser straight-edged jittered
// grid clipped to the plan area with GEOS.
#include "plan_generator.hpp"

#define GEOS_USE_ONLY_R_API
#include <geos_c.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogr_feature.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

namespace basinkit::bench {
namespace {
// A demo-shaped rule list (DESIGN.md section 6) on the generated layers: the 1 km river
// rule, zone rules, a unit glob; used by benchmarks and screening tests.
constexpr const char* kDemoShapedRules =
    R"(# A rule list shaped like the demo's (data/shapefiles/rules.yaml), written by basinkit-generate-plan
name: bench rules
level: city
rules:
  - id: N-HJ-001
    list: negative
    effect: prohibit
    title: within 1 km of the main river, no new or expanded chemical plants
    basis: bench
    scope:
      near: { layer: rivers, where: "CLASS = 'main'", within_m: 1000 }
    applies_to:
      industry: [C26]
      action: [new, expand]
    unless:
      scope: { in: { layer: zones, where: "KIND = 'chemical_park'" } }
  - id: N-YS-001
    list: negative
    effect: prohibit
    title: no construction in drinking-water protection zones
    basis: bench
    scope:
      in: { layer: zones, where: "KIND = 'drinking_water'" }
    applies_to:
      industry: [A03, B, C, D, E, G, H, I, K]
      action: [new, expand, rebuild, relocate]
  - id: N-ST-001
    list: negative
    effect: prohibit
    title: no development in ecological red lines
    basis: bench
    scope:
      in: { layer: zones, where: "KIND = 'eco_redline'" }
    applies_to:
      industry: [B, C, D, K, H]
      action: [new, expand, rebuild]
  - id: N-XQ-001
    list: negative
    effect: restrict
    title: units U000001-U000009 restrict large water users
    basis: bench
    scope:
      unit: ['U00000*']
    applies_to:
      attr: [{ field: water_m3_d, op: '>', value: 500 }]
    condition: water resources assessment
  - id: P-HG-001
    list: positive
    effect: permit
    title: chemical projects in the chemical park
    basis: bench
    scope:
      in: { layer: zones, where: "KIND = 'chemical_park'" }
    applies_to:
      industry: [C2614, C2631]
      action: [new, expand]
)";
}  // namespace
namespace {

namespace fs = std::filesystem;

constexpr double kPi = 3.14159265358979323846;
constexpr double kCenterX = 450000.0;   // EPSG:4547 easting of the plan centre
constexpr double kCenterY = 3400000.0;  // northing
constexpr double kNodeJitter = 0.15;    // grid node jitter, fraction of the cell size
constexpr double kWiggle = 0.2;         // edge offset envelope: kWiggle * L * t * (1 - t)
constexpr double kTownJitter = 0.12;    // township node jitter, fraction of township spacing

// ---------------------------------------------------------------- deterministic random numbers

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// A small splitmix64 stream keyed by (seed, a, b, c): each edge, node, ... has its own stream,
// so the output does not depend on the order things are generated in.
class Rng {
 public:
  explicit Rng(std::uint64_t seed, std::uint64_t a = 0, std::uint64_t b = 0, std::uint64_t c = 0)
      : state_(seed) {
    mix(a);
    mix(b);
    mix(c);
  }
  std::uint64_t next() { return splitmix64(state_); }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }

 private:
  void mix(std::uint64_t v) {
    std::uint64_t s = state_ ^ (v * 0xD6E8FEB86659FD93ull + 0x632BE59BD9B4E019ull);
    state_ = splitmix64(s);
  }
  std::uint64_t state_;
};

enum Stream : std::uint64_t {
  kStreamNode = 1,
  kStreamHEdge,
  kStreamVEdge,
  kStreamPartition,
  kStreamTownNode,
  kStreamRiver,
  kStreamZone,
  kStreamSites,
  kStreamLayout,
  kStreamInject,
  kStreamSections,
  kStreamMonitoring,
};

// ---------------------------------------------------------------- GEOS helpers

struct GeosContext {
  GEOSContextHandle_t h;
  std::string last_error;
  GeosContext() : h(GEOS_init_r()) {
    GEOSContext_setErrorMessageHandler_r(
        h, [](const char* msg, void* self) { static_cast<GeosContext*>(self)->last_error = msg; },
        this);
  }
  ~GeosContext() { GEOS_finish_r(h); }
  GeosContext(const GeosContext&) = delete;
  GeosContext& operator=(const GeosContext&) = delete;
};

struct GeomDeleter {
  GEOSContextHandle_t h;
  void operator()(GEOSGeometry* g) const {
    if (g != nullptr) GEOSGeom_destroy_r(h, g);
  }
};
using GeomPtr = std::unique_ptr<GEOSGeometry, GeomDeleter>;

struct PreparedDeleter {
  GEOSContextHandle_t h;
  void operator()(const GEOSPreparedGeometry* g) const {
    if (g != nullptr) GEOSPreparedGeom_destroy_r(h, g);
  }
};
using PreparedPtr = std::unique_ptr<const GEOSPreparedGeometry, PreparedDeleter>;

GeomPtr checked(GeosContext& ctx, GEOSGeometry* g, const char* what) {
  if (g == nullptr)
    throw std::runtime_error(fmt::format("GEOS {} failed: {}", what, ctx.last_error));
  return GeomPtr(g, GeomDeleter{ctx.h});
}

GeomPtr geos_polygon(GeosContext& ctx, const std::vector<double>& xs,
                     const std::vector<double>& ys) {
  GEOSCoordSequence* seq =
      GEOSCoordSeq_copyFromArrays_r(ctx.h, xs.data(), ys.data(), nullptr, nullptr, xs.size());
  if (seq == nullptr) throw std::runtime_error("GEOS coordinate sequence failed");
  GEOSGeometry* ring = GEOSGeom_createLinearRing_r(ctx.h, seq);
  if (ring == nullptr) throw std::runtime_error("GEOS linear ring failed: " + ctx.last_error);
  return checked(ctx, GEOSGeom_createPolygon_r(ctx.h, ring, nullptr, 0), "polygon");
}

GeomPtr geos_line(GeosContext& ctx, const std::vector<double>& xs, const std::vector<double>& ys) {
  GEOSCoordSequence* seq =
      GEOSCoordSeq_copyFromArrays_r(ctx.h, xs.data(), ys.data(), nullptr, nullptr, xs.size());
  if (seq == nullptr) throw std::runtime_error("GEOS coordinate sequence failed");
  return checked(ctx, GEOSGeom_createLineString_r(ctx.h, seq), "line string");
}

double geos_area(GeosContext& ctx, const GEOSGeometry* g) {
  double a = 0;
  if (GEOSArea_r(ctx.h, g, &a) == 0) throw std::runtime_error("GEOS area failed");
  return a;
}

std::int64_t geos_vertices(GeosContext& ctx, const GEOSGeometry* g) {
  int n = GEOSGetNumCoordinates_r(ctx.h, g);
  return n < 0 ? 0 : n;
}

// GEOS -> OGR through WKB.
std::unique_ptr<OGRGeometry> to_ogr(GeosContext& ctx, const GEOSGeometry* g) {
  GEOSWKBWriter* writer = GEOSWKBWriter_create_r(ctx.h);
  std::size_t size = 0;
  unsigned char* buf = GEOSWKBWriter_write_r(ctx.h, writer, g, &size);
  GEOSWKBWriter_destroy_r(ctx.h, writer);
  if (buf == nullptr) throw std::runtime_error("GEOS WKB writer failed: " + ctx.last_error);
  OGRGeometry* out = nullptr;
  OGRErr err = OGRGeometryFactory::createFromWkb(buf, nullptr, &out, size);
  GEOSFree_r(ctx.h, buf);
  if (err != OGRERR_NONE || out == nullptr) throw std::runtime_error("OGR WKB reader failed");
  return std::unique_ptr<OGRGeometry>(out);
}

// ---------------------------------------------------------------- the wiggled grid

struct Grid {
  int nx = 0, ny = 0, k = 0;
  double cell = 0, x0 = 0, y0 = 0;
  std::vector<double> node_x, node_y;  // (nx+1)*(ny+1), index j*(nx+1)+i
  std::vector<double> hx, hy;          // H edge (i,j)->(i+1,j): ((j*nx)+i)*k + m, j in [0,ny]
  std::vector<double> vx, vy;          // V edge (i,j)->(i,j+1): ((j*(nx+1))+i)*k + m, j < ny

  std::size_t node(int i, int j) const {
    return static_cast<std::size_t>(j) * static_cast<std::size_t>(nx + 1) +
           static_cast<std::size_t>(i);
  }
  std::size_t hbase(int i, int j) const {
    return (static_cast<std::size_t>(j) * static_cast<std::size_t>(nx) +
            static_cast<std::size_t>(i)) *
           static_cast<std::size_t>(k);
  }
  std::size_t vbase(int i, int j) const {
    return (static_cast<std::size_t>(j) * static_cast<std::size_t>(nx + 1) +
            static_cast<std::size_t>(i)) *
           static_cast<std::size_t>(k);
  }
};

// Interior vertices of edge A->B: offsets perpendicular to the chord, a smooth sum of three
// sines inside the envelope kWiggle * L * t * (1 - t).
void wiggle_edge(double ax, double ay, double bx, double by, int k, Rng rng, double* xs,
                 double* ys) {
  const double dx = bx - ax, dy = by - ay;
  const double len = std::hypot(dx, dy);
  const double px = -dy / len, py = dx / len;
  static constexpr double kWeight[3] = {1.0, 0.5, 0.3};
  double amp[3], freq[3], phase[3], wsum = 0;
  for (int m = 0; m < 3; ++m) {
    amp[m] = kWeight[m] * rng.uniform(-1.0, 1.0);
    freq[m] = (m + 1) * rng.uniform(1.0, 1.5);
    phase[m] = rng.uniform(0.0, 2 * kPi);
    wsum += kWeight[m];
  }
  for (int q = 1; q <= k; ++q) {
    const double t = q / (k + 1.0);
    double w = 0;
    for (int m = 0; m < 3; ++m) w += amp[m] * std::sin(kPi * freq[m] * t + phase[m]);
    const double off = len * kWiggle * t * (1 - t) * (w / wsum);
    xs[q - 1] = ax + dx * t + px * off;
    ys[q - 1] = ay + dy * t + py * off;
  }
}

void parallel_for(int n, const std::function<void(int begin, int end)>& body) {
  int workers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  workers = std::min(workers, std::max(1, n / 64));
  if (workers <= 1) {
    body(0, n);
    return;
  }
  std::vector<std::thread> threads;
  std::exception_ptr error;
  std::mutex error_mutex;
  for (int w = 0; w < workers; ++w) {
    const int begin = static_cast<int>(static_cast<std::int64_t>(n) * w / workers);
    const int end = static_cast<int>(static_cast<std::int64_t>(n) * (w + 1) / workers);
    threads.emplace_back([&, begin, end] {
      try {
        body(begin, end);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
      }
    });
  }
  for (auto& t : threads) t.join();
  if (error) std::rethrow_exception(error);
}

Grid build_grid(int nx, int ny, int k, double cell, std::uint64_t seed) {
  Grid g;
  g.nx = nx;
  g.ny = ny;
  g.k = k;
  g.cell = cell;
  g.x0 = kCenterX - nx * cell / 2;
  g.y0 = kCenterY - ny * cell / 2;
  g.node_x.resize(static_cast<std::size_t>(nx + 1) * (ny + 1));
  g.node_y.resize(g.node_x.size());
  for (int j = 0; j <= ny; ++j) {
    for (int i = 0; i <= nx; ++i) {
      Rng rng(seed, kStreamNode, static_cast<std::uint64_t>(i), static_cast<std::uint64_t>(j));
      const double jx = rng.uniform(-kNodeJitter, kNodeJitter) * cell;
      const double jy = rng.uniform(-kNodeJitter, kNodeJitter) * cell;
      g.node_x[g.node(i, j)] = g.x0 + i * cell + jx;
      g.node_y[g.node(i, j)] = g.y0 + j * cell + jy;
    }
  }
  const std::size_t nh = static_cast<std::size_t>(nx) * (ny + 1);
  const std::size_t nv = static_cast<std::size_t>(nx + 1) * ny;
  g.hx.resize(nh * k);
  g.hy.resize(nh * k);
  g.vx.resize(nv * k);
  g.vy.resize(nv * k);
  if (k == 0) return g;
  parallel_for(ny + 1, [&](int jb, int je) {
    for (int j = jb; j < je; ++j) {
      for (int i = 0; i < nx; ++i) {
        const std::size_t a = g.node(i, j), b = g.node(i + 1, j), base = g.hbase(i, j);
        wiggle_edge(
            g.node_x[a], g.node_y[a], g.node_x[b], g.node_y[b], k,
            Rng(seed, kStreamHEdge, static_cast<std::uint64_t>(i), static_cast<std::uint64_t>(j)),
            &g.hx[base], &g.hy[base]);
      }
      if (j == ny) continue;
      for (int i = 0; i <= nx; ++i) {
        const std::size_t a = g.node(i, j), b = g.node(i, j + 1), base = g.vbase(i, j);
        wiggle_edge(
            g.node_x[a], g.node_y[a], g.node_x[b], g.node_y[b], k,
            Rng(seed, kStreamVEdge, static_cast<std::uint64_t>(i), static_cast<std::uint64_t>(j)),
            &g.vx[base], &g.vy[base]);
      }
    }
  });
  return g;
}

// CCW ring of the block of cells [i0,i1) x [j0,j1), assembled from the shared edge polylines.
void block_ring(const Grid& g, int i0, int j0, int i1, int j1, std::vector<double>& xs,
                std::vector<double>& ys) {
  xs.clear();
  ys.clear();
  const std::size_t perimeter = 2 * static_cast<std::size_t>((i1 - i0) + (j1 - j0));
  xs.reserve(perimeter * (g.k + 1) + 1);
  ys.reserve(xs.capacity());
  const int k = g.k;
  auto node = [&](int i, int j) {
    xs.push_back(g.node_x[g.node(i, j)]);
    ys.push_back(g.node_y[g.node(i, j)]);
  };
  node(i0, j0);
  for (int i = i0; i < i1; ++i) {
    const std::size_t b = g.hbase(i, j0);
    xs.insert(xs.end(), g.hx.begin() + b, g.hx.begin() + b + k);
    ys.insert(ys.end(), g.hy.begin() + b, g.hy.begin() + b + k);
    node(i + 1, j0);
  }
  for (int j = j0; j < j1; ++j) {
    const std::size_t b = g.vbase(i1, j);
    xs.insert(xs.end(), g.vx.begin() + b, g.vx.begin() + b + k);
    ys.insert(ys.end(), g.vy.begin() + b, g.vy.begin() + b + k);
    node(i1, j + 1);
  }
  for (int i = i1 - 1; i >= i0; --i) {
    const std::size_t b = g.hbase(i, j1);
    for (int m = k - 1; m >= 0; --m) {
      xs.push_back(g.hx[b + m]);
      ys.push_back(g.hy[b + m]);
    }
    node(i, j1);
  }
  for (int j = j1 - 1; j >= j0; --j) {
    const std::size_t b = g.vbase(i0, j);
    for (int m = k - 1; m >= 0; --m) {
      xs.push_back(g.vx[b + m]);
      ys.push_back(g.vy[b + m]);
    }
    node(i0, j);
  }
}

std::unique_ptr<OGRPolygon> ogr_polygon(const std::vector<double>& xs,
                                        const std::vector<double>& ys) {
  auto ring = std::make_unique<OGRLinearRing>();
  ring->setPoints(static_cast<int>(xs.size()), xs.data(), ys.data());
  auto poly = std::make_unique<OGRPolygon>();
  poly->addRingDirectly(ring.release());
  return poly;
}

// ---------------------------------------------------------------- hierarchy layout

// Splits n items into consecutive runs of length lo..hi (a single shorter/longer run when n
// does not allow it). Returns the run boundaries: {0, ..., n}.
std::vector<int> partition(int n, int lo, int hi, Rng& rng) {
  std::vector<int> cuts{0};
  int rem = n;
  while (rem > 0) {
    if (rem <= hi || rem < 2 * lo) {
      cuts.push_back(n);
      break;
    }
    int r = lo + rng.below(hi - lo + 1);
    if (rem - r < lo) r = rem - lo;
    rem -= r;
    cuts.push_back(n - rem);
  }
  return cuts;
}

// Groups m runs into 2..3-run groups; with fewer than 4 runs, into min(m, 2) groups.
std::vector<int> group_runs(int m, Rng& rng) {
  if (m >= 4) return partition(m, 2, 3, rng);
  if (m >= 2) return {0, (m + 1) / 2, m};
  return {0, m};
}

std::vector<int> split_even(int m, int parts) {
  parts = std::max(1, std::min(parts, m));
  std::vector<int> cuts;
  for (int p = 0; p <= parts; ++p) cuts.push_back(m * p / parts);
  return cuts;
}

struct Basin {
  std::string code, name, parent;
  int level = 0;
  int i0 = 0, j0 = 0, i1 = 0, j1 = 0;  // unit-grid block
};

const char* const kL1Names[] = {"汉江", "长江", "漳河", "竹皮河", "天门河", "府河"};

// ---------------------------------------------------------------- townships

const char* const kTownFirst[] = {"石", "龙", "白", "马", "团", "仙", "漳", "牌",
                                  "栗", "麻", "双", "九", "五", "官", "凤", "客",
                                  "罗", "沈", "长", "烟", "杨", "钱", "曾", "洪"};
const char* const kTownSecond[] = {"桥", "泉", "河", "湾", "岭", "山", "店", "集", "口", "坪",
                                   "岗", "场", "庙", "溪", "垸", "湖", "冲", "港", "坝", "堰"};
const char* const kCounties[] = {"420802", "420804", "420822", "420881", "420882", "420891"};

std::string township_name(int index, int seq_in_county) {
  constexpr int kA = static_cast<int>(std::size(kTownFirst));
  constexpr int kB = static_cast<int>(std::size(kTownSecond));
  std::string name = std::string(kTownFirst[index % kA]) + kTownSecond[(index / kA) % kB];
  if (index >= kA * kB) name += std::to_string(index / (kA * kB) + 1);
  if (seq_in_county <= 2) return name + "街道";
  return name + (index % 7 == 3 ? "乡" : "镇");
}

struct Township {
  std::string code, name, county;
  std::vector<double> qx, qy;  // closed quad (5 points)
  double minx = 0, miny = 0, maxx = 0, maxy = 0;
  std::unique_ptr<OGRGeometry> geometry;  // quad clipped to the plan area (MultiPolygon)
  std::int64_t vertices = 0;
  int a = -1, b = -1;  // column and row in the township grid; -1 for injected enclaves
};

// ---------------------------------------------------------------- defect injection

// A closed CCW 16-gon of radius r around (cx, cy).
std::unique_ptr<OGRLinearRing> round_ring(double cx, double cy, double r) {
  auto ring = std::make_unique<OGRLinearRing>();
  for (int q = 0; q <= 16; ++q) {
    const double th = 2 * kPi * (q % 16) / 16;
    ring->addPoint(cx + r * std::cos(th), cy + r * std::sin(th));
  }
  return ring;
}

// Injects the jurisdiction defects of `options` into `towns` (holes, parts, new
// townships) and `unit_code` (township codes written for units). Hosts are townships not
// on the township grid's outline, whose geometry is their unclipped quad; each hole is a
// 16-gon around the quad's centre, well inside it.
InjectedDefects inject_defects(const GeneratorOptions& options, std::uint64_t seed, int tx, int ty,
                               double cell, const Grid& grid, std::vector<Township>& towns,
                               const std::vector<int>& unit_town,
                               std::vector<std::string>& unit_code) {
  InjectedDefects record;
  const int n_towns = static_cast<int>(towns.size());
  std::vector<int> interior;
  for (int t = 0; t < n_towns; ++t)
    if (towns[t].a > 0 && towns[t].a < tx - 1 && towns[t].b > 0 && towns[t].b < ty - 1)
      interior.push_back(t);
  const int want_holes =
      std::max(0, options.inject_exclaves) + std::max(0, options.inject_enclaves);
  const int holes = std::min(want_holes, static_cast<int>(interior.size()));
  auto centre_of = [](const Township& t) {
    return std::array<double, 2>{(t.qx[0] + t.qx[1] + t.qx[2] + t.qx[3]) / 4,
                                 (t.qy[0] + t.qy[1] + t.qy[2] + t.qy[3]) / 4};
  };
  const double spacing = std::min((grid.nx * grid.cell) / tx, (grid.ny * grid.cell) / ty);
  const double radius = std::min(0.3 * cell, 0.2 * spacing);
  for (int k = 0; k < holes; ++k) {
    const int host = interior[static_cast<std::size_t>(k) * interior.size() / holes];
    const auto c = centre_of(towns[host]);
    std::unique_ptr<OGRLinearRing> ring = round_ring(c[0], c[1], radius);
    auto part = std::make_unique<OGRPolygon>();
    part->addRing(ring.get());
    const double area = part->get_Area();
    auto* host_poly = towns[host].geometry->toMultiPolygon()->getGeometryRef(0);
    host_poly->addRingDirectly(ring.release());
    towns[host].vertices += 17;
    InjectedPart injected{"", towns[host].code, area, c};
    if (k < std::max(0, options.inject_exclaves)) {
      // Given to the township half the list away (never the host).
      const int owner = (host + n_towns / 2) % n_towns == host ? (host + 1) % n_towns
                                                               : (host + n_towns / 2) % n_towns;
      towns[owner].geometry->toMultiPolygon()->addGeometryDirectly(part.release());
      towns[owner].vertices += 17;
      injected.township = towns[owner].code;
      record.exclaves.push_back(injected);
    } else {
      const int e = static_cast<int>(record.enclaves.size()) + 1;
      Township t;
      t.county = towns[host].county;
      t.code = fmt::format("{}9{:02d}000", t.county, e);
      t.name = fmt::format("{}飞地{}号", towns[host].name, e);
      auto multi = std::make_unique<OGRMultiPolygon>();
      multi->addGeometryDirectly(part.release());
      t.geometry = std::move(multi);
      t.vertices = 17;
      injected.township = t.code;
      record.enclaves.push_back(injected);
      towns.push_back(std::move(t));
    }
  }

  // Units: spread over the plan, each used once.
  const int n_units = grid.nx * grid.ny;
  Rng rng(seed, kStreamInject);
  auto pick_unit = [&]() {
    int u = rng.below(n_units);
    for (int tries = 0; tries < n_units && !unit_code[u].empty(); ++tries) u = (u + 1) % n_units;
    return unit_code[u].empty() ? u : -1;
  };
  for (int k = 0; k < std::max(0, options.inject_wrong_managers); ++k) {
    const int u = pick_unit();
    if (u < 0) break;
    const int i = u % grid.nx, j = u / grid.nx;
    double ux = 0, uy = 0;
    for (const auto& [di, dj] : {std::pair{0, 0}, {1, 0}, {1, 1}, {0, 1}}) {
      ux += grid.node_x[grid.node(i + di, j + dj)] / 4;
      uy += grid.node_y[grid.node(i + di, j + dj)] / 4;
    }
    int far = -1;
    double far_d = -1;
    for (int t = 0; t < n_towns; ++t) {
      const auto c = centre_of(towns[t]);
      const double d = std::hypot(c[0] - ux, c[1] - uy);
      if (d > far_d) {
        far_d = d;
        far = t;
      }
    }
    unit_code[u] = towns[far].code;
    record.wrong_managers.push_back(
        {fmt::format("U{:06d}", u + 1), towns[far].code, towns[unit_town[u]].code});
  }
  for (int k = 0; k < std::max(0, options.inject_unknown_townships); ++k) {
    const int u = pick_unit();
    if (u < 0) break;
    unit_code[u] = fmt::format("429999{:03d}000", k + 1);
    record.unknown_townships.push_back({fmt::format("U{:06d}", u + 1), unit_code[u]});
  }
  return record;
}

// ---------------------------------------------------------------- output

struct FieldDef {
  const char* name;
  OGRFieldType type;
  int width;  // shapefile width
};

class Output {
 public:
  Output(const std::string& dir, bool gpkg) : dir_(dir), gpkg_(gpkg) {
    driver_ = GetGDALDriverManager()->GetDriverByName(gpkg ? "GPKG" : "ESRI Shapefile");
    if (driver_ == nullptr) throw std::runtime_error("GDAL driver not available");
    srs_.importFromEPSG(4547);
    srs_.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (gpkg_) {
      const std::string path = dir_ + "/plan.gpkg";
      remove_existing(path);
      datasets_.emplace_back(driver_->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
      if (!datasets_.back()) throw std::runtime_error("cannot create " + path);
    }
  }

  std::string source(const std::string& layer) const {
    return gpkg_ ? std::string("plan.gpkg") : layer + ".shp";
  }

  // spatial_index = false: no GeoPackage R-tree (SQLite builds one for 1M random points in
  // ~12 s, five times the rest of the write); shapefiles never get a .qix here.
  OGRLayer* create_layer(const std::string& name, OGRwkbGeometryType type,
                         const std::vector<FieldDef>& fields, bool spatial_index = true) {
    GDALDataset* ds = nullptr;
    char** options = nullptr;
    if (gpkg_) {
      ds = datasets_.front().get();
      if (!spatial_index) options = CSLSetNameValue(options, "SPATIAL_INDEX", "NO");
    } else {
      const std::string path = dir_ + "/" + name + ".shp";
      remove_existing(path);
      datasets_.emplace_back(driver_->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
      if (!datasets_.back()) throw std::runtime_error("cannot create " + path);
      ds = datasets_.back().get();
      options = CSLSetNameValue(options, "ENCODING", "UTF-8");
    }
    OGRLayer* layer = ds->CreateLayer(name.c_str(), &srs_, type, options);
    CSLDestroy(options);
    if (layer == nullptr) throw std::runtime_error("cannot create layer " + name);
    for (const FieldDef& f : fields) {
      OGRFieldDefn defn(f.name, f.type);
      if (!gpkg_ && f.width > 0) defn.SetWidth(f.width);
      if (layer->CreateField(&defn) != OGRERR_NONE)
        throw std::runtime_error(fmt::format("cannot create field {}.{}", name, f.name));
    }
    current_ = ds;
    return layer;
  }

  void begin() {
    if (gpkg_ && current_->StartTransaction() != OGRERR_NONE)
      throw std::runtime_error("cannot start a GeoPackage transaction");
  }
  void commit() {
    if (gpkg_ && current_->CommitTransaction() != OGRERR_NONE)
      throw std::runtime_error("cannot commit a GeoPackage transaction");
  }

  void close() {
    for (auto& ds : datasets_) ds.reset();
    datasets_.clear();
  }

 private:
  void remove_existing(const std::string& path) {
    if (!fs::exists(path)) return;
    if (driver_->Delete(path.c_str()) != CE_None) fs::remove(path);
  }

  std::string dir_;
  bool gpkg_;
  GDALDriver* driver_ = nullptr;
  OGRSpatialReference srs_;
  std::vector<GDALDatasetUniquePtr> datasets_;
  GDALDataset* current_ = nullptr;
};

void write_feature(OGRLayer* layer, OGRFeature& feature) {
  feature.SetFID(OGRNullFID);
  if (layer->CreateFeature(&feature) != OGRERR_NONE)
    throw std::runtime_error(fmt::format("cannot write a feature to {}", layer->GetName()));
}

std::string json_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// ---------------------------------------------------------------- drainage network

// The generated drainage (docs/network.md): every unit drains to a neighbour sharing an
// edge with it, vertically towards the row the main river crosses in its column, and along
// that row east. The unit where the main river leaves the plan (east) is the only outlet.
// Water never moves west and moves vertically only towards the main row, so the graph has
// no cycle and every unit reaches the outlet.
struct Drainage {
  std::vector<int> downstream;  // unit index (j * nx + i); -1 for the outlet
  std::vector<int> main_row;    // per column: the row holding the main river at its centre
  int outlet = -1;
};

Drainage build_drainage(const Grid& g, const std::vector<double>& river_x,
                        const std::vector<double>& river_y) {
  Drainage d;
  d.main_row.resize(static_cast<std::size_t>(g.nx));
  for (int i = 0; i < g.nx; ++i) {
    const double x = g.x0 + (i + 0.5) * g.cell;
    // The main river is digitised west to east with increasing x.
    const auto it = std::lower_bound(river_x.begin(), river_x.end(), x);
    const std::size_t b = std::clamp<std::size_t>(it - river_x.begin(), 1, river_x.size() - 1);
    const double t = (x - river_x[b - 1]) / (river_x[b] - river_x[b - 1]);
    const double y = river_y[b - 1] + t * (river_y[b] - river_y[b - 1]);
    d.main_row[i] = std::clamp(static_cast<int>(std::floor((y - g.y0) / g.cell)), 0, g.ny - 1);
  }
  d.downstream.assign(static_cast<std::size_t>(g.nx) * g.ny, -1);
  for (int j = 0; j < g.ny; ++j) {
    for (int i = 0; i < g.nx; ++i) {
      const int r = d.main_row[i];
      int to = -1;
      if (j > r)
        to = (j - 1) * g.nx + i;
      else if (j < r)
        to = (j + 1) * g.nx + i;
      else if (i + 1 < g.nx)
        to = j * g.nx + i + 1;
      else
        d.outlet = j * g.nx + i;
      d.downstream[static_cast<std::size_t>(j) * g.nx + i] = to;
    }
  }
  return d;
}

// The point of a wiggled edge at half its chord (edge vertices sit at chord parameters
// q / (k + 1), so it is a vertex or the middle of the two vertices around it).
std::array<double, 2> edge_middle(const Grid& g, const std::vector<double>& ex,
                                  const std::vector<double>& ey, std::size_t base,
                                  std::size_t node_a, std::size_t node_b) {
  auto at = [&](int q) -> std::array<double, 2> {
    if (q == 0) return {g.node_x[node_a], g.node_y[node_a]};
    if (q == g.k + 1) return {g.node_x[node_b], g.node_y[node_b]};
    return {ex[base + q - 1], ey[base + q - 1]};
  };
  if ((g.k + 1) % 2 == 0) return at((g.k + 1) / 2);
  const auto p = at(g.k / 2), q = at(g.k / 2 + 1);
  return {(p[0] + q[0]) / 2, (p[1] + q[1]) / 2};
}

// Where unit u's water crosses into its downstream unit (or, for the outlet, leaves the
// plan through its east edge).
std::array<double, 2> outflow_point(const Grid& g, int u, int to) {
  const int i = u % g.nx, j = u / g.nx;
  if (to < 0 || to == u + 1)  // east
    return edge_middle(g, g.vx, g.vy, g.vbase(i + 1, j), g.node(i + 1, j), g.node(i + 1, j + 1));
  const int row = to > u ? j + 1 : j;  // north or south
  return edge_middle(g, g.hx, g.hy, g.hbase(i, row), g.node(i, row), g.node(i + 1, row));
}

std::array<double, 2> unit_centre(const Grid& g, int u) {
  const int i = u % g.nx, j = u / g.nx;
  std::array<double, 2> c{0, 0};
  for (const auto& [di, dj] : {std::pair{0, 0}, {1, 0}, {1, 1}, {0, 1}}) {
    c[0] += g.node_x[g.node(i + di, j + dj)] / 4;
    c[1] += g.node_y[g.node(i + di, j + dj)] / 4;
  }
  return c;
}

// Typical concentrations (mg/L) of a water of GB 3838-2002 class 1..5 and 6 (劣V), for
// DO, CODMn, COD, BOD5, NH3-N, TP (rivers), TN: inside each class's band, away from its
// limits, so that a mean near them keeps its class.
constexpr const char* kMonitoringParameters[] = {"DO", "CODMn", "COD", "BOD5", "NH3-N", "TP", "TN"};
constexpr double kTypical[7][6] = {
    {8.5, 6.8, 5.5, 4.0, 2.5, 1.2},        // DO (a lower bound: less is worse)
    {1.5, 3.0, 5.0, 8.0, 12.5, 20.0},      // CODMn
    {12.0, 13.0, 17.5, 25.0, 35.0, 55.0},  // COD (classes I and II share 15)
    {2.0, 2.5, 3.5, 5.0, 8.0, 14.0},       // BOD5 (classes I and II share 3)
    {0.10, 0.30, 0.75, 1.25, 1.75, 3.0},   // NH3-N
    {0.015, 0.06, 0.15, 0.25, 0.35, 0.6},  // TP
    {0.15, 0.35, 0.75, 1.25, 1.75, 3.0},   // TN
};
constexpr const char* kClassNames[] = {"I", "II", "III", "IV", "V"};

// Civil date of day `n` counted from 1970-01-01 (H. Hinnant's algorithm).
std::array<int, 3> civil_from_days(std::int64_t n) {
  n += 719468;
  const std::int64_t era = (n >= 0 ? n : n - 146096) / 146097;
  const auto doe = static_cast<unsigned>(n - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  const auto year = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2));
  return {year, static_cast<int>(month), static_cast<int>(day)};
}

}  // namespace

GeneratedPlan generate_plan(const std::string& out_dir, const GeneratorOptions& options) {
  GDALAllRegister();
  const std::uint64_t seed = options.seed;
  const int target_units = std::max(4, options.units);
  const int k = std::max(0, options.vertices_per_edge);
  const int target_towns =
      options.townships > 0 ? options.townships : std::max(4, target_units / 50);
  bool gpkg = true;
  {
    std::string f = options.format;
    std::transform(f.begin(), f.end(), f.begin(), [](unsigned char c) { return std::tolower(c); });
    if (f == "gpkg")
      gpkg = true;
    else if (f == "esri shapefile" || f == "shp" || f == "shapefile")
      gpkg = false;
    else
      throw std::runtime_error("unknown format '" + options.format + "' (GPKG or ESRI Shapefile)");
  }
  fs::create_directories(out_dir);

  // ---- grid
  const int nx = std::max(2, static_cast<int>(std::lround(std::sqrt(target_units * 1.25))));
  const int ny = std::max(2, static_cast<int>(std::lround(target_units / static_cast<double>(nx))));
  // 3 km cells at 100 units, 2 km at 1000, 1 km from 10000 on.
  const double cell =
      1000.0 * std::clamp(3.0 - std::log10(static_cast<double>(target_units) / 100.0), 1.0, 3.0);
  const Grid grid = build_grid(nx, ny, k, cell, seed);
  const double W = nx * cell, H = ny * cell;
  const int n_units = nx * ny;

  // ---- hierarchy: L3 = 3..4 x 3..4 unit blocks, L2 = 2..3 x 2..3 L3 blocks, 2..4 L1
  Rng layout(seed, kStreamPartition);
  const std::vector<int> b3x = partition(nx, 3, 4, layout);
  const std::vector<int> b3y = partition(ny, 3, 4, layout);
  const int n3x = static_cast<int>(b3x.size()) - 1, n3y = static_cast<int>(b3y.size()) - 1;
  const std::vector<int> g2x = group_runs(n3x, layout);
  const std::vector<int> g2y = group_runs(n3y, layout);
  const int n2x = static_cast<int>(g2x.size()) - 1, n2y = static_cast<int>(g2y.size()) - 1;
  int want_l1 = 2 + layout.below(3);
  want_l1 = std::max(1, std::min(want_l1, n2x * n2y / 2));
  int l1x = 1, l1y = 1;
  if (want_l1 >= 4 && n2x >= 2 && n2y >= 2) {
    l1x = 2;
    l1y = 2;
  } else if (want_l1 >= 3 && n2x >= 3) {
    l1x = 3;
  } else if (want_l1 >= 2) {
    if (n2x >= 2)
      l1x = 2;
    else if (n2y >= 2)
      l1y = 2;
  }
  const std::vector<int> g1x = split_even(n2x, l1x);
  const std::vector<int> g1y = split_even(n2y, l1y);
  const int m1x = static_cast<int>(g1x.size()) - 1, m1y = static_cast<int>(g1y.size()) - 1;

  std::vector<Basin> basins;  // L1s, then L2s, then L3s
  std::vector<Basin> l2s, l3s;
  std::vector<int> unit_l3(static_cast<std::size_t>(n_units), -1);
  {
    int l1_no = 0;
    for (int a = 0; a < m1y; ++a) {
      for (int b = 0; b < m1x; ++b) {
        Basin l1;
        l1.level = 1;
        l1.code = fmt::format("B{}", ++l1_no);
        const std::string base = kL1Names[(l1_no - 1) % std::size(kL1Names)];
        l1.name = l1_no <= static_cast<int>(std::size(kL1Names))
                      ? base + "流域"
                      : fmt::format("{}{}流域", base, l1_no);
        l1.i0 = b3x[g2x[g1x[b]]];
        l1.i1 = b3x[g2x[g1x[b + 1]]];
        l1.j0 = b3y[g2y[g1y[a]]];
        l1.j1 = b3y[g2y[g1y[a + 1]]];
        basins.push_back(l1);
        int l2_no = 0;
        for (int c = g1y[a]; c < g1y[a + 1]; ++c) {
          for (int d = g1x[b]; d < g1x[b + 1]; ++d) {
            Basin l2;
            l2.level = 2;
            ++l2_no;
            l2.code = fmt::format("{}_{:02d}", l1.code, l2_no);
            l2.name = fmt::format("{}二级流域{:02d}", base, l2_no);
            l2.parent = l1.code;
            l2.i0 = b3x[g2x[d]];
            l2.i1 = b3x[g2x[d + 1]];
            l2.j0 = b3y[g2y[c]];
            l2.j1 = b3y[g2y[c + 1]];
            l2s.push_back(l2);
            int l3_no = 0;
            for (int e = g2y[c]; e < g2y[c + 1]; ++e) {
              for (int f = g2x[d]; f < g2x[d + 1]; ++f) {
                Basin l3;
                l3.level = 3;
                ++l3_no;
                l3.code = fmt::format("{}_{:02d}", l2.code, l3_no);
                l3.name = fmt::format("{}三级片区{:02d}-{:02d}", base, l2_no, l3_no);
                l3.parent = l2.code;
                l3.i0 = b3x[f];
                l3.i1 = b3x[f + 1];
                l3.j0 = b3y[e];
                l3.j1 = b3y[e + 1];
                for (int j = l3.j0; j < l3.j1; ++j)
                  for (int i = l3.i0; i < l3.i1; ++i)
                    unit_l3[static_cast<std::size_t>(j) * nx + i] = static_cast<int>(l3s.size());
                l3s.push_back(l3);
              }
            }
          }
        }
      }
    }
  }
  const int n_l1 = static_cast<int>(basins.size());
  const int n_l2 = static_cast<int>(l2s.size());
  const int n_l3 = static_cast<int>(l3s.size());
  basins.insert(basins.end(), l2s.begin(), l2s.end());
  basins.insert(basins.end(), l3s.begin(), l3s.end());

  // ---- plan area
  GeosContext ctx;
  std::vector<double> xs, ys;
  block_ring(grid, 0, 0, nx, ny, xs, ys);
  GeomPtr boundary = geos_polygon(ctx, xs, ys);
  const double plan_area = geos_area(ctx, boundary.get());
  std::array<double, 4> extent{
      *std::min_element(xs.begin(), xs.end()), *std::min_element(ys.begin(), ys.end()),
      *std::max_element(xs.begin(), xs.end()), *std::max_element(ys.begin(), ys.end())};
  const std::int64_t boundary_vertices = static_cast<std::int64_t>(xs.size());
  std::unique_ptr<OGRPolygon> boundary_ogr = ogr_polygon(xs, ys);

  // ---- townships: a coarser straight-edged jittered grid, independent of the units
  const int tx = std::max(2, static_cast<int>(std::lround(std::sqrt(target_towns * W / H))));
  const int ty = std::max(2, static_cast<int>(std::lround(target_towns / static_cast<double>(tx))));
  std::vector<Township> towns;
  {
    const double margin = cell;
    const double sx = W / tx, sy = H / ty;
    std::vector<double> tnx(static_cast<std::size_t>(tx + 1) * (ty + 1)), tny(tnx.size());
    for (int b = 0; b <= ty; ++b) {
      for (int a = 0; a <= tx; ++a) {
        Rng rng(seed, kStreamTownNode, static_cast<std::uint64_t>(a),
                static_cast<std::uint64_t>(b));
        double x = a == 0 ? grid.x0 - margin : a == tx ? grid.x0 + W + margin : grid.x0 + a * sx;
        double y = b == 0 ? grid.y0 - margin : b == ty ? grid.y0 + H + margin : grid.y0 + b * sy;
        const double jx = rng.uniform(-kTownJitter, kTownJitter) * sx;
        const double jy = rng.uniform(-kTownJitter, kTownJitter) * sy;
        if (a > 0 && a < tx) x += jx;
        if (b > 0 && b < ty) y += jy;
        tnx[static_cast<std::size_t>(b) * (tx + 1) + a] = x;
        tny[static_cast<std::size_t>(b) * (tx + 1) + a] = y;
      }
    }
    // Serpentine order over columns, so that consecutive townships (one county) are adjacent.
    std::vector<std::pair<int, int>> order;
    for (int a = 0; a < tx; ++a)
      for (int bb = 0; bb < ty; ++bb) order.emplace_back(a, a % 2 == 0 ? bb : ty - 1 - bb);
    PreparedPtr prepared(GEOSPrepare_r(ctx.h, boundary.get()), PreparedDeleter{ctx.h});
    for (const auto& [a, b] : order) {
      Township t;
      t.a = a;
      t.b = b;
      const int corners[5][2] = {{a, b}, {a + 1, b}, {a + 1, b + 1}, {a, b + 1}, {a, b}};
      for (const auto& c : corners) {
        t.qx.push_back(tnx[static_cast<std::size_t>(c[1]) * (tx + 1) + c[0]]);
        t.qy.push_back(tny[static_cast<std::size_t>(c[1]) * (tx + 1) + c[0]]);
      }
      t.minx = *std::min_element(t.qx.begin(), t.qx.end());
      t.maxx = *std::max_element(t.qx.begin(), t.qx.end());
      t.miny = *std::min_element(t.qy.begin(), t.qy.end());
      t.maxy = *std::max_element(t.qy.begin(), t.qy.end());
      GeomPtr quad = geos_polygon(ctx, t.qx, t.qy);
      GeomPtr clipped;
      if (GEOSPreparedContainsProperly_r(ctx.h, prepared.get(), quad.get()) == 1) {
        clipped = std::move(quad);
      } else {
        clipped =
            checked(ctx, GEOSIntersection_r(ctx.h, quad.get(), boundary.get()), "intersection");
        if (GEOSisEmpty_r(ctx.h, clipped.get()) == 1 || geos_area(ctx, clipped.get()) <= 0)
          continue;
      }
      t.vertices = geos_vertices(ctx, clipped.get());
      t.geometry.reset(
          OGRGeometryFactory::forceToMultiPolygon(to_ogr(ctx, clipped.get()).release()));
      towns.push_back(std::move(t));
    }
    const int n_towns = static_cast<int>(towns.size());
    const int n_counties = std::min({n_towns, 6, std::max(3, 2 + n_towns / 50)});
    for (int c = 0; c < n_counties; ++c) {
      const int begin = n_towns * c / n_counties, end = n_towns * (c + 1) / n_counties;
      for (int i = begin; i < end; ++i) {
        towns[i].county = kCounties[c];
        towns[i].code = fmt::format("{}{:03d}000", kCounties[c], i - begin + 1);
        towns[i].name = township_name(i, i - begin + 1);
      }
    }
  }
  const int n_towns = static_cast<int>(towns.size());
  int n_counties = 0;
  for (int i = 0; i < n_towns; ++i)
    if (i == 0 || towns[i].county != towns[i - 1].county) ++n_counties;

  // ---- managing township of each unit: the township holding most of its area. The unit lies
  // in the plan area, so its intersection with a clipped township equals that with the quad.
  std::vector<int> unit_town(static_cast<std::size_t>(n_units), -1);
  parallel_for(n_units, [&](int begin, int end) {
    GeosContext local;
    std::vector<GeomPtr> quads;
    std::vector<PreparedPtr> prepared;
    for (const Township& t : towns) {
      quads.push_back(geos_polygon(local, t.qx, t.qy));
      prepared.emplace_back(GEOSPrepare_r(local.h, quads.back().get()), PreparedDeleter{local.h});
    }
    std::vector<double> ux, uy;
    for (int u = begin; u < end; ++u) {
      const int i = u % nx, j = u / nx;
      block_ring(grid, i, j, i + 1, j + 1, ux, uy);
      const double minx = *std::min_element(ux.begin(), ux.end());
      const double maxx = *std::max_element(ux.begin(), ux.end());
      const double miny = *std::min_element(uy.begin(), uy.end());
      const double maxy = *std::max_element(uy.begin(), uy.end());
      std::vector<int> candidates;
      for (int t = 0; t < n_towns; ++t) {
        const Township& tw = towns[t];
        if (tw.maxx < minx || tw.minx > maxx || tw.maxy < miny || tw.miny > maxy) continue;
        candidates.push_back(t);
      }
      if (candidates.size() == 1) {
        unit_town[u] = candidates[0];
        continue;
      }
      GeomPtr poly = geos_polygon(local, ux, uy);
      double best = -1;
      for (int t : candidates) {
        if (GEOSPreparedContains_r(local.h, prepared[t].get(), poly.get()) == 1) {
          unit_town[u] = t;
          break;
        }
        if (GEOSPreparedIntersects_r(local.h, prepared[t].get(), poly.get()) != 1) continue;
        GeomPtr piece =
            checked(local, GEOSIntersection_r(local.h, quads[t].get(), poly.get()), "intersection");
        const double area = geos_area(local, piece.get());
        if (area > best) {
          best = area;
          unit_town[u] = t;
        }
      }
      if (unit_town[u] < 0) throw std::runtime_error("unit outside every township");
    }
  });

  // ---- injected jurisdiction defects (nothing changes when none is asked for)
  std::vector<std::string> unit_code(static_cast<std::size_t>(n_units));
  const InjectedDefects injected =
      inject_defects(options, seed, tx, ty, cell, grid, towns, unit_town, unit_code);
  const bool any_injected = !injected.exclaves.empty() || !injected.enclaves.empty() ||
                            !injected.wrong_managers.empty() || !injected.unknown_townships.empty();

  // ---- rivers: one main river west -> east, 1..3 tributaries from north/south joining it
  struct River {
    std::string name, cls;
    std::vector<double> x, y;
  };
  std::vector<River> rivers;
  {
    Rng rng(seed, kStreamRiver);
    River main{"汉江", "main", {}, {}};
    const int n = std::clamp(static_cast<int>(W / 150.0), 100, 4000);
    const double p1 = rng.uniform(0, 2 * kPi), p2 = rng.uniform(0, 2 * kPi),
                 p3 = rng.uniform(0, 2 * kPi);
    const double yc = rng.uniform(0.4, 0.5);
    for (int q = 0; q <= n; ++q) {
      const double s = -0.05 + 1.1 * q / n;  // fraction of the width
      main.x.push_back(grid.x0 + s * W);
      main.y.push_back(grid.y0 + H * (yc + 0.08 * std::sin(2 * kPi * 1.5 * s + p1) +
                                      0.04 * std::sin(2 * kPi * 4 * s + p2) +
                                      0.015 * std::sin(2 * kPi * 11 * s + p3)));
    }
    rivers.push_back(main);
    const char* const kTributaries[] = {"竹皮河", "漳河", "天门河"};
    const int n_trib = 1 + rng.below(3);
    for (int r = 0; r < n_trib; ++r) {
      River trib{kTributaries[r], "tributary", {}, {}};
      const double s_join = (r + 1.0) / (n_trib + 1.0) + rng.uniform(-0.05, 0.05);
      const int qj = std::clamp(static_cast<int>(std::lround((s_join + 0.05) / 1.1 * n)), 1, n - 1);
      const double ex = main.x[qj], ey = main.y[qj];
      const double sx = ex + rng.uniform(-0.08, 0.08) * W;
      const double sy = r % 2 == 0 ? grid.y0 + 1.05 * H : grid.y0 - 0.05 * H;
      const int m = std::clamp(static_cast<int>(std::abs(ey - sy) / 150.0), 50, 4000);
      const double amp = rng.uniform(0.015, 0.03) * W, ph = rng.uniform(0, 2 * kPi);
      const double waves = 2 + rng.below(3);
      for (int q = 0; q < m; ++q) {
        const double t = static_cast<double>(q) / m;
        trib.x.push_back(sx + (ex - sx) * t +
                         amp * std::sin(kPi * t) * std::sin(2 * kPi * waves * t + ph));
        trib.y.push_back(sy + (ey - sy) * t);
      }
      trib.x.push_back(ex);  // ends exactly on a vertex of the main river
      trib.y.push_back(ey);
      rivers.push_back(trib);
    }
  }

  // ---- drainage network (with options.network): the units' downstream codes, one stream
  // per unit (from its centre through the middle of the edge its water crosses to the
  // centre of its downstream unit), and monitoring sections at unit outlets on the streams.
  Drainage drainage;
  struct Section {
    int unit = 0;
    double x = 0, y = 0;
    int target = 3, level = 3;  // classes 1..6 (6 = 劣V): the objective and the water's
    std::string kind;
  };
  std::vector<Section> sections;
  std::vector<std::string> unit_codes(static_cast<std::size_t>(n_units));
  for (int u = 0; u < n_units; ++u) unit_codes[u] = fmt::format("U{:06d}", u + 1);
  auto stream_name = [&](int u) { return fmt::format("{}出流", unit_codes[u]); };
  if (options.network) {
    drainage = build_drainage(grid, rivers[0].x, rivers[0].y);
    for (int u = 0; u < n_units; ++u) {
      const int to = drainage.downstream[u];
      const auto c = unit_centre(grid, u);
      const auto e = outflow_point(grid, u, to);
      const auto d = to >= 0 ? unit_centre(grid, to) : std::array<double, 2>{e[0] + cell / 2, e[1]};
      rivers.push_back({stream_name(u), "stream", {c[0], e[0], d[0]}, {c[1], e[1], d[1]}});
    }
    // The outlet's section first (every unit drains through it), then distinct units in
    // a seeded order.
    const int n_sections = std::clamp(options.sections, 1, n_units);
    std::vector<int> order(static_cast<std::size_t>(n_units));
    for (int u = 0; u < n_units; ++u) order[u] = u;
    std::swap(order[0], order[drainage.outlet]);
    Rng rng(seed, kStreamSections);
    for (int s = 1; s < n_sections; ++s) std::swap(order[s], order[s + rng.below(n_units - s)]);
    for (int s = 0; s < n_sections; ++s) {
      Section sec;
      sec.unit = order[s];
      const int to = drainage.downstream[sec.unit];
      const auto c = unit_centre(grid, sec.unit);
      const auto e = outflow_point(grid, sec.unit, to);
      sec.x = c[0] + 0.6 * (e[0] - c[0]);  // on the stream, inside the unit
      sec.y = c[1] + 0.6 * (e[1] - c[1]);
      const int i = sec.unit % nx, j = sec.unit / nx;
      const bool main_stem = j == drainage.main_row[i];
      sec.target = main_stem ? 2 : (s % 7 == 3 ? 4 : 3);
      const double r = rng.uniform();  // 55 % meet the target, 25 % miss by one, 20 % by more
      sec.level = r < 0.55  ? std::max(1, sec.target - rng.below(2))
                  : r < 0.8 ? sec.target + 1
                            : std::min(6, sec.target + 2 + rng.below(2));
      const bool crosses =
          to >= 0 && towns[unit_town[to]].county != towns[unit_town[sec.unit]].county;
      static const char* const kKinds[] = {"省控", "市控", "县控"};
      sec.kind = crosses ? "跨界" : main_stem ? "国控" : kKinds[s % 3];
      sections.push_back(sec);
    }
  }

  // ---- zones: drinking-water buffers along rivers, ecological red lines, a chemical park
  struct Zone {
    std::string code, kind, name;
    std::unique_ptr<OGRGeometry> geometry;
  };
  std::vector<Zone> zones;
  {
    Rng rng(seed, kStreamZone);
    auto buffer_zone = [&](const River& river, double from, double to, double dist,
                           std::string code, std::string name) {
      const std::size_t n = river.x.size();
      const std::size_t a = static_cast<std::size_t>(from * (n - 1));
      const std::size_t b = std::max(a + 2, static_cast<std::size_t>(to * (n - 1)));
      std::vector<double> lx(river.x.begin() + a, river.x.begin() + b);
      std::vector<double> ly(river.y.begin() + a, river.y.begin() + b);
      GeomPtr line = geos_line(ctx, lx, ly);
      GeomPtr buf = checked(ctx, GEOSBuffer_r(ctx.h, line.get(), dist, 8), "buffer");
      zones.push_back({std::move(code), "drinking_water", std::move(name), to_ogr(ctx, buf.get())});
    };
    const double s = rng.uniform(0.3, 0.5);
    buffer_zone(rivers[0], s, s + 0.06, 500.0, "DW01", "汉江荆门段饮用水水源一级保护区");
    buffer_zone(rivers[1], 0.35, 0.45, 300.0, "DW02", rivers[1].name + "饮用水水源保护区");
    const double dim = std::min(W, H);
    const char* const kRedline[] = {"大洪山片", "漳河水库片"};
    for (int z = 0; z < 2; ++z) {
      const double cx = grid.x0 + W * (z == 0 ? rng.uniform(0.2, 0.35) : rng.uniform(0.65, 0.8));
      const double cy = grid.y0 + H * (z == 0 ? rng.uniform(0.65, 0.8) : rng.uniform(0.2, 0.3));
      const double r0 = dim * rng.uniform(0.05, 0.08);
      double ph[3], am[3];
      for (int m = 0; m < 3; ++m) {
        ph[m] = rng.uniform(0, 2 * kPi);
        am[m] = rng.uniform(0.05, 0.12);
      }
      std::vector<double> zx, zy;
      for (int q = 0; q < 96; ++q) {
        const double th = 2 * kPi * q / 96;
        double r = 1;
        for (int m = 0; m < 3; ++m) r += am[m] * std::sin((m + 2) * th + ph[m]);
        zx.push_back(cx + r0 * r * std::cos(th));
        zy.push_back(cy + r0 * r * std::sin(th));
      }
      zx.push_back(zx.front());
      zy.push_back(zy.front());
      zones.push_back({fmt::format("ER{:02d}", z + 1), "eco_redline",
                       fmt::format("生态保护红线{:02d}（{}）", z + 1, kRedline[z]),
                       ogr_polygon(zx, zy)});
    }
    {  // chemical park: a rotated rectangle about 1.5 km from the main river
      const River& main = rivers[0];
      const std::size_t q = static_cast<std::size_t>(rng.uniform(0.55, 0.7) * (main.x.size() - 1));
      const double cx = main.x[q], cy = main.y[q] - 1500.0;
      const double hw = std::min(1200.0, dim * 0.04), hh = std::min(700.0, dim * 0.025);
      const double rot = rng.uniform(-0.4, 0.4), c = std::cos(rot), sn = std::sin(rot);
      const double corners[5][2] = {{-hw, -hh}, {hw, -hh}, {hw, hh}, {-hw, hh}, {-hw, -hh}};
      std::vector<double> zx, zy;
      for (const auto& p : corners) {
        zx.push_back(cx + c * p[0] - sn * p[1]);
        zy.push_back(cy + sn * p[0] + c * p[1]);
      }
      zones.push_back({"CP01", "chemical_park", "荆门化工循环产业园", ogr_polygon(zx, zy)});
    }
  }

  // ---- write the layers
  Output out(out_dir, gpkg);
  std::int64_t unit_vertices = 0, basin_vertices = 0, town_vertices = 0;
  {
    OGRLayer* layer = out.create_layer("boundary", wkbPolygon, {{"NAME", OFTString, 80}});
    out.begin();
    OGRFeature f(layer->GetLayerDefn());
    f.SetField("NAME", "荆门市（合成规划范围）");
    f.SetGeometryDirectly(boundary_ogr.release());
    write_feature(layer, f);
    out.commit();
  }
  {
    OGRLayer* layer = out.create_layer("basins", wkbPolygon,
                                       {{"BSN_CODE", OFTString, 16},
                                        {"BSN_NAME", OFTString, 80},
                                        {"LEVEL", OFTInteger, 4},
                                        {"PARENT", OFTString, 16}});
    const int i_code = 0, i_name = 1, i_level = 2, i_parent = 3;
    out.begin();
    OGRFeature f(layer->GetLayerDefn());
    for (const Basin& b : basins) {
      f.SetField(i_code, b.code.c_str());
      f.SetField(i_name, b.name.c_str());
      f.SetField(i_level, b.level);
      if (b.parent.empty())
        f.SetFieldNull(i_parent);
      else
        f.SetField(i_parent, b.parent.c_str());
      block_ring(grid, b.i0, b.j0, b.i1, b.j1, xs, ys);
      basin_vertices += static_cast<std::int64_t>(xs.size());
      f.SetGeometryDirectly(ogr_polygon(xs, ys).release());
      write_feature(layer, f);
    }
    out.commit();
  }
  {
    std::vector<FieldDef> fields = {{"UNIT_CODE", OFTString, 16},
                                    {"UNIT_NAME", OFTString, 80},
                                    {"L3_CODE", OFTString, 16},
                                    {"TOWN_CODE", OFTString, 16}};
    if (options.network) fields.push_back({"DOWNSTREAM", OFTString, 16});
    OGRLayer* layer = out.create_layer("units", wkbPolygon, fields);
    out.begin();
    OGRFeature f(layer->GetLayerDefn());
    for (int u = 0; u < n_units; ++u) {
      const int i = u % nx, j = u / nx;
      f.SetField(0, unit_codes[u].c_str());
      if (options.network) {
        const int to = drainage.downstream[u];
        f.SetField(4, to < 0 ? "" : unit_codes[to].c_str());
      }
      f.SetField(1, fmt::format("第{}号管控单元", u + 1).c_str());
      f.SetField(2, l3s[unit_l3[u]].code.c_str());
      f.SetField(3, unit_code[u].empty() ? towns[unit_town[u]].code.c_str() : unit_code[u].c_str());
      block_ring(grid, i, j, i + 1, j + 1, xs, ys);
      unit_vertices += static_cast<std::int64_t>(xs.size());
      f.SetGeometryDirectly(ogr_polygon(xs, ys).release());
      write_feature(layer, f);
    }
    out.commit();
  }
  {
    OGRLayer* layer = out.create_layer(
        "townships", gpkg ? wkbMultiPolygon : wkbPolygon,
        {{"TOWN_CODE", OFTString, 16}, {"TOWN_NAME", OFTString, 80}, {"CNTY_CODE", OFTString, 8}});
    out.begin();
    OGRFeature f(layer->GetLayerDefn());
    for (Township& t : towns) {
      f.SetField(0, t.code.c_str());
      f.SetField(1, t.name.c_str());
      f.SetField(2, t.county.c_str());
      town_vertices += t.vertices;
      f.SetGeometryDirectly(t.geometry.release());
      write_feature(layer, f);
    }
    out.commit();
  }
  {
    OGRLayer* layer = out.create_layer("rivers", wkbLineString,
                                       {{"NAME", OFTString, 80}, {"CLASS", OFTString, 16}});
    out.begin();
    OGRFeature f(layer->GetLayerDefn());
    for (const River& r : rivers) {
      f.SetField(0, r.name.c_str());
      f.SetField(1, r.cls.c_str());
      auto line = std::make_unique<OGRLineString>();
      line->setPoints(static_cast<int>(r.x.size()), r.x.data(), r.y.data());
      f.SetGeometryDirectly(line.release());
      write_feature(layer, f);
    }
    out.commit();
  }
  {
    OGRLayer* layer = out.create_layer(
        "zones", wkbPolygon,
        {{"ZONE_CODE", OFTString, 16}, {"KIND", OFTString, 16}, {"NAME", OFTString, 80}});
    out.begin();
    OGRFeature f(layer->GetLayerDefn());
    for (Zone& z : zones) {
      f.SetField(0, z.code.c_str());
      f.SetField(1, z.kind.c_str());
      f.SetField(2, z.name.c_str());
      f.SetGeometryDirectly(z.geometry.release());
      write_feature(layer, f);
    }
    out.commit();
  }
  if (options.network) {
    OGRLayer* layer = out.create_layer("sections", wkbPoint,
                                       {{"SEC_CODE", OFTString, 16},
                                        {"NAME", OFTString, 80},
                                        {"RIVER", OFTString, 40},
                                        {"TARGET", OFTString, 4},
                                        {"KIND", OFTString, 16},
                                        {"UNIT", OFTString, 16}});
    out.begin();
    OGRFeature f(layer->GetLayerDefn());
    for (std::size_t s = 0; s < sections.size(); ++s) {
      const Section& sec = sections[s];
      f.SetField(0, fmt::format("S{:05d}", s + 1).c_str());
      f.SetField(1, fmt::format("{}出口断面", unit_codes[sec.unit]).c_str());
      f.SetField(2, stream_name(sec.unit).c_str());
      f.SetField(3, kClassNames[sec.target - 1]);
      f.SetField(4, sec.kind.c_str());
      f.SetField(5, unit_codes[sec.unit].c_str());
      f.SetGeometryDirectly(new OGRPoint(sec.x, sec.y));
      write_feature(layer, f);
    }
    out.commit();
  }
  // A year (options.monitoring_days) of daily samples per section from 2026-01-01, each
  // parameter near the typical value of the section's class with a seasonal swing and
  // noise.
  std::int64_t monitoring_rows = 0;
  const int monitoring_days = options.network ? std::max(0, options.monitoring_days) : 0;
  const std::string monitoring_path = (fs::path(out_dir) / "monitoring.csv").string();
  if (monitoring_days > 0) {
    std::ofstream file(monitoring_path, std::ios::binary | std::ios::trunc);
    std::string buf = "section,date";
    for (const char* p : kMonitoringParameters) buf += fmt::format(",{} (mg/L)", p);
    buf += '\n';
    constexpr std::int64_t kFirstDay = 20454;  // 2026-01-01
    for (std::size_t s = 0; s < sections.size(); ++s) {
      Rng rng(seed, kStreamMonitoring, s);
      const double phase = rng.uniform(0, 2 * kPi);
      const std::string code = fmt::format("S{:05d}", s + 1);
      for (int day = 0; day < monitoring_days; ++day) {
        const auto ymd = civil_from_days(kFirstDay + day);
        fmt::format_to(std::back_inserter(buf), "{},{:04d}-{:02d}-{:02d}", code, ymd[0], ymd[1],
                       ymd[2]);
        const double season = 0.05 * std::sin(2 * kPi * day / 365.0 + phase);
        for (int p = 0; p < 7; ++p) {
          // Warm months hold less oxygen and more of everything else.
          const double swing = p == 0 ? -season : season;
          const double v =
              kTypical[p][sections[s].level - 1] * (1 + swing + 0.08 * rng.uniform(-1.0, 1.0));
          fmt::format_to(std::back_inserter(buf), ",{:.3f}", v);
        }
        buf += '\n';
        ++monitoring_rows;
      }
      if (buf.size() > (1u << 20)) {
        file << buf;
        buf.clear();
      }
    }
    file << buf;
    if (!file) throw std::runtime_error("cannot write " + monitoring_path);
  }

  const int n_sites = std::max(0, options.sites);
  if (n_sites > 0) {
    static const char* const kIndustries[] = {"C2614", "C2631", "C3011", "A0111", "D4411",
                                              "I6510", "C2511", "C2710", "C3120", "C1511"};
    static const char* const kActions[] = {"new", "expand", "rebuild", "relocate"};
    OGRLayer* layer = out.create_layer("sites", wkbPoint,
                                       {{"id", OFTString, 16},
                                        {"industry", OFTString, 8},
                                        {"action", OFTString, 10},
                                        {"water_m3_d", OFTReal, 0}},
                                       /*spatial_index=*/false);
    const double mx = 0.05 * (extent[2] - extent[0]), my = 0.05 * (extent[3] - extent[1]);
    Rng rng(seed, kStreamSites);
    OGRFeature f(layer->GetLayerDefn());
    out.begin();
    for (int s = 0; s < n_sites; ++s) {
      if (s > 0 && s % 100000 == 0) {
        out.commit();
        out.begin();
      }
      const double x = rng.uniform(extent[0] - mx, extent[2] + mx);
      const double y = rng.uniform(extent[1] - my, extent[3] + my);
      f.SetField(0, fmt::format("S{:07d}", s + 1).c_str());
      f.SetField(1, kIndustries[rng.below(static_cast<int>(std::size(kIndustries)))]);
      f.SetField(2, kActions[rng.below(static_cast<int>(std::size(kActions)))]);
      f.SetField(3, std::round(std::exp(rng.uniform(0.0, 9.0)) * 10.0) / 10.0);
      f.SetGeometryDirectly(new OGRPoint(x, y));
      write_feature(layer, f);
    }
    out.commit();
  }
  out.close();

  // ---- manifest, rules and summary
  GeneratedPlan result;
  result.manifest_path = (fs::path(out_dir) / "plan.yaml").string();
  result.rules_path = (fs::path(out_dir) / "rules.yaml").string();
  {
    std::ofstream file(result.rules_path, std::ios::binary | std::ios::trunc);
    file << kDemoShapedRules;
    if (!file) throw std::runtime_error("cannot write " + result.rules_path);
  }
  result.units = n_units;
  result.l3 = n_l3;
  result.l2 = n_l2;
  result.l1 = n_l1;
  result.townships = static_cast<int>(towns.size());
  result.injected = injected;
  result.sites = n_sites;
  result.plan_area_m2 = plan_area;
  result.vertices = unit_vertices;
  result.counties = n_counties;
  result.rivers = static_cast<int>(rivers.size());
  result.zones = static_cast<int>(zones.size());
  result.nx = nx;
  result.ny = ny;
  result.cell_m = cell;
  result.extent = extent;
  if (options.network) {
    result.outlet_unit = unit_codes[drainage.outlet];
    result.sections = static_cast<int>(sections.size());
    if (monitoring_days > 0) result.monitoring_path = monitoring_path;
    result.monitoring_rows = monitoring_rows;
  }
  if (n_sites > 0) {
    result.sites_source = out.source("sites");
    result.sites_layer = "sites";
  }

  auto entry = [&](const std::string& layer) {
    return gpkg ? fmt::format("source: {}, layer: {}", out.source(layer), layer)
                : fmt::format("source: {}", out.source(layer));
  };
  {
    std::string yaml;
    yaml += fmt::format(
        "# Synthetic plan written by basinkit-generate-plan (seed {}, {} units, {} vertices per "
        "edge).\n",
        seed, n_units, k);
    yaml += fmt::format("name: 荆门市流域综合治理和统筹发展规划（合成数据 seed {}）\n", seed);
    yaml += "crs: EPSG:4547\n";
    yaml += "tolerance_m: 0.5\n";
    yaml += "layers:\n";
    yaml += fmt::format("  boundary:  {{ {} }}\n", entry("boundary"));
    yaml += fmt::format(
        "  basins:    {{ {},\n               fields: {{ code: BSN_CODE, name: BSN_NAME, level: "
        "LEVEL, parent: PARENT }} }}\n",
        entry("basins"));
    yaml += fmt::format(
        "  units:     {{ {},\n               fields: {{ code: UNIT_CODE, name: UNIT_NAME, basin: "
        "L3_CODE, township: TOWN_CODE{} }} }}\n",
        entry("units"), options.network ? ", downstream: DOWNSTREAM" : "");
    yaml += fmt::format(
        "  townships: {{ {},\n               fields: {{ code: TOWN_CODE, name: TOWN_NAME, "
        "county: CNTY_CODE }} }}\n",
        entry("townships"));
    yaml += fmt::format("  rivers:    {{ {}, fields: {{ name: NAME, class: CLASS }} }}\n",
                        entry("rivers"));
    yaml += fmt::format(
        "  zones:     {{ {}, fields: {{ code: ZONE_CODE, kind: KIND, name: NAME }} }}\n",
        entry("zones"));
    if (options.network) {
      yaml += fmt::format(
          "  sections:  {{ {},\n               fields: {{ code: SEC_CODE, name: NAME, river: "
          "RIVER, target: TARGET, kind: KIND, unit: UNIT }} }}\n",
          entry("sections"));
      if (monitoring_days > 0)
        yaml += fmt::format(
            "# monitoring (not a plan layer): monitoring.csv, {} sections x {} days (generated)\n",
            sections.size(), monitoring_days);
    }
    if (n_sites > 0)
      yaml +=
          fmt::format("# sites (not a plan layer): {{ {} }}, {} points\n", entry("sites"), n_sites);
    std::ofstream file(result.manifest_path, std::ios::binary | std::ios::trunc);
    file << yaml;
    if (!file) throw std::runtime_error("cannot write " + result.manifest_path);
  }
  {
    std::string json = "{\n";
    json += "  \"generator\": \"basinkit-generate-plan\",\n";
    json += fmt::format("  \"seed\": {},\n", seed);
    json += fmt::format("  \"format\": \"{}\",\n", gpkg ? "GPKG" : "ESRI Shapefile");
    json += "  \"manifest\": \"plan.yaml\",\n";
    json += "  \"crs\": \"EPSG:4547\",\n";
    json += fmt::format(
        "  \"options\": {{\"units\": {}, \"vertices_per_edge\": {}, "
        "\"townships\": {}, \"sites\": {}}},\n",
        options.units, options.vertices_per_edge, options.townships, options.sites);
    json += fmt::format("  \"grid\": {{\"nx\": {}, \"ny\": {}, \"cell_m\": {}}},\n", nx, ny, cell);
    json += fmt::format(
        "  \"counts\": {{\"units\": {}, \"basins_l1\": {}, \"basins_l2\": {}, \"basins_l3\": "
        "{}, \"townships\": {}, \"counties\": {}, \"rivers\": {}, \"zones\": {}, \"sites\": "
        "{}}},\n",
        n_units, n_l1, n_l2, n_l3, towns.size(), n_counties, rivers.size(), zones.size(), n_sites);
    json += fmt::format("  \"plan_area_m2\": {},\n", plan_area);
    json += fmt::format("  \"extent\": [{}, {}, {}, {}],\n", extent[0], extent[1], extent[2],
                        extent[3]);
    json += fmt::format(
        "  \"vertices\": {{\"units\": {}, \"basins\": {}, \"townships\": {}, \"boundary\": "
        "{}}},\n",
        unit_vertices, basin_vertices, town_vertices, boundary_vertices);
    if (options.network)
      json += fmt::format(
          "  \"network\": {{\"outlet\": \"{}\", \"sections\": {}, \"streams\": {}, "
          "\"monitoring\": \"{}\", \"monitoring_rows\": {}}},\n",
          unit_codes[drainage.outlet], sections.size(), n_units,
          monitoring_days > 0 ? "monitoring.csv" : "", monitoring_rows);
    if (n_sites > 0)
      json +=
          fmt::format("  \"sites\": {{\"source\": \"{}\", \"layer\": \"sites\", \"count\": {}}},\n",
                      json_escape(out.source("sites")), n_sites);
    if (any_injected) {
      auto parts = [&](const std::vector<InjectedPart>& list) {
        std::string out;
        for (std::size_t i = 0; i < list.size(); ++i)
          out += fmt::format(
              "{}{{\"township\": \"{}\", \"host\": \"{}\", \"area_m2\": {}, \"centre\": [{}, {}]}}",
              i ? ", " : "", list[i].township, list[i].host, list[i].area_m2, list[i].centre[0],
              list[i].centre[1]);
        return out;
      };
      std::string managers, unknown;
      for (std::size_t i = 0; i < injected.wrong_managers.size(); ++i)
        managers +=
            fmt::format("{}{{\"unit\": \"{}\", \"township\": \"{}\", \"majority\": \"{}\"}}",
                        i ? ", " : "", injected.wrong_managers[i].unit,
                        injected.wrong_managers[i].township, injected.wrong_managers[i].majority);
      for (std::size_t i = 0; i < injected.unknown_townships.size(); ++i)
        unknown +=
            fmt::format("{}{{\"unit\": \"{}\", \"township\": \"{}\"}}", i ? ", " : "",
                        injected.unknown_townships[i].unit, injected.unknown_townships[i].township);
      json += fmt::format(
          "  \"injected\": {{\"exclaves\": [{}], \"enclaves\": [{}], \"wrong_managers\": [{}], "
          "\"unknown_townships\": [{}]}},\n",
          parts(injected.exclaves), parts(injected.enclaves), managers, unknown);
    }
    json += "  \"counties\": [";
    for (int c = 0, written = 0; c < n_towns; ++c) {
      if (c > 0 && towns[c].county == towns[c - 1].county) continue;
      json += fmt::format("{}\"{}\"", written++ ? ", " : "", towns[c].county);
    }
    json += "]\n}\n";
    const std::string path = (fs::path(out_dir) / "generated.json").string();
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << json;
    if (!file) throw std::runtime_error("cannot write " + path);
  }
  return result;
}

}  // namespace basinkit::bench
