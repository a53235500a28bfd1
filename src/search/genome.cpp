#include "nas4ml/search/genome.hpp"

#include <bit>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "nas4ml/core/rng.hpp"

namespace nas4ml::search {

namespace {
void mix(std::uint64_t& h, std::uint64_t value) noexcept {
  std::uint64_t s = h ^ value;
  h = splitmix64(s);
}
}  // namespace

std::uint64_t genome_hash(const Genome& g) noexcept {
  std::uint64_t h = 0x6e617334'6d6c6731ULL;  // "nas4mlg1": bump when the scheme changes
  mix(h, g.choices.size());
  for (std::int32_t c : g.choices) mix(h, static_cast<std::uint64_t>(static_cast<std::int64_t>(c)));
  mix(h, g.reals.size());
  for (double x : g.reals) mix(h, std::bit_cast<std::uint64_t>(x == 0.0 ? 0.0 : x));
  return h;
}

std::string hash_hex(std::uint64_t hash) { return fmt::format("{:016x}", hash); }

std::optional<std::uint64_t> parse_hash_hex(std::string_view text) {
  if (text.empty() || text.size() > 16) return std::nullopt;
  std::uint64_t x = 0;
  for (char c : text) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else return std::nullopt;
    x = (x << 4) | static_cast<std::uint64_t>(d);
  }
  return x;
}

Json to_json(const Genome& g) {
  Json j = Json::object();
  j["choices"] = g.choices;
  j["reals"] = g.reals;
  return j;
}

Genome genome_from_json(const JsonView& view) {
  view.check_keys({"choices", "reals"});
  Genome g;
  if (view.has("choices")) {
    const JsonView c = view.at("choices");
    c.require_array("an array of choice indices");
    for (std::size_t i = 0; i < c.size(); ++i)
      g.choices.push_back(static_cast<std::int32_t>(c.at(i).as_int(0, std::numeric_limits<std::int32_t>::max())));
  }
  if (view.has("reals")) {
    const JsonView r = view.at("reals");
    r.require_array("an array of numbers");
    for (std::size_t i = 0; i < r.size(); ++i)
      g.reals.push_back(r.at(i).as_number(-std::numeric_limits<double>::max(), std::numeric_limits<double>::max()));
  }
  return g;
}

}  // namespace nas4ml::search
