#pragma once
/// \file Reading JSON files a person wrote (experiments, model specs, search spaces, dataset
/// specs) with errors that name the file and the JSON path: `$.search.population`.
///
/// JsonView wraps a node with its file and path; its getters throw ConfigError saying what was
/// expected and what was found, and check_keys() rejects unknown keys naming the nearest valid one.
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "nas4ml/core/error.hpp"
#include "nas4ml/core/fixed_point.hpp"

namespace nas4ml {

using Json = nlohmann::json;

/// Reads and parses a JSON file. A missing file or a syntax error is a ConfigError naming the
/// file and the line and column.
Json load_json_file(const std::filesystem::path& path);

/// Parses JSON text read from `name`: a syntax error (with line and column), a duplicate key in
/// one object (nlohmann would keep the last silently) or a number beyond a double (1e400) is a
/// ConfigError naming `name`.
Json parse_json_text(const std::string& text, const std::string& name);

/// Writes `value` pretty-printed (2 spaces) to `path` atomically (write to a temporary, rename).
void save_json_file(const std::filesystem::path& path, const Json& value);

/// Short description of a JSON value for messages: `"abc"`, `12`, `an object`, `an array of 3`.
std::string describe_json(const Json& value);

/// Levenshtein edit distance between two strings.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` by edit distance, if one is close enough to be a likely typo.
std::optional<std::string> nearest_word(std::string_view word, const std::vector<std::string>& candidates);

/// A node of a parsed JSON document together with where it came from.
class JsonView {
 public:
  JsonView(const Json& node, std::string file, std::string path = "$")
      : node_(&node), file_(std::move(file)), path_(std::move(path)) {}

  const Json& json() const noexcept { return *node_; }
  const std::string& file() const noexcept { return file_; }
  const std::string& path() const noexcept { return path_; }

  bool is_object() const noexcept { return node_->is_object(); }
  bool has(std::string_view key) const { return node_->is_object() && node_->contains(key); }

  /// Throws unless the node is an object; `what` names it in the message ("an experiment").
  const JsonView& require_object(std::string_view what = "an object") const;
  /// Throws unless the node is an array.
  const JsonView& require_array(std::string_view what = "an array") const;
  /// Rejects keys not in `allowed`, naming the nearest allowed key.
  void check_keys(const std::vector<std::string>& allowed) const;
  /// The member `key`; throws if missing.
  JsonView at(std::string_view key) const;
  /// Array element `i`.
  JsonView at(std::size_t i) const;
  std::size_t size() const noexcept { return node_->size(); }

  std::string get_string(std::string_view key) const;
  std::string get_string(std::string_view key, std::string_view fallback) const;
  /// A string that must be one of `choices`.
  std::string get_choice(std::string_view key, const std::vector<std::string>& choices) const;
  std::string get_choice(std::string_view key, const std::vector<std::string>& choices,
                         std::string_view fallback) const;
  std::int64_t get_int(std::string_view key, std::int64_t lo, std::int64_t hi) const;
  std::int64_t get_int(std::string_view key, std::int64_t lo, std::int64_t hi, std::int64_t fallback) const;
  double get_number(std::string_view key, double lo, double hi) const;
  double get_number(std::string_view key, double lo, double hi, double fallback) const;
  bool get_bool(std::string_view key) const;
  bool get_bool(std::string_view key, bool fallback) const;

  /// This node as a value (for array elements and free-standing nodes).
  std::string as_string() const;
  std::int64_t as_int(std::int64_t lo, std::int64_t hi) const;
  double as_number(double lo, double hi) const;
  bool as_bool() const;
  /// This node as an HLS fixed-point format string, e.g. "ap_fixed<8,3>".
  FixedFormat as_fixed_format() const;

  /// Throws a ConfigError located at this node.
  [[noreturn]] void fail(std::string problem, std::string expected = {}, std::string got = {}) const;

 private:
  const Json* node_;
  std::string file_, path_;
};

/// The JSON path of `key` under `parent`: `$.a` + `b` -> `$.a.b`.
std::string json_child_path(std::string_view parent, std::string_view key);

}  // namespace nas4ml
