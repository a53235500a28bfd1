#include "nas4ml/core/json.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <set>
#include <vector>
#include <sstream>

#include <fmt/format.h>

#include "nas4ml/core/input_file.hpp"

namespace nas4ml {

namespace {

/// A parse callback refusing a key repeated in one object (nlohmann keeps the last silently).
/// Keys seen are kept per open object; the path names where the repeat is.
struct DuplicateKeyCheck {
  struct Level {
    std::set<std::string> keys;
    std::string path;
    bool object;
    std::size_t index = 0;
  };
  std::vector<Level> stack;
  std::string pending_key;  ///< the key whose value comes next
  const std::string* file;

  std::string child_path() const {
    if (stack.empty()) return "$";
    const Level& top = stack.back();
    return top.object ? top.path + "." + pending_key : fmt::format("{}[{}]", top.path, top.index);
  }
  void value_done() {
    if (!stack.empty() && !stack.back().object) ++stack.back().index;
  }
  bool operator()(int, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
      case Json::parse_event_t::array_start:
        stack.push_back({{}, child_path(), event == Json::parse_event_t::object_start});
        break;
      case Json::parse_event_t::key: {
        pending_key = parsed.get<std::string>();
        if (!stack.back().keys.insert(pending_key).second)
          throw ConfigError(*file, stack.back().path, "duplicate key \"" + pending_key + "\"",
                            "each key once per object", "the key twice");
        break;
      }
      case Json::parse_event_t::object_end:
      case Json::parse_event_t::array_end:
        stack.pop_back();
        value_done();
        break;
      case Json::parse_event_t::value: value_done(); break;
    }
    return true;
  }
};

}  // namespace

Json parse_json_text(const std::string& text, const std::string& name) {
  try {
    DuplicateKeyCheck check;
    check.file = &name;
    return Json::parse(text, std::ref(check));
  } catch (const Json::parse_error& e) {
    // Turn the byte offset into a line and column.
    std::size_t line = 1, col = 1;
    const std::size_t end = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
    for (std::size_t i = 0; i < end; ++i) {
      if (text[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    std::string got = text.empty() ? "an empty file" : "a syntax error";
    std::string reason = e.what();
    const auto pos = reason.find("syntax error");
    if (pos != std::string::npos && !text.empty()) got = reason.substr(pos);
    throw ConfigError(name, fmt::format("line {} column {}", line, col), "invalid JSON", "valid JSON", got);
  } catch (const Json::out_of_range& e) {
    // 1e400 and the like: a number no double holds.
    std::string got = e.what();
    const auto pos = got.find("number overflow");
    if (pos != std::string::npos) got = got.substr(pos);
    throw ConfigError(name, "", "number out of range", "a number within +-1.8e308", got);
  } catch (const Json::exception& e) {
    throw ConfigError(name, "", "invalid JSON", "valid JSON", e.what());
  }
}

Json load_json_file(const std::filesystem::path& path) {
  const std::string name = path.string();
  return parse_json_text(read_input_file(path, name, max_json_bytes(), /*data_file=*/false), name);
}

void save_json_file(const std::filesystem::path& path, const Json& value) {
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw ConfigError(path.string(), "", "cannot write file", "a writable path", "open failed");
    out << value.dump(2) << '\n';
    if (!out) throw ConfigError(path.string(), "", "cannot write file", "a writable path", "write failed");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw ConfigError(path.string(), "", "cannot write file", "a writable path", ec.message());
}

std::string describe_json(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case Json::value_t::string: {
      std::string s = v.get<std::string>();
      if (s.size() > 40) s = s.substr(0, 37) + "...";
      return "\"" + s + "\"";
    }
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: return v.dump();
    case Json::value_t::object: return "an object";
    case Json::value_t::array: return fmt::format("an array of {}", v.size());
    default: return "a value";
  }
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::optional<std::string> nearest_word(std::string_view word, const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_d = std::max<std::size_t>(3, word.size() / 2) + 1;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

std::string json_child_path(std::string_view parent, std::string_view key) {
  return std::string(parent) + "." + std::string(key);
}

void JsonView::fail(std::string problem, std::string expected, std::string got) const {
  throw ConfigError(file_, path_, std::move(problem), std::move(expected), std::move(got));
}

const JsonView& JsonView::require_object(std::string_view what) const {
  if (!node_->is_object()) fail("wrong type", std::string(what), describe_json(*node_));
  return *this;
}

const JsonView& JsonView::require_array(std::string_view what) const {
  if (!node_->is_array()) fail("wrong type", std::string(what), describe_json(*node_));
  return *this;
}

void JsonView::check_keys(const std::vector<std::string>& allowed) const {
  require_object();
  for (const auto& [key, value] : node_->items()) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    const auto near = nearest_word(key, allowed);
    std::string expected;
    if (near) {
      expected = "\"" + *near + "\"";
    } else {
      expected = "one of";
      for (std::size_t i = 0; i < allowed.size(); ++i) expected += (i ? ", " : " ") + allowed[i];
    }
    throw ConfigError(file_, json_child_path(path_, key), "unknown key", expected, "\"" + key + "\"");
  }
}

JsonView JsonView::at(std::string_view key) const {
  require_object();
  auto it = node_->find(key);
  if (it == node_->end())
    throw ConfigError(file_, json_child_path(path_, key), "missing required key",
                      "\"" + std::string(key) + "\"", "nothing");
  return JsonView(*it, file_, json_child_path(path_, key));
}

JsonView JsonView::at(std::size_t i) const {
  require_array();
  if (i >= node_->size())
    fail("index out of range", fmt::format("index < {}", node_->size()), std::to_string(i));
  return JsonView((*node_)[i], file_, fmt::format("{}[{}]", path_, i));
}

std::string JsonView::as_string() const {
  if (!node_->is_string()) fail("wrong type", "a string", describe_json(*node_));
  return node_->get<std::string>();
}

std::int64_t JsonView::as_int(std::int64_t lo, std::int64_t hi) const {
  std::int64_t v = 0;
  if (node_->is_number_integer()) {
    if (node_->is_number_unsigned() && node_->get<std::uint64_t>() > static_cast<std::uint64_t>(hi))
      fail("value out of range", fmt::format("an integer in [{}, {}]", lo, hi), describe_json(*node_));
    v = node_->get<std::int64_t>();
  } else if (node_->is_number_float()) {
    const double d = node_->get<double>();
    if (std::floor(d) != d) fail("wrong type", "an integer", describe_json(*node_));
    if (d < static_cast<double>(lo) || d > static_cast<double>(hi))
      fail("value out of range", fmt::format("an integer in [{}, {}]", lo, hi), describe_json(*node_));
    v = static_cast<std::int64_t>(d);
  } else {
    fail("wrong type", "an integer", describe_json(*node_));
  }
  if (v < lo || v > hi) fail("value out of range", fmt::format("an integer in [{}, {}]", lo, hi), describe_json(*node_));
  return v;
}

double JsonView::as_number(double lo, double hi) const {
  if (!node_->is_number()) fail("wrong type", "a number", describe_json(*node_));
  const double v = node_->get<double>();
  if (!(v >= lo && v <= hi)) fail("value out of range", fmt::format("a number in [{}, {}]", lo, hi), describe_json(*node_));
  return v;
}

bool JsonView::as_bool() const {
  if (!node_->is_boolean()) fail("wrong type", "true or false", describe_json(*node_));
  return node_->get<bool>();
}

FixedFormat JsonView::as_fixed_format() const {
  const std::string s = as_string();
  try {
    return parse_fixed_format(s);
  } catch (const std::invalid_argument& e) {
    fail("invalid fixed-point format", "ap_fixed<W,I[,AP_TRN|AP_RND[,AP_WRAP|AP_SAT]]> with 1 <= W <= 62",
         "\"" + s + "\" (" + e.what() + ")");
  }
}

std::string JsonView::get_string(std::string_view key) const { return at(key).as_string(); }
std::string JsonView::get_string(std::string_view key, std::string_view fallback) const {
  return has(key) ? at(key).as_string() : std::string(fallback);
}

std::string JsonView::get_choice(std::string_view key, const std::vector<std::string>& choices) const {
  const JsonView v = at(key);
  const std::string s = v.as_string();
  if (std::find(choices.begin(), choices.end(), s) == choices.end()) {
    std::string expected = "one of";
    for (std::size_t i = 0; i < choices.size(); ++i) expected += (i ? ", " : " ") + choices[i];
    v.fail("invalid choice", expected, "\"" + s + "\"");
  }
  return s;
}
std::string JsonView::get_choice(std::string_view key, const std::vector<std::string>& choices,
                                 std::string_view fallback) const {
  return has(key) ? get_choice(key, choices) : std::string(fallback);
}

std::int64_t JsonView::get_int(std::string_view key, std::int64_t lo, std::int64_t hi) const {
  return at(key).as_int(lo, hi);
}
std::int64_t JsonView::get_int(std::string_view key, std::int64_t lo, std::int64_t hi, std::int64_t fallback) const {
  return has(key) ? at(key).as_int(lo, hi) : fallback;
}
double JsonView::get_number(std::string_view key, double lo, double hi) const { return at(key).as_number(lo, hi); }
double JsonView::get_number(std::string_view key, double lo, double hi, double fallback) const {
  return has(key) ? at(key).as_number(lo, hi) : fallback;
}
bool JsonView::get_bool(std::string_view key) const { return at(key).as_bool(); }
bool JsonView::get_bool(std::string_view key, bool fallback) const { return has(key) ? at(key).as_bool() : fallback; }

}  // namespace nas4ml
