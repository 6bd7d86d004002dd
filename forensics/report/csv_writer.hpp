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

// Appends one record (fields joined by ',', then CRLF) to `out`. An empty `fields` appends an
// empty line (a record with one empty field), which RFC 4180 readers accept.
void append_csv_record(std::string& out, const std::vector<std::string>& fields);

// Accumulates records in memory; the exports write the whole file at once through
// write_file_atomic, so a half-written CSV never exists. Not thread-safe.
class CsvWriter {
 public:
  void add_record(const std::vector<std::string>& fields) { append_csv_record(m_bytes, fields); }
  // Raw bytes placed before the first record (e.g. the UTF-8 BOM).
  void add_raw(std::string_view bytes) { m_bytes.append(bytes); }
  const std::string& bytes() const { return m_bytes; }

 private:
  std::string m_bytes;
};

}  // namespace shodo::report
