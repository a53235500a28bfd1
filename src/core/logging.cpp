#include "nas4ml/core/logging.hpp"

#include <chrono>
#include <fstream>
#include <memory>
#include <mutex>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "nas4ml/core/error.hpp"

namespace nas4ml {
namespace {

/// Writes each record as {"time": ..., "level": ..., "msg": ...} on its own line.
class JsonLinesSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit JsonLinesSink(const std::string& path) : out_(path, std::ios::app) {
    if (!out_) throw ConfigError(path, "", "cannot open log file", "a writable path", "open failed");
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const auto t = std::chrono::duration_cast<std::chrono::microseconds>(msg.time.time_since_epoch());
    nlohmann::json j;
    j["time_us"] = t.count();
    j["level"] = std::string(spdlog::level::to_string_view(msg.level).data(),
                             spdlog::level::to_string_view(msg.level).size());
    j["msg"] = std::string(msg.payload.data(), msg.payload.size());
    out_ << j.dump() << '\n';
  }
  void flush_() override { out_.flush(); }

 private:
  std::ofstream out_;
};

}  // namespace

void setup_logging(const LogOptions& options) {
  const auto level = spdlog::level::from_str(options.level);
  if (level == spdlog::level::off && options.level != "off")
    throw ConfigError("", "--log-level", "unknown log level", "trace, debug, info, warn, error or off",
                      "\"" + options.level + "\"");
  auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  console->set_pattern("%^%l%$: %v");
  console->set_level(options.quiet ? std::max(level, spdlog::level::warn) : level);
  std::vector<spdlog::sink_ptr> sinks{console};
  if (!options.json_file.empty()) {
    auto json = std::make_shared<JsonLinesSink>(options.json_file);
    json->set_level(level);
    sinks.push_back(json);
  }
  auto logger = std::make_shared<spdlog::logger>("nas4ml", sinks.begin(), sinks.end());
  logger->set_level(level);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

}  // namespace nas4ml
