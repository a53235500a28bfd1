#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "nas4ml/core/private_temp_dir.hpp"
#include "nas4ml/core/safe_name.hpp"

using namespace nas4ml;

TEST_CASE("a private temp folder is fresh, mode 0700, unpredictable and removed", "[core][temp][hardening]") {
  std::filesystem::path kept;
  {
    const PrivateTempDir a("nas4ml-test-");
    const PrivateTempDir b("nas4ml-test-");
    CHECK(a.path() != b.path());
    struct stat st {};
    REQUIRE(::stat(a.path().c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);
    std::ofstream(a.path() / "f") << "x";
    kept = a.path();
  }
  CHECK_FALSE(std::filesystem::exists(kept));
}

TEST_CASE("safe names are single path components", "[core][names][hardening]") {
  for (const char* ok : {"xcvu9p", "xc7a35t-1", "part_2.v1"}) CHECK(is_safe_name(ok));
  for (const char* bad : {"", "..", "../x", "a/b", ".x", "a..b", "a b", "a\nb", "-x"}) CHECK_FALSE(is_safe_name(bad));
  CHECK(quoted_for_message("a\nb") == "\"a\\x0ab\"");
}
