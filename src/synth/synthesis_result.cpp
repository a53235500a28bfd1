#include "nas4ml/synth/synthesis_result.hpp"

#include <limits>

namespace nas4ml::synth {
namespace {
constexpr std::int64_t kMaxCount = std::numeric_limits<std::int64_t>::max() / 4;
}

ResourceCounts resources_from_cells(const std::map<std::string, std::int64_t>& cells) {
  ResourceCounts r;
  auto count = [&](const char* name) {
    const auto it = cells.find(name);
    return it == cells.end() ? std::int64_t{0} : it->second;
  };
  for (int k = 1; k <= 6; ++k) {
    r.lut_by_size[k - 1] = count(("LUT" + std::to_string(k)).c_str());
    r.lut += r.lut_by_size[k - 1];
  }
  r.ff = count("FDRE") + count("FDSE") + count("FDCE") + count("FDPE");
  r.carry = count("CARRY4") + count("CARRY8");
  r.dsp = count("DSP48E2") + count("DSP48E1");
  r.bram18 = count("RAMB18E2") + 2 * count("RAMB36E2");
  r.srl = count("SRL16E") + count("SRLC32E");
  r.muxf7 = count("MUXF7");
  r.muxf8 = count("MUXF8");
  r.inv = count("INV");
  return r;
}

Json to_json(const SynthesisResult& s) {
  const ResourceCounts& r = s.resources;
  Json lut_sizes = Json::object();
  for (int k = 1; k <= 6; ++k) lut_sizes["LUT" + std::to_string(k)] = r.lut_by_size[k - 1];
  Json cells = Json::object();
  for (const auto& [type, n] : s.cells) cells[type] = n;
  Json j = {
      {"backend", s.backend},
      {"tool_version", s.tool_version},
      {"top", s.top},
      {"family", s.family},
      {"use_dsp", s.use_dsp},
      {"resources",
       {{"lut", r.lut},
        {"lut_by_size", lut_sizes},
        {"ff", r.ff},
        {"carry", r.carry},
        {"dsp", r.dsp},
        {"bram18", r.bram18},
        {"srl", r.srl},
        {"muxf7", r.muxf7},
        {"muxf8", r.muxf8},
        {"inv", r.inv}}},
      {"logic_depth", s.logic_depth},
      {"cells", cells},
      {"key", s.key},
      {"wall_seconds", s.wall_seconds},
      {"peak_rss_bytes", s.peak_rss_bytes},
      {"cache_hit", s.cache_hit},
      {"script", s.script},
  };
  if (!s.estimate.is_null()) j["estimate"] = s.estimate;
  if (!s.timing.is_null()) j["timing"] = s.timing;
  if (!s.package.is_null()) j["package"] = s.package;
  return j;
}

SynthesisResult synthesis_result_from_json(const Json& json, const std::string& file) {
  JsonView v(json, file);
  v.require_object("a synthesis result");
  v.check_keys({"backend", "tool_version", "top", "family", "use_dsp", "resources", "logic_depth", "cells", "key",
                "wall_seconds", "peak_rss_bytes", "cache_hit", "script", "estimate", "timing",
                "package"});
  SynthesisResult s;
  s.backend = v.get_string("backend");
  s.tool_version = v.get_string("tool_version");
  s.top = v.get_string("top");
  s.family = v.get_string("family");
  s.use_dsp = v.get_bool("use_dsp");
  const JsonView res = v.at("resources");
  res.require_object("resource counts");
  res.check_keys({"lut", "lut_by_size", "ff", "carry", "dsp", "bram18", "srl", "muxf7", "muxf8", "inv"});
  ResourceCounts& r = s.resources;
  r.lut = res.get_int("lut", 0, kMaxCount);
  r.ff = res.get_int("ff", 0, kMaxCount);
  r.carry = res.get_int("carry", 0, kMaxCount);
  r.dsp = res.get_int("dsp", 0, kMaxCount);
  r.bram18 = res.get_int("bram18", 0, kMaxCount);
  r.srl = res.get_int("srl", 0, kMaxCount);
  r.muxf7 = res.get_int("muxf7", 0, kMaxCount);
  r.muxf8 = res.get_int("muxf8", 0, kMaxCount);
  r.inv = res.get_int("inv", 0, kMaxCount, 0);
  const JsonView sizes = res.at("lut_by_size");
  sizes.require_object("LUT counts by size");
  sizes.check_keys({"LUT1", "LUT2", "LUT3", "LUT4", "LUT5", "LUT6"});
  std::int64_t lut_sum = 0;
  for (int k = 1; k <= 6; ++k) {
    r.lut_by_size[k - 1] = sizes.get_int("LUT" + std::to_string(k), 0, kMaxCount);
    lut_sum += r.lut_by_size[k - 1];
  }
  if (lut_sum != r.lut && lut_sum != 0)  // vendor reports (csynth.xml) give no per-size counts
    res.at("lut").fail("LUT total disagrees with the per-size counts", "their sum " + std::to_string(lut_sum),
                       std::to_string(r.lut));
  s.logic_depth = static_cast<int>(v.get_int("logic_depth", 0, 1 << 30));
  const JsonView cells = v.at("cells");
  cells.require_object("a cell histogram");
  for (const auto& [type, n] : cells.json().items()) s.cells[type] = cells.get_int(type, 0, kMaxCount);
  s.key = v.get_string("key");
  s.wall_seconds = v.get_number("wall_seconds", 0.0, 1e9);
  s.peak_rss_bytes = static_cast<std::uint64_t>(v.get_int("peak_rss_bytes", 0, kMaxCount));
  s.cache_hit = v.get_bool("cache_hit");
  s.script = v.get_string("script");
  if (v.has("estimate")) {
    v.at("estimate").require_object("an estimate object");
    s.estimate = json.at("estimate");
  }
  if (v.has("timing")) {
    v.at("timing").require_object("a timing object");
    s.timing = json.at("timing");
  }
  if (v.has("package")) {
    v.at("package").require_object("the package's resource counts");
    s.package = json.at("package");
  }
  return s;
}

SynthesisResult load_synthesis_result(const std::filesystem::path& path) {
  return synthesis_result_from_json(load_json_file(path), path.string());
}

}  // namespace nas4ml::synth
