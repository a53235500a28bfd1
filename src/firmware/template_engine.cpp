#include "nas4ml/firmware/template_engine.hpp"

#include <algorithm>
#include <map>

#include "nas4ml/core/error.hpp"

namespace nas4ml::firmware {

// Defined in the build folder's generated/templates.cpp (cmake/embed_templates.cmake).
const std::map<std::string, std::string_view>& embedded_templates();

namespace {

struct Renderer {
  std::string_view name;
  std::vector<const Json*> scopes;  // innermost last

  [[noreturn]] void fail(const std::string& what) const {
    throw InternalError("template " + std::string(name) + ": " + what);
  }

  const Json* lookup(const std::string& key) const {
    for (auto it = scopes.rbegin(); it != scopes.rend(); ++it)
      if ((*it)->is_object() && (*it)->contains(key)) return &(**it)[key];
    return nullptr;
  }

  // Whether the tag at [open, close + 2) stands alone on its line (only blanks around it); then
  // [line_start, line_end) is that line, its newline included, which the output omits.
  static bool standalone(std::string_view text, std::size_t open, std::size_t close, std::size_t& line_start,
                         std::size_t& line_end) {
    std::size_t b = open;
    while (b > 0 && (text[b - 1] == ' ' || text[b - 1] == '\t')) --b;
    if (b > 0 && text[b - 1] != '\n') return false;
    std::size_t e = close + 2;
    while (e < text.size() && (text[e] == ' ' || text[e] == '\t')) ++e;
    if (e < text.size() && text[e] != '\n') return false;
    line_start = b;
    line_end = e < text.size() ? e + 1 : e;
    return true;
  }

  static bool truthy(const Json* v) {
    if (v == nullptr || v->is_null()) return false;
    if (v->is_boolean()) return v->get<bool>();
    if (v->is_array()) return !v->empty();
    return true;
  }

  // The position just after the {{/key}} closing the section whose body starts at `from`.
  std::size_t section_end(std::string_view text, std::size_t from, const std::string& key,
                          std::size_t& body_end) const {
    int depth = 1;
    std::size_t pos = from;
    while (true) {
      const std::size_t open = text.find("{{", pos);
      if (open == std::string_view::npos) fail("section {{#" + key + "}} is not closed");
      const std::size_t close = text.find("}}", open);
      if (close == std::string_view::npos) fail("unterminated slot");
      const std::string_view tag = text.substr(open + 2, close - open - 2);
      if ((tag.starts_with('#') || tag.starts_with('^')) && tag.substr(1) == key) ++depth;
      if (tag.starts_with('/') && tag.substr(1) == key && --depth == 0) {
        std::size_t line_start = 0, line_end = 0;
        if (standalone(text, open, close, line_start, line_end)) {
          body_end = line_start;
          return line_end;
        }
        body_end = open;
        return close + 2;
      }
      pos = close + 2;
    }
  }

  void value(std::string& out, const std::string& key) const {
    const Json* v = lookup(key);
    if (v == nullptr) fail("no value for slot {{" + key + "}}");
    if (v->is_string()) out += v->get<std::string>();
    else if (v->is_number() || v->is_boolean()) out += v->dump();
    else fail("slot {{" + key + "}} is not a string or number");
  }

  void render(std::string_view text, std::string& out) {
    std::size_t pos = 0;
    while (pos < text.size()) {
      const std::size_t open = text.find("{{", pos);
      if (open == std::string_view::npos) break;
      out.append(text.substr(pos, open - pos));
      const std::size_t close = text.find("}}", open);
      if (close == std::string_view::npos) fail("unterminated slot");
      const std::string_view tag = text.substr(open + 2, close - open - 2);
      pos = close + 2;
      if (tag.starts_with('/')) fail("unexpected {{" + std::string(tag) + "}}");
      if (!tag.starts_with('#') && !tag.starts_with('^')) {
        value(out, std::string(tag));
        continue;
      }
      const std::string key(tag.substr(1));
      std::size_t line_start = 0, line_end = 0;
      if (standalone(text, open, close, line_start, line_end)) {
        out.resize(out.size() - (open - line_start));
        pos = line_end;
      }
      std::size_t body_end = 0;
      const std::size_t after = section_end(text, pos, key, body_end);
      const std::string_view body = text.substr(pos, body_end - pos);
      const Json* v = lookup(key);
      if (tag.starts_with('^')) {
        if (!truthy(v)) render(body, out);
      } else if (v != nullptr && v->is_array()) {
        for (const auto& element : *v) {
          scopes.push_back(&element);
          render(body, out);
          scopes.pop_back();
        }
      } else if (truthy(v)) {
        render(body, out);
      }
      pos = after;
    }
    out.append(text.substr(std::min(pos, text.size())));
  }
};

}  // namespace

std::string render_template(std::string_view text, const Json& context, std::string_view name) {
  Renderer r{name, {&context}};
  std::string out;
  out.reserve(text.size() * 2);
  r.render(text, out);
  return out;
}

std::string_view embedded_template(std::string_view path) {
  const auto& all = embedded_templates();
  const auto it = all.find(std::string(path));
  if (it == all.end()) throw InternalError("no embedded template " + std::string(path));
  return it->second;
}

std::vector<std::string> embedded_template_paths() {
  std::vector<std::string> out;
  for (const auto& [path, text] : embedded_templates()) out.push_back(path);
  return out;
}

std::string render_embedded(std::string_view path, const Json& context) {
  return render_template(embedded_template(path), context, path);
}

}  // namespace nas4ml::firmware
