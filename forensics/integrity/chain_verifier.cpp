#include "forensics/integrity/chain_verifier.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

namespace shodo::integrity {

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

const Member* ChainedRecord::find(std::string_view key) const {
  for (const auto& m : *members)
    if (m.key == key) return &m;
  return nullptr;
}

std::optional<RuleProblem> RecordRules::identity(const ChainedRecord&) { return std::nullopt; }
std::optional<RuleProblem> RecordRules::wording(Damage, std::int64_t, std::int64_t) { return std::nullopt; }

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

// True when a key appears twice in the line. The verifier reads the first hash member, JSON
// parsers (and so the app and the exports) keep the last: a line with a repeated key would be
// verified with one value and shown with another (found by fuzz_chronology_verify, issue 10 §7).
// Lines are written with sorted keys, so the usual check is one pass without allocation.
bool has_duplicate_key(const std::vector<Member>& ms) {
  bool sorted = true;
  for (std::size_t i = 1; i < ms.size() && sorted; ++i) sorted = ms[i - 1].key < ms[i].key;
  if (sorted) return false;
  for (std::size_t i = 0; i < ms.size(); ++i)
    for (std::size_t k = i + 1; k < ms.size(); ++k)
      if (ms[i].key == ms[k].key) return true;
  return false;
}

// SHA-256 of prev ‖ a ‖ b compared with a lower-case hex digest, without allocating: one
// OpenSSL context per thread, reused for every line (a million lines in about a second).
bool chain_hash_matches(std::string_view prev, std::string_view a, std::string_view b, std::string_view hex) {
  struct Ctx {
    EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Ctx() {
      EVP_MD_CTX_free(ctx);
      EVP_MD_free(md);
    }
  };
  thread_local Ctx c;
  if (hex.size() != 64 || !c.md || !c.ctx) return false;
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestInit_ex(c.ctx, c.md, nullptr) != 1 || EVP_DigestUpdate(c.ctx, prev.data(), prev.size()) != 1 ||
      EVP_DigestUpdate(c.ctx, a.data(), a.size()) != 1 || EVP_DigestUpdate(c.ctx, b.data(), b.size()) != 1 ||
      EVP_DigestFinal_ex(c.ctx, out, &len) != 1 || len != 32)
    return false;
  static constexpr char k_hex[] = "0123456789abcdef";
  for (unsigned i = 0; i < 32; ++i)
    if (hex[2 * i] != k_hex[out[i] >> 4] || hex[2 * i + 1] != k_hex[out[i] & 0xF]) return false;
  return true;
}

}  // namespace

ChainVerifier::ChainVerifier(ChainFormat format, RecordRules& rules, std::function<std::string()> whole)
    : m_format(std::move(format)), m_rules(rules), m_whole(std::move(whole)) {}

bool ChainVerifier::fail(Damage d, std::int64_t seq, std::string what_ja, std::string what_en, bool located_seq) {
  std::string at_ja = std::to_string(m_lineno) + " 行目";
  std::string at_en = "line " + std::to_string(m_lineno);
  if (located_seq) {
    at_ja += " (No. " + std::to_string(seq) + ")";
    at_en += " (No. " + std::to_string(seq) + ")";
  }
  Problem p;
  p.kind = d;
  p.line = m_lineno;
  p.seq = seq;
  p.ja = at_ja + ": " + what_ja;
  p.en = at_en + ": " + what_en;
  p.what_ja = std::move(what_ja);
  p.what_en = std::move(what_en);
  m_state.problem = std::move(p);
  return false;
}

bool ChainVerifier::fail_rule(const RuleProblem& p, std::int64_t seq) { return fail(p.kind, seq, p.ja, p.en, seq > 0); }

// A generic problem in the chronology's words unless the format has its own.
bool ChainVerifier::fail_generic(Damage d, std::int64_t seq, std::string ja, std::string en) {
  if (auto w = m_rules.wording(d, seq, m_expected)) return fail(d, seq, w->ja, w->en, seq > 0);
  return fail(d, seq, std::move(ja), std::move(en), seq > 0);
}

bool ChainVerifier::rest_is_padding(std::uint64_t end) {
  const std::string all = m_whole();
  return end >= all.size() || only_padding(std::string_view(all).substr(end));
}

bool ChainVerifier::line(std::string_view text, std::uint64_t end, bool complete) {
  if (m_state.problem) return false;
  ++m_lineno;
  if (!complete || std::memchr(text.data(), '\0', text.size()) != nullptr) {
    if (!complete || rest_is_padding(end)) {
      m_state.torn_tail = true;
      return fail_generic(Damage::truncated_tail, 0, "最後の記録が途中で切れています（書き込み中の中断）。改ざんではありません",
                          "the last record is incomplete (interrupted write), not tampering");
    }
  }
  if (text.empty() && rest_is_padding(end)) {
    // Blank lines after the last record are left-overs of an interrupted write too: reporting
    // them as a torn tail lets the writer move them aside instead of appending after them.
    m_state.torn_tail = true;
    return fail_generic(Damage::truncated_tail, 0, "最後の記録の後に空行があります（書き込み中の中断）。改ざんではありません",
                        "blank lines after the last record (interrupted write), not tampering");
  }
  if (!scan_object(text, m_members))
    return fail_generic(Damage::bad_json, 0, "JSON として読めません（破損または改ざん）", "not valid JSON (damaged or altered)");
  if (has_duplicate_key(m_members))
    return fail_generic(Damage::bad_json, 0, "同じ項目が 2 回あります（破損または改ざん）",
                        "a field appears twice (damaged or altered)");
  // Reused for every line so that its strings keep their capacity (no allocation per line).
  thread_local ChainedRecord rec{{}, nullptr, 0, 0, {}, {}};
  rec.text = text;
  rec.members = &m_members;
  rec.line = m_lineno;
  long long seq = 0;
  const Member* hm = find_member(m_members, m_format.hash_key);
  const Member* sm = find_member(m_members, m_format.seq_key);
  const Member* pm = find_member(m_members, m_format.prev_key);
  if (!hm || !sm || !pm || !parse_int(sm->value, seq) || !decode_string(hm->value, rec.hash) ||
      !decode_string(pm->value, rec.prev_hash))
    return fail_generic(Damage::bad_json, 0, "記録に必要な項目がありません（破損または改ざん）",
                        "required fields are missing (damaged or altered)");
  rec.seq = seq;
  if (auto p = m_rules.identity(rec)) return fail_rule(*p, seq);
  {
    // The hash covers the stored bytes minus the hash member (FORMATS.md §chronology).
    const std::size_t idx = static_cast<std::size_t>(hm - m_members.data());
    std::size_t cut_a = 0, cut_b = 0;
    if (idx > 0) {
      cut_a = m_members[idx - 1].end;
      cut_b = hm->end;
    } else {
      cut_a = hm->begin;
      cut_b = idx + 1 < m_members.size() ? m_members[idx + 1].begin : hm->end;
    }
    if (!chain_hash_matches(rec.prev_hash, text.substr(0, cut_a), text.substr(cut_b), rec.hash))
      return fail_generic(Damage::changed, seq, "内容が記録後に変更されています（ハッシュ不一致）",
                          "the entry was changed after it was recorded (hash mismatch)");
  }
  if (seq != m_expected) return sequence_problem(seq, rec.hash);
  if (rec.prev_hash != m_state.last_hash)
    return fail_generic(Damage::chain_broken, seq, "前の記録とのハッシュの連鎖が切れています（記録の差し替え）",
                        "the hash chain to the previous entry is broken (an entry was replaced)");
  if (auto p = m_rules.accept(rec)) return fail_rule(*p, seq);
  m_state.last_hash.assign(rec.hash);
  m_state.last_line.assign(text);
  m_state.good_bytes = end;
  ++m_state.count;
  ++m_expected;
  return true;
}

bool ChainVerifier::sequence_problem(std::int64_t seq, const std::string& hash) {
  if (auto w = m_rules.wording(seq < m_expected ? Damage::reordered : Damage::missing, seq, m_expected))
    return fail(seq < m_expected ? Damage::reordered : Damage::missing, seq, w->ja, w->en, true);
  const std::string all = m_whole();
  std::int64_t dup_line = 0;
  bool expected_later = false;
  std::vector<Member> ms;
  std::size_t pos = 0;
  std::int64_t n = 0;
  while (pos < all.size()) {
    const std::size_t nl = all.find('\n', pos);
    const std::size_t stop = nl == std::string::npos ? all.size() : nl;
    ++n;
    long long s = 0;
    std::string h;
    if (scan_object(std::string_view(all).substr(pos, stop - pos), ms)) {
      const Member* sm = find_member(ms, m_format.seq_key);
      const Member* hm = find_member(ms, m_format.hash_key);
      if (sm && hm && parse_int(sm->value, s) && decode_string(hm->value, h)) {
        if (n < m_lineno && h == hash && dup_line == 0) dup_line = n;
        if (n > m_lineno && s == m_expected) expected_later = true;
      }
    }
    pos = stop + 1;
  }
  const std::string exp = std::to_string(m_expected);
  if (dup_line)
    return fail(Damage::duplicated, seq, std::to_string(dup_line) + " 行目と同じ記録が重複しています",
                "duplicates line " + std::to_string(dup_line), true);
  if (seq < m_expected || expected_later)
    return fail(Damage::reordered, seq, "順序が入れ替わっています（No. " + exp + " が来るべき位置）",
                "entries are out of order (No. " + exp + " expected here)", true);
  const bool range = seq - 1 > m_expected;
  return fail(Damage::missing, seq,
              "No. " + exp + (range ? "〜" + std::to_string(seq - 1) : std::string()) + " が欠落しています（削除）",
              "No. " + exp + (range ? "–" + std::to_string(seq - 1) + " are" : std::string(" is")) + " missing (deleted)",
              true);
}

bool ChainVerifier::feed(std::string_view data, std::uint64_t offset) {
  std::size_t pos = 0;
  while (pos < data.size()) {
    const std::size_t nl = data.find('\n', pos);
    const bool complete = nl != std::string_view::npos;
    const std::size_t stop = complete ? nl : data.size();
    if (!line(data.substr(pos, stop - pos), offset + (complete ? stop + 1 : stop), complete)) return false;
    pos = stop + 1;
  }
  return !m_state.problem;
}

Status ChainVerifier::feed_fd(int fd, std::uint64_t offset, const std::filesystem::path& name) {
  // One buffer: complete lines are verified where they were read; only the incomplete rest is
  // moved to the front before the next read. The buffer grows only for a line longer than it.
  std::vector<char> buf(4 << 20);
  std::size_t have = 0;       // bytes in buf
  std::uint64_t at = offset;  // file offset of buf[0]
  for (;;) {
    if (have == buf.size()) buf.resize(buf.size() * 2);
    const ssize_t n = ::pread(fd, buf.data() + have, buf.size() - have, static_cast<off_t>(at + have));
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_errno_error(ErrorCode::io_error, errno, "読み取り中にエラーが発生しました: " + name.string(),
                              "read error in " + name.string());
    }
    if (n == 0) break;
    have += static_cast<std::size_t>(n);
    const char* base = buf.data();
    std::size_t pos = 0;
    for (;;) {
      const void* nl = std::memchr(base + pos, '\n', have - pos);
      if (!nl) break;
      const std::size_t stop = static_cast<std::size_t>(static_cast<const char*>(nl) - base);
      if (!line(std::string_view(base + pos, stop - pos), at + stop + 1, true)) return ok_status();
      pos = stop + 1;
    }
    std::memmove(buf.data(), buf.data() + pos, have - pos);
    have -= pos;
    at += pos;
  }
  if (have > 0) line(std::string_view(buf.data(), have), at + have, false);
  return ok_status();
}

Status ChainVerifier::feed_file(const std::filesystem::path& path, std::uint64_t offset) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT)
      return make_error(ErrorCode::not_found, "ファイルがありません: " + path.string(), "no such file: " + path.string());
    return make_errno_error(ErrorCode::io_error, errno, "読めません: " + path.string(), "cannot read " + path.string());
  }
  Status st = feed_fd(fd, offset, path);
  ::close(fd);
  return st;
}

void ChainVerifier::advance(std::string_view text, std::string hash) {
  ++m_lineno;
  m_state.last_hash = std::move(hash);
  m_state.last_line.assign(text);
  m_state.good_bytes += text.size() + 1;
  ++m_state.count;
  ++m_expected;
}

void ChainVerifier::clear_torn_tail() {
  if (!m_state.torn_tail) return;
  m_state.torn_tail = false;
  m_state.problem.reset();
  m_lineno = m_state.count;  // the torn line is looked at again
}

void ChainVerifier::reset() {
  m_state = ChainState{};
  m_lineno = 0;
  m_expected = 1;
  m_rules.reset();
}

}  // namespace shodo::integrity
