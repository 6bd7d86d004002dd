// RFC 4180 CSV records (REQUIREMENTS §3.5.2/§3.5.3): fields separated by ',', records ended by
// CRLF, a field quoted when it holds ',', '"', CR or LF, quotes inside doubled. Line breaks inside
// a field are kept byte for byte inside the quotes (Excel shows them as in-cell line breaks).
// Field bytes are otherwise copied unchanged: encoding is the caller's business.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace shodo::report {

// The field as it must appear in a record: unchanged, or quoted with inner quotes doubled.
std::string csv_field(std::string_view field);

// CSV injection (OWASP "CSV Injection"): a cell that begins with '=', '+', '-', '@', TAB or CR is
// taken by Excel and LibreOffice as a formula. The safe form puts a single quote in front, which
// the spreadsheet shows as text; so does a cell that is quotes followed by one of those
// characters ("'=x" → "''=x"), so that reading back is exact: a cell that begins with a quote,
// then quotes and one of those characters, loses its first quote (spreadsheet_unsafe_restore).
// Every other cell is unchanged.
bool starts_like_formula(std::string_view field);
std::string spreadsheet_safe(std::string_view field);
std::string spreadsheet_unsafe_restore(std::string_view field);

// Appends one record (fields joined by ',', then CRLF) to `out`. An empty `fields` appends an
// empty line (a record with one empty field), which RFC 4180 readers accept.
void append_csv_record(std::string& out, const std::vector<std::string>& fields);

// Accumulates records in memory; the exports write the whole file at once through
// write_file_atomic, so a half-written CSV never exists. Not thread-safe.
class CsvWriter {
 public:
  // `neutralise_formulas`: every field goes through spreadsheet_safe (files meant for Excel).
  explicit CsvWriter(bool neutralise_formulas = false) : m_safe(neutralise_formulas) {}
  void add_record(const std::vector<std::string>& fields);
  // Raw bytes placed before the first record (e.g. the UTF-8 BOM).
  void add_raw(std::string_view bytes) { m_bytes.append(bytes); }
  const std::string& bytes() const { return m_bytes; }

 private:
  std::string m_bytes;
  bool m_safe;
};

}  // namespace shodo::report
