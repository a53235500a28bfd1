#pragma once
/// \file A small template engine for generated code (the HLS project, docs/targets.md): the text
/// of a template file is copied as is except for slots, filled from a JSON context:
///   {{name}}               the value of `name` (a string or a number, written as is)
///   {{#name}} ... {{/name}} the section once per element when `name` is an array (each element
///                          is the context inside), once when it is true, never when false/empty
///   {{^name}} ... {{/name}} the section once when `name` is false, an empty array or absent
/// A name is looked up in the innermost context first, then outwards. The templates are files
/// under templates/ compiled into the binary (embedded_template()), so a generated project never
/// depends on the source tree. A slot without a value is an InternalError naming the template and
/// the slot: the generator and its templates disagree, which is a bug, not a user mistake.
#include <string>
#include <string_view>
#include <vector>

#include "nas4ml/core/json.hpp"

namespace nas4ml::firmware {

/// `text` (the template called `name`, for messages) with every slot filled from `context`.
std::string render_template(std::string_view text, const Json& context, std::string_view name);

/// The text of an embedded template file by its path under templates/, e.g. "hls/defines.h.tpl";
/// InternalError when there is none.
std::string_view embedded_template(std::string_view path);

/// The paths of every embedded template, sorted.
std::vector<std::string> embedded_template_paths();

/// render_template() of embedded_template(path).
std::string render_embedded(std::string_view path, const Json& context);

}  // namespace nas4ml::firmware
