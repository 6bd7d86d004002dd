#include "forensics/chronology/verify.hpp"

#include <cstdio>
#include <functional>

#include "forensics/chronology/line_scanner.hpp"
#include "forensics/core/atomic_file.hpp"
#include "forensics/integrity/digest.hpp"
#include "forensics/integrity/kit_key.hpp"

namespace shodo::chronology {

std::string_view to_string(Damage d) {
  switch (d) {
    case Damage::bad_json: return "bad_json";
    case Damage::changed: return "changed";
    case Damage::chain_broken: return "chain_broken";
    case Damage::missing: return "missing";
    case Damage::reordered: return "reordered";
    case Damage::duplicated: return "duplicated";
    case Damage::foreign: return "foreign";
    case Damage::bad_signature: return "bad_signature";
    case Damage::truncated_tail: return "truncated_tail";
    case Damage::head_mismatch: return "head_mismatch";
  }
  return "unknown";
}

std::string checkpoint_message(const std::string& incident_id, const std::string& device_id, std::int64_t seq,
                               const std::string& hash) {
  return "shodo-checkpoint|" + incident_id + "|" + device_id + "|" + std::to_string(seq) + "|" + hash;
}

namespace {

bool only_padding(std::string_view s) {
  for (char c : s)
    if (c != '\0' && c != '\n' && c != ' ') return false;
  return true;
}

const Member* find_member(const std::vector<Member>& ms, std::string_view key) {
  for (const auto& m : ms)
    if (m.key == key) return &m;
  return nullptr;
}

// True when a key appears twice. The verifier reads the first "entry_hash", JSON parsers (and so
// the app) keep the last: a line with a repeated key would show other values than those verified.
// Lines are written with sorted keys, so the usual check is one pass.
bool has_duplicate_key(const std::vector<Member>& ms) {
  bool sorted = true;
  for (std::size_t i = 1; i < ms.size() && sorted; ++i) sorted = ms[i - 1].key < ms[i].key;
  if (sorted) return false;
  for (std::size_t i = 0; i < ms.size(); ++i)
    for (std::size_t k = i + 1; k < ms.size(); ++k)
      if (ms[i].key == ms[k].key) return true;
  return false;
}

// Reads the seq and entry_hash of a line, or nothing (failure analysis only).
bool peek(std::string_view line, long long& seq, std::string& hash) {
  std::vector<Member> ms;
  if (!scan_object(line, ms)) return false;
  const Member* s = find_member(ms, "seq");
  const Member* h = find_member(ms, "entry_hash");
  return s && h && parse_int(s->value, seq) && decode_string(h->value, hash);
}

// Calls f(line, lineno) for every '\n'-terminated line of `data` (failure analysis only).
void for_each_line(std::string_view data, const std::function<bool(std::string_view, std::int64_t)>& f) {
  std::size_t pos = 0;
  std::int64_t n = 0;
  while (pos < data.size()) {
    const std::size_t nl = data.find('\n', pos);
    const std::size_t end = nl == std::string_view::npos ? data.size() : nl;
    if (!f(data.substr(pos, end - pos), ++n)) return;
    pos = end + 1;
  }
}

// Without a full parse (streaming mode, a million entries): checks that every field this
// version defines has the right JSON type and, for enumerations, a known value, so that a
// hash-valid line the app could not load is not reported as intact. Returns the bad field or null.
const char* shape_problem(const std::vector<Member>& ms) {
  enum class T { str, integer, boolean, object, array, str_or_null };
  static const std::pair<const char*, T> k_types[] = {
      {"format", T::str}, {"v", T::integer}, {"entry_id", T::str}, {"seq", T::integer},
      {"incident_id", T::str}, {"device_id", T::str}, {"boot_id", T::str}, {"recorded_sys_utc", T::str},
      {"recorded_mono_ns", T::integer}, {"recorded_ref_time", T::str_or_null}, {"recorded_ref_utc", T::str},
      {"time_quality", T::str}, {"clock_offset_ns", T::integer}, {"clock_uncertainty_ns", T::integer},
      {"author", T::object}, {"training", T::boolean}, {"entry_type", T::str}, {"system_event", T::str},
      {"event_time", T::object}, {"from", T::str}, {"to", T::array}, {"category", T::str}, {"content", T::str},
      {"action", T::str}, {"assignee", T::str}, {"status", T::str}, {"priority", T::str}, {"channel", T::str},
      {"refs", T::array}, {"attachments", T::array}, {"source", T::object}, {"witness", T::str},
      {"target_entry_id", T::str}, {"reason", T::str}, {"time_check", T::object}, {"checkpoint", T::object},
      {"prev_hash", T::str}, {"entry_hash", T::str}};
  static const char* k_required[] = {"format", "v", "entry_id", "seq", "incident_id", "device_id", "boot_id",
                                     "recorded_sys_utc", "recorded_mono_ns", "time_quality", "clock_offset_ns",
                                     "clock_uncertainty_ns", "author", "training", "entry_type", "from", "to",
                                     "category", "content", "source", "prev_hash", "entry_hash"};
  for (const char* r : k_required)
    if (!find_member(ms, r)) return r;
  for (const auto& m : ms) {
    for (const auto& [key, type] : k_types) {
      if (m.key != key) continue;
      const char c = m.value.empty() ? '\0' : m.value.front();
      bool ok = false;
      switch (type) {
        case T::str: ok = c == '"'; break;
        case T::str_or_null: ok = c == '"' || m.value == "null"; break;
        case T::integer: ok = c == '-' || (c >= '0' && c <= '9'); break;
        case T::boolean: ok = m.value == "true" || m.value == "false"; break;
        case T::object: ok = c == '{'; break;
        case T::array: ok = c == '['; break;
      }
      if (!ok) return key;
    }
  }
  std::string v;
  long long n = 0;
  if (!decode_string(find_member(ms, "format")->value, v) || v != k_entry_format) return "format";
  if (!parse_int(find_member(ms, "v")->value, n) || n != k_entry_version) return "v";
  if (!decode_string(find_member(ms, "category")->value, v) || !category_from(v)) return "category";
  if (!decode_string(find_member(ms, "entry_type")->value, v) || !entry_type_from(v)) return "entry_type";
  if (!decode_string(find_member(ms, "time_quality")->value, v) || !time_quality_from(v)) return "time_quality";
  if (const Member* st = find_member(ms, "status"); st && (!decode_string(st->value, v) || !status_from(v)))
    return "status";
  return nullptr;
}

class Verifier {
 public:
  Verifier(const VerifyOptions& opt, VerifyReport& rep, std::function<std::string()> whole)
      : m_opt(opt), m_rep(rep), m_whole(std::move(whole)), m_incident(opt.incident_id), m_device(opt.device_id),
        m_key(opt.pinned_public_key) {}

  // One line of the file (without '\n'). `complete` = it ended with '\n'; `end` = file offset after it.
  // Returns false once a problem is found.
  bool line(std::string_view text, std::uint64_t end, bool complete) {
    ++m_lineno;
    const std::string at_ja = std::to_string(m_lineno) + " 行目";
    const std::string at_en = "line " + std::to_string(m_lineno);
    if (!complete || text.find('\0') != std::string_view::npos) {
      if (!complete || rest_is_padding(end)) {
        m_rep.torn_tail = true;
        return fail(Damage::truncated_tail, 0, at_ja + ": 最後の記録が途中で切れています（書き込み中の中断）。改ざんではありません",
                    at_en + ": the last record is incomplete (interrupted write), not tampering");
      }
    }
    if (text.empty() && rest_is_padding(end)) {
      // Blank lines after the last entry are left-overs of an interrupted write too: reporting
      // them as a torn tail lets open() move them aside instead of appending after them.
      m_rep.torn_tail = true;
      return fail(Damage::truncated_tail, 0, at_ja + ": 最後の記録の後に空行があります（書き込み中の中断）。改ざんではありません",
                  at_en + ": blank lines after the last record (interrupted write), not tampering");
    }
    if (!scan_object(text, m_members))
      return fail(Damage::bad_json, 0, at_ja + ": JSON として読めません（破損または改ざん）",
                  at_en + ": not valid JSON (damaged or altered)");
    if (has_duplicate_key(m_members))
      return fail(Damage::bad_json, 0, at_ja + ": 同じ項目が 2 回あります（破損または改ざん）",
                  at_en + ": a field appears twice (damaged or altered)");
    long long seq = 0;
    std::string hash, prev, incident, device, type;
    const Member* hm = find_member(m_members, "entry_hash");
    const Member* sm = find_member(m_members, "seq");
    const Member* pm = find_member(m_members, "prev_hash");
    const Member* im = find_member(m_members, "incident_id");
    const Member* dm = find_member(m_members, "device_id");
    const Member* tm = find_member(m_members, "entry_type");
    if (!hm || !sm || !pm || !im || !dm || !tm || !parse_int(sm->value, seq) || !decode_string(hm->value, hash) ||
        !decode_string(pm->value, prev) || !decode_string(im->value, incident) || !decode_string(dm->value, device) ||
        !decode_string(tm->value, type))
      return fail(Damage::bad_json, 0, at_ja + ": 記録に必要な項目がありません（破損または改ざん）",
                  at_en + ": required fields are missing (damaged or altered)");
    const std::string seqs = " (No. " + std::to_string(seq) + ")";
    // The hash covers the stored bytes minus the entry_hash member (FORMATS.md §chronology).
    {
      const std::size_t idx = static_cast<std::size_t>(hm - m_members.data());
      std::size_t cut_a = 0, cut_b = 0;
      if (idx > 0) {
        cut_a = m_members[idx - 1].end;
        cut_b = hm->end;
      } else {
        cut_a = hm->begin;
        cut_b = idx + 1 < m_members.size() ? m_members[idx + 1].begin : hm->end;
      }
      Sha256 h;
      h.update(prev);
      h.update(text.substr(0, cut_a));
      h.update(text.substr(cut_b));
      if (h.finish_hex() != hash)
        return fail(Damage::changed, seq, at_ja + seqs + ": 内容が記録後に変更されています（ハッシュ不一致）",
                    at_en + seqs + ": the entry was changed after it was recorded (hash mismatch)");
    }
    if (m_incident.empty()) m_incident = incident;
    if (m_device.empty()) m_device = device;
    if (incident != m_incident || device != m_device)
      return fail(Damage::foreign, seq, at_ja + seqs + ": 別のインシデントまたは別のキットの記録が混入しています",
                  at_en + seqs + ": an entry of another incident or kit is mixed in");
    if (seq != m_expected) return sequence_problem(seq, hash, at_ja + seqs, at_en + seqs);
    if (prev != m_rep.last_hash)
      return fail(Damage::chain_broken, seq, at_ja + seqs + ": 前の記録とのハッシュの連鎖が切れています（記録の差し替え）",
                  at_en + seqs + ": the hash chain to the previous entry is broken (an entry was replaced)");
    if (type == "checkpoint" && !checkpoint_ok(seq, prev, incident, device))
      return fail(Damage::bad_signature, seq, at_ja + seqs + ": 署名チェックポイントの署名が正しくありません",
                  at_en + seqs + ": the signed checkpoint does not verify");
    if (!m_opt.keep_entries) {
      if (const char* bad = shape_problem(m_members))
        return fail(Damage::bad_json, seq, at_ja + seqs + ": 記録の形式が不正です（項目 " + bad + "）",
                    at_en + seqs + ": not a valid entry (field " + bad + ")");
    } else {
      auto j = nlohmann::json::parse(text, nullptr, false);
      auto e = j.is_discarded() ? Result<Entry>(make_error(ErrorCode::invalid_input, "JSON", "JSON")) : from_json(j);
      if (!e)
        return fail(Damage::bad_json, seq, at_ja + seqs + ": 記録の形式が不正です — " + e.error().ja,
                    at_en + seqs + ": not a valid entry — " + e.error().en);
      m_rep.entries.push_back(std::move(e.value()));
    }
    if (m_opt.expected_count && seq == *m_opt.expected_count) m_hash_at_expected = hash;
    m_rep.last_hash = std::move(hash);
    m_rep.good_bytes = end;
    ++m_rep.count;
    ++m_expected;
    return true;
  }

  void finish() {
    if (m_rep.problem || !m_opt.expected_count) return;
    const std::int64_t count = m_rep.count;
    const std::int64_t want = *m_opt.expected_count;
    if (count < want) {
      m_rep.problem = Problem{Damage::head_mismatch, 0, count,
                              "記録数 " + std::to_string(count) + " 件: 印刷・出力時の " + std::to_string(want) +
                                  " 件より少なくなっています（最新の記録が削除された可能性）",
                              std::to_string(count) + " entries, fewer than the " + std::to_string(want) +
                                  " of the printed/exported head (the newest entries may have been removed)"};
      return;
    }
    // The log may have grown since the head was printed: the entry at that seq must still be
    // the one printed.
    const std::string& h = m_opt.expected_head_hash;
    if (!h.empty() && m_hash_at_expected.compare(0, h.size(), h) != 0)
      m_rep.problem = Problem{Damage::head_mismatch, 0, want,
                              "No. " + std::to_string(want) + " のハッシュが期待値 " + h +
                                  " と一致しません（記録が差し替えられた可能性）",
                              "the hash of No. " + std::to_string(want) + " does not match the expected " + h +
                                  " (entries may have been replaced)"};
  }

 private:
  bool fail(Damage d, std::int64_t seq, std::string ja, std::string en) {
    m_rep.problem = Problem{d, m_lineno, seq, std::move(ja), std::move(en)};
    return false;
  }

  bool rest_is_padding(std::uint64_t end) {
    const std::string all = m_whole();
    return end >= all.size() || only_padding(std::string_view(all).substr(end));
  }

  bool sequence_problem(long long seq, const std::string& hash, const std::string& ja, const std::string& en) {
    const std::string all = m_whole();
    std::int64_t dup_line = 0;
    bool expected_later = false;
    for_each_line(all, [&](std::string_view l, std::int64_t n) {
      long long s = 0;
      std::string h;
      if (!peek(l, s, h)) return true;
      if (n < m_lineno && h == hash && dup_line == 0) dup_line = n;
      if (n > m_lineno && s == m_expected) expected_later = true;
      return true;
    });
    const std::string exp = std::to_string(m_expected);
    if (dup_line)
      return fail(Damage::duplicated, seq, ja + ": " + std::to_string(dup_line) + " 行目と同じ記録が重複しています",
                  en + ": duplicates line " + std::to_string(dup_line));
    if (seq < m_expected || expected_later)
      return fail(Damage::reordered, seq, ja + ": 順序が入れ替わっています（No. " + exp + " が来るべき位置）",
                  en + ": entries are out of order (No. " + exp + " expected here)");
    return fail(Damage::missing, seq,
                ja + ": No. " + exp + (seq - 1 > m_expected ? "〜" + std::to_string(seq - 1) : std::string()) +
                    " が欠落しています（削除）",
                en + ": No. " + exp + (seq - 1 > m_expected ? "–" + std::to_string(seq - 1) + " are" : std::string(" is")) +
                    " missing (deleted)");
  }

  bool checkpoint_ok(long long seq, const std::string& prev, const std::string& incident, const std::string& device) {
    const Member* cm = find_member(m_members, "checkpoint");
    if (!cm) return false;
    auto j = nlohmann::json::parse(cm->value, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return false;
    auto str = [&](const char* k) {
      auto it = j.find(k);
      return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    const std::string key = str("public_key"), sig = str("signature"), signed_hash = str("signed_hash");
    auto sq = j.find("signed_seq");
    const std::int64_t signed_seq = sq != j.end() && sq->is_number_integer() ? sq->get<std::int64_t>() : -1;
    if (m_key.empty()) m_key = key;
    const bool ok = key == m_key && signed_seq == seq - 1 && signed_hash == prev &&
                    verify_signature_hex(key, checkpoint_message(incident, device, signed_seq, signed_hash), sig);
    if (ok) ++m_rep.checkpoints_verified;
    return ok;
  }

  const VerifyOptions& m_opt;
  VerifyReport& m_rep;
  std::function<std::string()> m_whole;  // the whole file, read only when a problem is analysed
  std::string m_incident, m_device, m_key;
  std::vector<Member> m_members;
  std::int64_t m_lineno = 0;
  long long m_expected = 1;
  std::string m_hash_at_expected;  // entry_hash of seq == expected_count
};

}  // namespace

VerifyReport verify_chronology(std::string_view data, const VerifyOptions& opt) {
  VerifyReport rep;
  Verifier v(opt, rep, [data] { return std::string(data); });
  std::size_t pos = 0;
  while (pos < data.size()) {
    const std::size_t nl = data.find('\n', pos);
    const bool complete = nl != std::string_view::npos;
    const std::size_t end = complete ? nl : data.size();
    if (!v.line(data.substr(pos, end - pos), complete ? end + 1 : end, complete)) break;
    pos = end + 1;
  }
  v.finish();
  return rep;
}

Result<VerifyReport> verify_chronology_file(const std::filesystem::path& path, const VerifyOptions& opt) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
      return make_error(ErrorCode::not_found, "クロノロジーのファイルがありません: " + path.string(),
                        "no such chronology file: " + path.string());
    return make_errno_error(ErrorCode::io_error, errno, "読めません: " + path.string(), "cannot read " + path.string());
  }
  VerifyReport rep;
  Verifier v(opt, rep, [&path] {
    auto all = read_file(path);
    return all ? std::move(all.value()) : std::string();
  });
  // Streams in 4 MiB blocks so that memory stays bounded whatever the file size.
  std::string buf;
  std::vector<char> block(4 << 20);
  std::uint64_t offset = 0;  // file offset of buf[0]
  bool stop = false;
  for (;;) {
    const std::size_t n = std::fread(block.data(), 1, block.size(), f);
    if (n == 0) break;
    buf.append(block.data(), n);
    std::size_t pos = 0;
    for (;;) {
      const std::size_t nl = buf.find('\n', pos);
      if (nl == std::string::npos) break;
      if (!v.line(std::string_view(buf).substr(pos, nl - pos), offset + nl + 1, true)) {
        stop = true;
        break;
      }
      pos = nl + 1;
    }
    if (stop) break;
    buf.erase(0, pos);
    offset += pos;
  }
  const bool read_error = std::ferror(f) != 0;
  std::fclose(f);
  if (read_error)
    return make_error(ErrorCode::io_error, "読み取り中にエラーが発生しました: " + path.string(),
                      "read error in " + path.string());
  if (!stop && !buf.empty()) v.line(buf, offset + buf.size(), false);
  v.finish();
  return rep;
}

}  // namespace shodo::chronology
