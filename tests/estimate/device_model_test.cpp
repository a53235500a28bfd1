#include <catch2/catch.hpp>

#include "nas4ml/core/error.hpp"
#include "nas4ml/estimate/device_model.hpp"
#include "support/run_cli.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;
using namespace nas4ml::estimate;

namespace {
const char* valid_device = R"({
  "name": "testpart", "vendor": "xilinx", "family": "Test", "part": "testpart-1", "source": "made up for a test",
  "resources": {"lut": 1000, "ff": 2000, "dsp": 10, "bram18": 4},
  "dsp": {"a_width": 27, "b_width": 18},
  "default_clock_ns": 4.0,
  "calibration": {"rtl": {"lut": {"scale": 0.991}, "ff": {"scale": 0.995, "offset": 3}}}
})";
}  // namespace

TEST_CASE("every device file in estimators/ loads with its data-sheet totals", "[estimate][device]") {
  const auto dir = test::source_path("estimators");
  const auto names = list_devices(dir);
  for (const char* n : {"xcvu9p", "xcvu13p", "xcku115", "xczu9eg"})
    CHECK(std::find(names.begin(), names.end(), n) != names.end());
  for (const auto& n : names) {
    const DeviceModel d = find_device(n, dir);
    CHECK(d.name == n);
    CHECK(d.lut > 0);
    CHECK(d.ff == 2 * d.lut);  // UltraScale(+) CLBs: two flip-flops per LUT
    CHECK(d.dsp > 0);
    CHECK(d.bram18 > 0);
    CHECK(d.dsp_a_width == 27);
    CHECK(d.dsp_b_width == 18);
    CHECK(d.default_clock_ns > 0);
    CHECK(d.calibration_for("rtl").lut.scale == 1.0);  // identity until calibrated
    CHECK(!d.source.empty());
  }
  const DeviceModel vu9p = find_device("xcvu9p", dir);
  CHECK(vu9p.lut == 1182240);
  CHECK(vu9p.dsp == 6840);
  CHECK(vu9p.bram18 == 4320);
}

TEST_CASE("a device file round-trips and its calibration is read", "[estimate][device]") {
  test::TempDir tmp;
  const auto p = tmp.write("testpart.json", valid_device);
  const DeviceModel d = load_device_model(p);
  CHECK(d.default_clock_ns == 4.0);
  CHECK(d.calibration_for("rtl").lut.scale == Approx(0.991));
  CHECK(d.calibration_for("rtl").ff.apply(100) == Approx(102.5));
  CHECK(d.calibration_for("hls").lut.scale == 1.0);
  const auto p2 = tmp.path() / "again.json";
  save_json_file(p2, to_json(d));
  const DeviceModel d2 = load_device_model(p2);
  CHECK(d2.lut == d.lut);
  CHECK(d2.calibration_for("rtl").ff.offset == 3.0);
}

TEST_CASE("missing or malformed device files give one clear error", "[estimate][device][errors]") {
  test::TempDir tmp;
  CHECK_THROWS_WITH(load_device_model(tmp.path() / "nope.json"), Catch::Contains("not found"));
  CHECK_THROWS_AS(load_device_model(tmp.write("bad.json", "{\"name\": ")), ConfigError);
  std::string missing = valid_device;
  missing.replace(missing.find("\"resources\""), std::string("\"resources\"").size(), "\"resourcez\"");
  CHECK_THROWS_WITH(load_device_model(tmp.write("m.json", missing)), Catch::Contains("resource"));
  std::string negative = valid_device;
  negative.replace(negative.find("\"lut\": 1000"), 11, "\"lut\": -5");
  CHECK_THROWS_WITH(load_device_model(tmp.write("n.json", negative)), Catch::Contains("lut"));
  std::string nofield = valid_device;
  nofield.replace(nofield.find("\"default_clock_ns\": 4.0,"), 24, "");
  CHECK_THROWS_WITH(load_device_model(tmp.write("c.json", nofield)), Catch::Contains("default_clock_ns"));
  CHECK_THROWS_WITH(find_device("xcvu9", test::source_path("estimators")), Catch::Contains("xcvu9p"));
  CHECK_THROWS_WITH(find_device("xcvu9p", tmp.path() / "none"), Catch::Contains("not found"));
}

TEST_CASE("device names cannot name a path outside estimators/", "[estimate][device][hardening]") {
  const auto dir = test::source_path("estimators");
  for (const char* bad : {"../../x", "..", "../xilinx/xcvu9p", "/etc/passwd", "xilinx/xcvu9p", "a\nb", "", ".hidden",
                          "x..y"}) {
    INFO("device " << bad);
    CHECK_THROWS_WITH(find_device(bad, dir), Catch::Contains("bad device name"));
  }
  CHECK_NOTHROW(find_device("xcvu9p", dir));
}

TEST_CASE("calibrate --write and estimate refuse a device name with ../", "[estimate][device][hardening]") {
  const auto r = test::run_cli({"calibrate", "--device", "../../x", "--write", test::source_path("README.md")});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("bad device name") != std::string::npos);
}
