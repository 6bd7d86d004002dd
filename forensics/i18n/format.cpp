#include "forensics/i18n/format.hpp"

#include <cmath>
#include <cstdio>
#include <iterator>

namespace shodo::i18n {
namespace {

// `pattern` with each "{name}" replaced by its value (the catalogue's placeholder syntax).
std::string fill(std::string_view pattern, std::initializer_list<std::pair<std::string_view, std::string_view>> subs) {
  // One pass over the pattern, appending (no in-place replace: simpler, and GCC 12's -Wrestrict
  // misfires on string::replace at -O2).
  std::string out;
  out.reserve(pattern.size() + 32);
  std::size_t i = 0;
  while (i < pattern.size()) {
    bool replaced = false;
    if (pattern[i] == '{') {
      for (const auto& [name, value] : subs) {
        if (pattern.compare(i + 1, name.size(), name) == 0 && i + 1 + name.size() < pattern.size() &&
            pattern[i + 1 + name.size()] == '}') {
          out.append(value);
          i += name.size() + 2;
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out.push_back(pattern[i++]);
  }
  return out;
}

}  // namespace

std::string group_digits(std::uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string format_bytes(std::uint64_t n, Lang lang) {
  static constexpr const char* k_units[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
  if (n < 1024) return fill(tr("format.bytes", lang), {{"n", std::to_string(n)}});
  double v = static_cast<double>(n) / 1024.0;
  std::size_t u = 0;
  // Round first, so 1023.999 KiB is shown as "1.00 MiB", not "1024.00 KiB".
  while (std::round(v * 100.0) / 100.0 >= 1024.0 && u + 1 < std::size(k_units)) {
    v /= 1024.0;
    ++u;
  }
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.2f %s", v, k_units[u]);
  return buf;
}

std::string format_bytes_exact(std::uint64_t n, Lang lang) {
  return fill(tr("format.bytes_exact", lang), {{"n", group_digits(n)}, {"human", format_bytes(n, lang)}});
}

std::string format_eta(double seconds) {
  if (!(seconds >= 0) || !std::isfinite(seconds)) return "—";
  const long long s = std::llround(seconds);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, (s / 60) % 60, s % 60);
  return buf;
}

std::string format_person(std::string_view name, std::initializer_list<std::string_view> details, Lang lang) {
  std::string joined;
  for (const auto d : details) {
    if (d.empty()) continue;
    if (!joined.empty()) joined += tr("format.list_separator", lang);
    joined += d;
  }
  if (joined.empty()) return name.empty() ? std::string("—") : std::string(name);
  if (name.empty()) return joined;
  return fill(tr("format.person", lang), {{"name", name}, {"details", joined}});
}

std::string format_time_quality(std::string_view code, Lang lang) {
  if (code.empty()) return {};
  const std::string key = "time_quality." + std::string(code);
  const std::string label = tr(key, lang);
  return label == key ? std::string(code) : label;
}

}  // namespace shodo::i18n
