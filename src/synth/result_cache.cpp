#include "nas4ml/synth/result_cache.hpp"

#include <openssl/evp.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <memory>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"

namespace nas4ml::synth {
namespace fs = std::filesystem;

std::string sha256_hex(std::string_view bytes) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest.data(), &length) != 1)
    throw InternalError("OpenSSL SHA-256 failed");
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

std::string synthesis_key(std::string_view verilog, std::string_view tool_version, std::string_view script) {
  std::string message;
  for (std::string_view part : {verilog, tool_version, script}) {
    message += std::to_string(part.size());
    message += ':';
    message += part;
  }
  return sha256_hex(message);
}

std::optional<SynthesisResult> ResultCache::find(const std::string& key) const {
  const fs::path file = dir_ / key / "result.json";
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::nullopt;
  SynthesisResult r;
  try {
    r = load_synthesis_result(file);
  } catch (const Error& e) {
    throw ToolError(file.string(), {}, std::string("corrupt synthesis cache entry (delete it to re-run): ") + e.what());
  }
  if (r.key != key)
    throw ToolError(file.string(), "$.key", "synthesis cache entry filed under the wrong key (delete it to re-run)",
                    key, r.key);
  r.cache_hit = true;
  return r;
}

void ResultCache::store(const SynthesisResult& result, const fs::path& log_file) const {
  NAS4ML_ASSERT(!result.key.empty(), "a cached synthesis result needs its key");
  static std::atomic<unsigned> counter{0};
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw ToolError(dir_.string(), {}, "cannot create the synthesis cache folder: " + ec.message());
  const fs::path final_dir = dir_ / result.key;
  if (fs::exists(final_dir / "result.json", ec)) return;  // an identical run already stored it
  const fs::path tmp = dir_ / fmt::format(".tmp-{}-{}-{}", result.key.substr(0, 16), ::getpid(), counter++);
  fs::create_directories(tmp, ec);
  if (ec) throw ToolError(tmp.string(), {}, "cannot create a synthesis cache entry: " + ec.message());
  SynthesisResult stored = result;
  stored.cache_hit = false;
  save_json_file(tmp / "result.json", to_json(stored));
  if (!log_file.empty() && fs::exists(log_file, ec)) fs::copy_file(log_file, tmp / "yosys.log", ec);
  fs::rename(tmp, final_dir, ec);
  if (ec) {  // another process stored the same key first: keep theirs
    fs::remove_all(tmp, ec);
  }
}

}  // namespace nas4ml::synth
