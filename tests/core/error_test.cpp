#include <catch2/catch.hpp>

#include "nas4ml/core/error.hpp"

TEST_CASE("error messages follow file:location: what, expected, got", "[core][error]") {
  const nas4ml::DataError e("magic.csv", "line 12", "non-numeric cell in column 3", "a number", "\"abc\"");
  CHECK(std::string(e.what()) == "magic.csv:line 12: non-numeric cell in column 3, expected a number, got \"abc\"");
  CHECK(e.exit_code() == 2);
  CHECK(e.kind() == nas4ml::ErrorKind::data);
  const nas4ml::ToolError t("", "", "yosys not found on PATH", "yosys installed (scripts/install-deps.sh)");
  CHECK(std::string(t.what()) == "yosys not found on PATH, expected yosys installed (scripts/install-deps.sh)");
  CHECK(nas4ml::InternalError("broken").exit_code() == 3);
}

TEST_CASE("NAS4ML_ASSERT throws an internal error naming the condition", "[core][error]") {
  try {
    NAS4ML_ASSERT(1 + 1 == 3, "arithmetic");
    FAIL("no throw");
  } catch (const nas4ml::InternalError& e) {
    CHECK_THAT(e.what(), Catch::Contains("arithmetic (1 + 1 == 3)"));
  }
}
