// Provenance of a report: version, command line, time, working CRS and every input with
// its SHA-256 (DESIGN.md section 7).

#include <basinkit/report.hpp>
#include <basinkit/version.hpp>

#include <openssl/evp.h>

#include <array>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include "io/connection.hpp"
#include "io/layer_reader.hpp"
#include "report/report_common.hpp"

namespace basinkit {
namespace {

struct DigestDeleter {
  void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};

}  // namespace

namespace report {

std::string now_utc() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::array<char, 32> text{};
  std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text.data();
}

}  // namespace report

std::string sha256_of_file(const std::string& path) {
  if (path.rfind("/vsi", 0) == 0) return "";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return "";
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::unique_ptr<EVP_MD_CTX, DigestDeleter> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) return "";
  std::array<char, 1 << 16> buffer{};
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const std::streamsize got = in.gcount();
    if (got > 0 && EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<size_t>(got)) != 1)
      return "";
  }
  if (in.bad()) return "";
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(ctx.get(), digest.data(), &size) != 1) return "";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0x0f];
  }
  return hex;
}

Provenance plan_provenance(const Plan& plan, const std::string& command_line) {
  Provenance p;
  p.version = BASINKIT_VERSION;
  p.command_line = io::redact_secrets(command_line);  // -o PG:… password=…
  p.created_utc = report::now_utc();
  p.working_crs = plan.working_crs;
  if (!plan.manifest.path.empty()) {
    Provenance::Input manifest;
    manifest.role = "manifest";
    manifest.path = plan.manifest.path;
    manifest.sha256 = sha256_of_file(plan.manifest.path);
    p.inputs.push_back(std::move(manifest));
  }
  // Several layers often share one file (a GeoPackage): hash each file once.
  std::map<std::string, std::string> hashed;
  for (const LayerSource& s : plan.sources) {
    Provenance::Input in;
    in.role = s.key;
    // A database: the connection string without its password, and the table (`layer`);
    // no SHA-256 (a database is no file).
    in.path = io::redact_secrets(s.resolved.empty() ? s.source : s.resolved);
    in.layer = s.layer_name;
    if (!s.sha256.empty()) {
      in.sha256 = s.sha256;
    } else {
      const std::string file = io::main_source_file(s);
      auto it = hashed.find(file);
      in.sha256 = it != hashed.end() ? it->second : (hashed[file] = sha256_of_file(file));
    }
    in.crs = s.source_crs;
    in.transformation = s.transformation;
    p.inputs.push_back(std::move(in));
  }
  return p;
}

}  // namespace basinkit
