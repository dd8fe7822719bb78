// A whole section assessment in one call (what `basinkit assess` and bk_assess do): the
// request's config and period first, then the network, the monitoring rows, the period
// (given or the latest month), the assessment and its provenance.
#include <basinkit/assessment.hpp>
#include <basinkit/network.hpp>

#include <utility>

namespace basinkit {

/// Everything an Assessment owns, built in one go in member order; on the heap and never
/// moved, so `report`'s pointers into it stay valid.
struct Assessment::Parts {
  Parts(const Plan& plan, PreparedAssessment prepared, const std::string& command_line)
      : config(std::move(prepared.config)),
        network(build_network(plan)),
        data(read_monitoring(prepared.monitoring, config, section_codes(network))),
        result(assess(plan, network, data, prepared.period ? *prepared.period : latest_month(data),
                      config)) {
    report.result = &result;
    report.plan = &plan;
    report.data = &data;
    report.provenance = assessment_provenance(plan, data, config, command_line);
  }
  Parts(const Parts&) = delete;
  Parts& operator=(const Parts&) = delete;

  AssessmentConfig config;
  DrainageNetwork network;
  MonitoringData data;
  AssessmentResult result;
  AssessmentReport report;
};

PreparedAssessment::PreparedAssessment(std::string monitoring_path, AssessmentConfig read_config,
                                       std::optional<Period> parsed_period)
    : monitoring(std::move(monitoring_path)),
      config(std::move(read_config)),
      period(std::move(parsed_period)) {}

PreparedAssessment prepare_assessment(const AssessmentRequest& request) {
  AssessmentConfig config =
      request.config.empty() ? default_assessment_config() : read_assessment_config(request.config);
  std::optional<Period> period;
  if (!request.period.empty()) period = parse_period(request.period);
  return PreparedAssessment(request.monitoring, std::move(config), std::move(period));
}

Assessment::Assessment(std::unique_ptr<const Parts> parts) : parts_(std::move(parts)) {}
Assessment::~Assessment() = default;
Assessment::Assessment(Assessment&&) noexcept = default;
Assessment& Assessment::operator=(Assessment&&) noexcept = default;

const AssessmentConfig& Assessment::config() const { return parts_->config; }
const DrainageNetwork& Assessment::network() const { return parts_->network; }
const MonitoringData& Assessment::data() const { return parts_->data; }
const AssessmentResult& Assessment::result() const { return parts_->result; }
const AssessmentReport& Assessment::report() const { return parts_->report; }

Assessment run_assessment(const Plan& plan, PreparedAssessment prepared,
                          const std::string& command_line) {
  return Assessment(
      std::make_unique<const Assessment::Parts>(plan, std::move(prepared), command_line));
}

Assessment run_assessment(const Plan& plan, const AssessmentRequest& request,
                          const std::string& command_line) {
  return run_assessment(plan, prepare_assessment(request), command_line);
}

}  // namespace basinkit
