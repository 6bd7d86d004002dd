#include "forensics/report/csv_writer.hpp"

namespace shodo::report {

std::string csv_field(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string out;
  out.reserve(field.size() + 2);
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

bool starts_like_formula(std::string_view field) {
  return !field.empty() && std::string_view("=+-@\t\r").find(field.front()) != std::string_view::npos;
}

namespace {
// A formula start, possibly behind quotes: "=x", "'=x", "''=x" … (a text that itself began with
// a quote before a formula character gets one more, so that the reader's rule stays exact).
bool needs_quote(std::string_view field) {
  const auto first = field.find_first_not_of('\'');
  return first != std::string_view::npos && starts_like_formula(field.substr(first));
}
}  // namespace

std::string spreadsheet_safe(std::string_view field) {
  if (!needs_quote(field)) return std::string(field);
  return "'" + std::string(field);
}

std::string spreadsheet_unsafe_restore(std::string_view field) {
  if (field.size() >= 2 && field.front() == '\'' && needs_quote(field.substr(1))) return std::string(field.substr(1));
  return std::string(field);
}

void CsvWriter::add_record(const std::vector<std::string>& fields) {
  if (!m_safe) return append_csv_record(m_bytes, fields);
  std::vector<std::string> safe;
  safe.reserve(fields.size());
  for (const auto& f : fields) safe.push_back(spreadsheet_safe(f));
  append_csv_record(m_bytes, safe);
}

void append_csv_record(std::string& out, const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i != 0) out.push_back(',');
    out += csv_field(fields[i]);
  }
  out += "\r\n";
}

}  // namespace shodo::report
