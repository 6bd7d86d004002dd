// The E01 sink and reader, checked byte for byte and by libewf's own tools: what we write reads
// back identically, ewfverify says SUCCESS with the MD5/SHA-1 we computed, ewfinfo shows the
// Japanese case data and the unreadable ranges; overwrite is refused; a partial image is
// consistent and carries no whole-source hash; a full destination gives a clear error.
#include "tests/unit/test_support.hpp"  // first: it configures catch.hpp

#include <libewf.h>
#include <sys/mount.h>

#include <chrono>
#include <fstream>
#include <random>
#include <regex>

#include "forensics/acquire/ewf.hpp"
#include "forensics/integrity/hasher.hpp"

using namespace shodo;
using namespace shodo::acquire;
using namespace shodo::unit;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t k_mib = 1u << 20;
// 5 MiB + 1536: not a multiple of the 32 KiB chunk, so the last chunk is short.
constexpr std::size_t k_image_size = 5 * k_mib + 1536;

// Random bytes with a run of zeros in the middle (whole zero chunks and compressible data).
std::string pattern(std::size_t size, std::uint64_t seed = 42) {
  std::string s(size, '\0');
  std::mt19937_64 rng(seed);
  for (std::size_t i = 0; i < size; i += 8) {
    const std::uint64_t v = rng();
    std::memcpy(s.data() + i, &v, std::min<std::size_t>(8, size - i));
  }
  const std::size_t z0 = std::min(size, 2 * k_mib), z1 = std::min(size, 4 * k_mib);
  std::memset(s.data() + z0, 0, z1 - z0);
  // Some text-like, compressible but non-zero data too.
  for (std::size_t i = z1; i < std::min(size, z1 + 256 * 1024); ++i) s[i] = static_cast<char>("shodo E01 test "[i % 15]);
  return s;
}

std::string hash_of(HashAlgo a, const std::string& data) {
  Hasher h(a);
  h.update(data.data(), data.size());
  return h.finish_hex();
}

std::vector<HashValue> hashes_of(const std::string& data) {
  return {{HashAlgo::md5, hash_of(HashAlgo::md5, data)}, {HashAlgo::sha1, hash_of(HashAlgo::sha1, data)}};
}

EwfOptions case_options(EwfCompression c = EwfCompression::fast) {
  EwfOptions o;
  o.data.case_number = "大阪-2026-001";
  o.data.evidence_number = "証拠-07";
  o.data.examiner = "山田 太郎";
  o.data.description = "電子カルテサーバ 起動ディスク";
  o.data.notes = "救急外来の端末から取り外し";
  o.compression = c;
  o.segment_bytes = 1 * k_mib;  // several segments for a 5 MiB image
  return o;
}

// Writes `data` in pieces of `piece` bytes (an odd size, so chunks straddle writes).
Status feed(Sink& sink, const std::string& data, std::size_t piece = 100'003) {
  for (std::size_t off = 0; off < data.size(); off += piece) {
    const std::size_t n = std::min(piece, data.size() - off);
    Status s = sink.write(reinterpret_cast<const std::uint8_t*>(data.data()) + off, n);
    if (!s) return s;
  }
  return ok_status();
}

std::string read_image(Source& src) {
  std::string out(static_cast<std::size_t>(src.size()), '\0');
  std::uint64_t off = 0;
  while (off < src.size()) {
    const auto r = src.read_at(off, out.data() + off, std::min<std::size_t>(k_mib, out.size() - off));
    if (r.err != 0 || r.bytes == 0) throw std::runtime_error("read_at failed at " + std::to_string(off));
    off += r.bytes;
  }
  return out;
}

struct ToolRun {
  int exit_code = -1;
  std::string output;
};

ToolRun tool(const std::string& cmd) {
  int status = 0;
  ToolRun r;
  r.output = run_command(cmd + " 2>&1", &status);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

// "MD5 hash calculated over data:\t\t<hex>" → hex ("" when absent).
std::string ewfverify_value(const std::string& out, const std::string& label) {
  const std::regex re(label + R"(:\s*([0-9a-fA-FN/]+))");
  std::smatch m;
  if (!std::regex_search(out, m, re)) return {};
  return m[1].str();
}

std::uint64_t total_size(const std::vector<fs::path>& files) {
  std::uint64_t n = 0;
  for (const auto& f : files) n += fs::file_size(f);
  return n;
}

std::unique_ptr<Sink> make_sink(const fs::path& stem, std::uint64_t size, const EwfOptions& o) {
  auto r = create_e01_sink(stem, size, 512, o);
  if (!r) throw std::runtime_error("create_e01_sink: " + r.error().describe(false));
  return std::move(r.value());
}

}  // namespace

TEST_CASE("E01: pattern round-trips byte for byte — ewfverify SUCCESS with our MD5 and SHA-1 — ewfinfo shows the Japanese case data",
          "[ewf]") {
  SHODO_TEST_DIR(dir);
  const std::string data = pattern(k_image_size);
  const auto hashes = hashes_of(data);
  const fs::path stem = dir / "disk1";
  auto sink = make_sink(stem, data.size(), case_options());
  CHECK(sink->kind() == "e01");
  CHECK(sink->stored_hashes() == std::vector<HashAlgo>{HashAlgo::md5, HashAlgo::sha1});
  REQUIRE(feed(*sink, data).ok());
  REQUIRE(sink->sync().ok());
  auto fin = sink->finish(hashes);
  INFO((fin.ok() ? std::string() : fin.error().describe(false)));
  REQUIRE(fin.ok());
  CHECK(sink->bytes_written() == data.size());

  // Several segments, named as libewf and ewfacquire name them.
  const auto files = sink->files();
  REQUIRE(files.size() >= 3);
  CHECK(files[0] == dir / "disk1.E01");
  CHECK(files[1] == dir / "disk1.E02");
  for (const auto& f : files) CHECK(fs::file_size(f) <= 1 * k_mib);
  CHECK(e01_segment_path(stem, 99).filename() == "disk1.E99");
  CHECK(e01_segment_path(stem, 100).filename() == "disk1.EAA");
  CHECK(e01_segment_path(stem, 101).filename() == "disk1.EAB");
  CHECK(e01_segment_path(stem, 100 + 26 * 26).filename() == "disk1.FAA");

  // Read back through our Source: identical bytes, sizes as written.
  auto src = open_e01_image(files[0]);
  REQUIRE(src.ok());
  CHECK((*src)->size() == data.size());
  CHECK((*src)->sector_size() == 512);
  CHECK((*src)->probe_size().value() == data.size());
  CHECK(read_image(**src) == data);
  // A read that runs past the end is cut at the media size; at the end it reads nothing.
  std::string tail(4096, '\0');
  const auto r = (*src)->read_at(data.size() - 1000, tail.data(), tail.size());
  CHECK(r.err == 0);
  CHECK(r.bytes == 1000);
  CHECK(tail.substr(0, 1000) == data.substr(data.size() - 1000));
  CHECK((*src)->read_at(data.size(), tail.data(), tail.size()).bytes == 0);

  // libewf's own verifier recomputes both hashes and compares them with what we stored.
  const auto v = tool("ewfverify -q -d sha1 " + quoted(files[0]));
  INFO(v.output);
  CHECK(v.exit_code == 0);
  CHECK(v.output.find("ewfverify: SUCCESS") != std::string::npos);
  CHECK(ewfverify_value(v.output, "MD5 hash stored in file") == hashes[0].hex);
  CHECK(ewfverify_value(v.output, "MD5 hash calculated over data") == hashes[0].hex);
  CHECK(ewfverify_value(v.output, "SHA1 hash stored in file") == hashes[1].hex);
  CHECK(ewfverify_value(v.output, "SHA1 hash calculated over data") == hashes[1].hex);

  const auto info = tool("ewfinfo " + quoted(files[0]));
  INFO(info.output);
  CHECK(info.exit_code == 0);
  CHECK(info.output.find("Case number:\t\t大阪-2026-001") != std::string::npos);
  CHECK(info.output.find("Evidence number:\t証拠-07") != std::string::npos);
  CHECK(info.output.find("Examiner name:\t\t山田 太郎") != std::string::npos);
  CHECK(info.output.find("Description:\t\t電子カルテサーバ 起動ディスク") != std::string::npos);
  CHECK(info.output.find("Notes:\t\t\t救急外来の端末から取り外し") != std::string::npos);
  CHECK(info.output.find("Software version used:\tshodo " SHODO_VERSION) != std::string::npos);
  CHECK(info.output.find("File format:\t\tEnCase 6") != std::string::npos);
  CHECK(info.output.find("Media size:\t\t5.0 MiB (" + std::to_string(data.size()) + " bytes)") != std::string::npos);
  CHECK(info.output.find("Compression level:\tgood (fast) compression") != std::string::npos);
  CHECK(std::regex_search(info.output, std::regex(R"(Is physical:\s*yes)")));  // the default: a block device

  auto stored = read_e01_info(files[0]);
  REQUIRE(stored.ok());
  CHECK(stored->md5 == hashes[0].hex);
  CHECK(stored->sha1 == hashes[1].hex);
  CHECK(stored->media_size == data.size());
  CHECK(stored->bytes_per_sector == 512);
  CHECK(stored->data.case_number == "大阪-2026-001");
  CHECK(stored->data.evidence_number == "証拠-07");
  CHECK(stored->data.examiner == "山田 太郎");
  CHECK(stored->data.description == "電子カルテサーバ 起動ディスク");
  CHECK(stored->data.notes == "救急外来の端末から取り外し");
  CHECK(stored->acquiry_errors.empty());
}

TEST_CASE("E01: the media flags say physical only for a physical source — ewfinfo shows it (issue 10 §8)", "[ewf]") {
  SHODO_TEST_DIR(dir);
  const std::string data = pattern(64 * 1024);
  for (const bool physical : {true, false}) {
    EwfOptions o = case_options();
    o.physical = physical;
    const fs::path stem = dir / (physical ? "device" : "imagefile");
    auto sink = make_sink(stem, data.size(), o);
    REQUIRE(feed(*sink, data).ok());
    REQUIRE(sink->finish(hashes_of(data)).ok());
    const auto info = tool("ewfinfo " + quoted(sink->files().front()));
    INFO(info.output);
    CHECK(info.exit_code == 0);
    CHECK(std::regex_search(info.output, std::regex(std::string(R"(Is physical:\s*)") + (physical ? "yes" : "no"))));
  }
}

TEST_CASE("E01: compression none, fast and best all verify — compressed images are smaller", "[ewf]") {
  SHODO_TEST_DIR(dir);
  const std::string data = pattern(k_image_size, 7);
  const auto hashes = hashes_of(data);
  std::map<EwfCompression, std::uint64_t> sizes;
  const std::pair<EwfCompression, const char*> levels[] = {{EwfCompression::none, "no compression"},
                                                          {EwfCompression::fast, "good (fast) compression"},
                                                          {EwfCompression::best, "best compression"}};
  for (const auto& [c, label] : levels) {
    INFO("compression " << to_string(c));
    EwfOptions o = case_options(c);
    o.segment_bytes = k_default_ewf_segment_bytes;
    o.threads = c == EwfCompression::best ? 1 : 3;  // one worker and more workers than cores both work
    auto sink = make_sink(dir / (std::string("img-") + to_string(c)), data.size(), o);
    REQUIRE(feed(*sink, data, 1 * k_mib).ok());
    REQUIRE(sink->finish(hashes).ok());
    const auto files = sink->files();
    REQUIRE(files.size() == 1);
    sizes[c] = total_size(files);
    const auto v = tool("ewfverify -q -d sha1 " + quoted(files[0]));
    INFO(v.output);
    CHECK(v.exit_code == 0);
    CHECK(ewfverify_value(v.output, "MD5 hash calculated over data") == hashes[0].hex);
    CHECK(ewfverify_value(v.output, "SHA1 hash calculated over data") == hashes[1].hex);
    CHECK(ewfverify_value(v.output, "MD5 hash stored in file") == hashes[0].hex);
    const auto info = tool("ewfinfo " + quoted(files[0]));
    CHECK(info.output.find(std::string("Compression level:\t") + label) != std::string::npos);
    auto src = open_e01_image(files[0]);
    REQUIRE(src.ok());
    CHECK(read_image(**src) == data);
  }
  // Uncompressed: every byte plus a 4-byte checksum per chunk. Compressed: the 2 MiB of zeros and
  // the text shrink to almost nothing, the random part stays as it is.
  CHECK(sizes[EwfCompression::none] > data.size());
  CHECK(sizes[EwfCompression::fast] < data.size() - 2 * k_mib);
  CHECK(sizes[EwfCompression::best] <= sizes[EwfCompression::fast]);
  CHECK(parse_ewf_compression("BEST").value() == EwfCompression::best);
  CHECK(parse_ewf_compression("none").value() == EwfCompression::none);
  auto bad = parse_ewf_compression("zstd");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::invalid_input);
  CHECK(bad.error().ja.find("zstd") != std::string::npos);
  CHECK(bad.error().en.find("none, fast or best") != std::string::npos);
}

TEST_CASE("E01: unreadable ranges become the acquiry-error section that ewfinfo and read_e01_info list", "[ewf]") {
  SHODO_TEST_DIR(dir);
  std::string data = pattern(k_image_size, 9);
  // As the pipeline does: the bad sectors are zero-filled in the stream and noted before the
  // write that carries them.
  const BadRange run{100 * 512, 8 * 512}, single{9000 * 512, 512};
  std::memset(data.data() + run.offset, 0, run.length);
  std::memset(data.data() + single.offset, 0, single.length);
  const auto hashes = hashes_of(data);
  auto sink = make_sink(dir / "bad", data.size(), case_options());
  sink->note_bad_range(run);
  REQUIRE(feed(*sink, data.substr(0, 4 * k_mib)).ok());
  sink->note_bad_range(single);
  REQUIRE(sink->write(reinterpret_cast<const std::uint8_t*>(data.data()) + 4 * k_mib, data.size() - 4 * k_mib).ok());
  REQUIRE(sink->finish(hashes).ok());
  const fs::path first = sink->files().at(0);

  const auto info = tool("ewfinfo " + quoted(first));
  INFO(info.output);
  CHECK(info.output.find("Read errors during acquiry") != std::string::npos);
  CHECK(info.output.find("total number: 2") != std::string::npos);
  CHECK(info.output.find("at sector(s): 100 - 107 number: 8") != std::string::npos);
  CHECK(info.output.find("at sector(s): 9000 - 9000 number: 1") != std::string::npos);

  auto stored = read_e01_info(first);
  REQUIRE(stored.ok());
  REQUIRE(stored->acquiry_errors.size() == 2);
  CHECK(stored->acquiry_errors[0].offset == run.offset);
  CHECK(stored->acquiry_errors[0].length == run.length);
  CHECK(stored->acquiry_errors[1].offset == single.offset);
  CHECK(stored->acquiry_errors[1].length == single.length);

  // The image still verifies: the zero-filled sectors are what the source hash covers.
  const auto v = tool("ewfverify -q " + quoted(first));
  INFO(v.output);
  CHECK(v.exit_code == 0);
  CHECK(ewfverify_value(v.output, "MD5 hash calculated over data") == hashes[0].hex);
}

TEST_CASE("E01: an existing image is never overwritten", "[ewf]") {
  SHODO_TEST_DIR(dir);
  const std::string data = pattern(256 * 1024, 3);
  const fs::path stem = dir / "evidence";
  {
    auto sink = make_sink(stem, data.size(), case_options());
    REQUIRE(feed(*sink, data).ok());
    REQUIRE(sink->finish(hashes_of(data)).ok());
  }
  const std::string before = read_bytes(dir / "evidence.E01");
  auto again = create_e01_sink(stem, data.size(), 512, case_options());
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == ErrorCode::already_exists);
  CHECK(again.error().ja.find("evidence.E01") != std::string::npos);
  CHECK(again.error().ja.find("上書きしません") != std::string::npos);
  CHECK(again.error().en.find("never overwritten") != std::string::npos);
  CHECK(read_bytes(dir / "evidence.E01") == before);

  // A stray later segment (a leftover of another image) would be globbed into this one: refused.
  write_bytes(dir / "other.e03", "leftover");
  auto stray = create_e01_sink(dir / "other", data.size(), 512, case_options());
  REQUIRE_FALSE(stray.ok());
  CHECK(stray.error().code == ErrorCode::already_exists);
  CHECK(stray.error().en.find("other.e03") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "other.E01"));
  // A name that only starts like ours is not a segment.
  write_bytes(dir / "third.E01.sha256", "x");
  auto ok = create_e01_sink(dir / "third", data.size(), 512, case_options());
  CHECK(ok.ok());
}

TEST_CASE("E01: a job ended early leaves a consistent image of what was written, with no stored hash", "[ewf]") {
  SHODO_TEST_DIR(dir);
  const std::string data = pattern(k_image_size, 11);
  auto sink = make_sink(dir / "partial", data.size(), case_options());
  // 3 MiB + 700 bytes arrived: the image keeps the whole sectors of it.
  const std::size_t got = 3 * k_mib + 700, kept = 3 * k_mib + 512;
  REQUIRE(feed(*sink, data.substr(0, got)).ok());
  REQUIRE(sink->close_partial().ok());
  CHECK(sink->bytes_written() == kept);
  CHECK(sink->close_partial().ok());  // idempotent
  auto late = sink->finish(hashes_of(data));
  REQUIRE_FALSE(late.ok());
  CHECK(late.error().en.find("already closed") != std::string::npos);
  CHECK_FALSE(sink->write(reinterpret_cast<const std::uint8_t*>(data.data()), 512).ok());

  const auto files = sink->files();
  REQUIRE_FALSE(files.empty());
  const std::string prefix = data.substr(0, kept);
  // ewfverify reads every chunk back (SUCCESS over the shorter media) and finds no stored hash.
  const auto v = tool("ewfverify -q -d sha1 " + quoted(files[0]));
  INFO(v.output);
  CHECK(v.exit_code == 0);
  CHECK(ewfverify_value(v.output, "MD5 hash stored in file") == "N/A");
  CHECK(ewfverify_value(v.output, "SHA1 hash stored in file") == "N/A");
  CHECK(ewfverify_value(v.output, "MD5 hash calculated over data") == hash_of(HashAlgo::md5, prefix));

  auto stored = read_e01_info(files[0]);
  REQUIRE(stored.ok());
  CHECK(stored->md5.empty());
  CHECK(stored->sha1.empty());
  CHECK(stored->media_size == kept);
  CHECK(stored->data.examiner == "山田 太郎");
  auto src = open_e01_image(files[0]);
  REQUIRE(src.ok());
  CHECK(read_image(**src) == prefix);
}

TEST_CASE("E01: finish refuses a short stream — the image can still be closed as partial", "[ewf]") {
  SHODO_TEST_DIR(dir);
  const std::string data = pattern(1 * k_mib, 5);
  auto sink = make_sink(dir / "short", data.size(), case_options());
  // 512 KiB and 100 bytes of a part sector arrived.
  REQUIRE(feed(*sink, data.substr(0, 512 * 1024 + 100)).ok());
  auto fin = sink->finish(hashes_of(data));
  REQUIRE_FALSE(fin.ok());
  CHECK(fin.error().en.find("only 524388 of the source's 1048576 bytes") != std::string::npos);
  CHECK(fin.error().ja.find("完成していません") != std::string::npos);
  // The refused finish wrote nothing, so the partial image still ends on a whole sector.
  REQUIRE(sink->close_partial().ok());
  CHECK(sink->bytes_written() == 512 * 1024);
  auto stored = read_e01_info(sink->files().at(0));
  REQUIRE(stored.ok());
  CHECK(stored->md5.empty());
  CHECK(stored->sha1.empty());
  CHECK(stored->media_size == 512 * 1024);
  const auto v = tool("ewfverify -q " + quoted(sink->files().at(0)));
  INFO(v.output);
  CHECK(v.exit_code == 0);
  CHECK(ewfverify_value(v.output, "MD5 hash calculated over data") == hash_of(HashAlgo::md5, data.substr(0, 512 * 1024)));

  // More data than announced is refused, not silently cut; the sink had no data, so nothing is left.
  {
    auto over = make_sink(dir / "over", 4096, case_options());
    auto w = over->write(reinterpret_cast<const std::uint8_t*>(data.data()), 8192);
    REQUIRE_FALSE(w.ok());
    CHECK(w.error().code == ErrorCode::invalid_input);
    CHECK(w.error().en.find("4096") != std::string::npos);
  }
  CHECK_FALSE(fs::exists(dir / "over.E01"));

  // Nothing written at all: no image is left behind (libewf would leave a 0-byte-media E01 with
  // the case headers, which an examiner could take for an image of the source).
  {
    auto empty = make_sink(dir / "nothing", 4096, case_options());
    CHECK(fs::exists(dir / "nothing.E01"));
    REQUIRE(empty->close_partial().ok());
    CHECK(empty->files().empty());
    CHECK(empty->bytes_written() == 0);
  }
  CHECK_FALSE(fs::exists(dir / "nothing.E01"));
  // Less than one sector: the same (E01 stores whole sectors only).
  {
    auto tiny = make_sink(dir / "tiny", 4096, case_options());
    REQUIRE(tiny->write(reinterpret_cast<const std::uint8_t*>(data.data()), 300).ok());
    REQUIRE(tiny->close_partial().ok());
    CHECK(tiny->files().empty());
  }
  CHECK_FALSE(fs::exists(dir / "tiny.E01"));
  // Destroyed without closing: as close_partial.
  { auto dropped = make_sink(dir / "dropped", 4096, case_options()); }
  CHECK_FALSE(fs::exists(dir / "dropped.E01"));
}

TEST_CASE("E01: arguments that cannot make a correct image are refused with a reason", "[ewf]") {
  SHODO_TEST_DIR(dir);
  auto odd = create_e01_sink(dir / "odd", 1000, 512, case_options());
  REQUIRE_FALSE(odd.ok());
  CHECK(odd.error().code == ErrorCode::invalid_input);
  CHECK(odd.error().en.find("1000 bytes is not a multiple of 512") != std::string::npos);
  CHECK(odd.error().ja.find("raw 形式") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "odd.E01"));

  auto zero = create_e01_sink(dir / "zero", 0, 512, case_options());
  REQUIRE_FALSE(zero.ok());
  CHECK(zero.error().code == ErrorCode::invalid_input);

  auto sector = create_e01_sink(dir / "sector", 4096, 520, case_options());
  REQUIRE_FALSE(sector.ok());
  CHECK(sector.error().en.find("520") != std::string::npos);

  EwfOptions tiny = case_options();
  tiny.segment_bytes = 4096;
  auto small = create_e01_sink(dir / "small", 4096, 512, tiny);
  REQUIRE_FALSE(small.ok());
  CHECK(small.error().en.find("at least 1 MiB") != std::string::npos);

  auto nodir = create_e01_sink(dir / "missing" / "img", 4096, 512, case_options());
  REQUIRE_FALSE(nodir.ok());
  CHECK(nodir.error().code == ErrorCode::not_found);

  // 4096-byte sectors: 8 sectors per 32 KiB chunk; reads back and verifies.
  const std::string data = pattern(512 * 1024, 13);
  auto big_sectors = create_e01_sink(dir / "4k", data.size(), 4096, case_options());
  REQUIRE(big_sectors.ok());
  REQUIRE(feed(**big_sectors, data).ok());
  REQUIRE((*big_sectors)->finish(hashes_of(data)).ok());
  auto src = open_e01_image(dir / "4k.E01");
  REQUIRE(src.ok());
  CHECK((*src)->sector_size() == 4096);
  CHECK(read_image(**src) == data);
  CHECK(tool("ewfverify -q " + quoted(dir / "4k.E01")).exit_code == 0);
}

TEST_CASE("E01 reader: missing, foreign and damaged images are errors, never silent data", "[ewf]") {
  SHODO_TEST_DIR(dir);
  auto missing = open_e01_image(dir / "nope.E01");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::not_found);
  CHECK(missing.error().ja.find("nope.E01") != std::string::npos);

  write_bytes(dir / "fake.E01", std::string(4096, 'x'));
  auto foreign = open_e01_image(dir / "fake.E01");
  REQUIRE_FALSE(foreign.ok());
  CHECK(foreign.error().code == ErrorCode::io_error);
  CHECK(foreign.error().en.find("libewf:") != std::string::npos);
  CHECK_FALSE(read_e01_info(dir / "fake.E01").ok());

  // An uncompressed image with one byte flipped inside a chunk: that chunk's checksum fails.
  const std::string data = pattern(1 * k_mib, 17);
  EwfOptions o = case_options(EwfCompression::none);
  auto sink = make_sink(dir / "damaged", data.size(), o);
  REQUIRE(feed(*sink, data).ok());
  REQUIRE(sink->finish(hashes_of(data)).ok());
  std::string image = read_bytes(dir / "damaged.E01");
  const std::size_t chunk5 = 5 * 32768;  // random data, stored raw
  const std::size_t at = image.find(data.substr(chunk5 + 100, 64));
  REQUIRE(at != std::string::npos);
  image[at + 10] = static_cast<char>(image[at + 10] ^ 0x01);
  write_bytes(dir / "damaged.E01", image);

  auto src = open_e01_image(dir / "damaged.E01");
  REQUIRE(src.ok());
  std::string buf(32768, '\0');
  const auto good = (*src)->read_at(0, buf.data(), buf.size());
  CHECK(good.err == 0);
  CHECK(good.bytes == buf.size());
  const auto bad = (*src)->read_at(chunk5, buf.data(), buf.size());
  CHECK(bad.err == EIO);
  CHECK(bad.bytes == 0);
  const auto v = tool("ewfverify -q " + quoted(dir / "damaged.E01"));
  CHECK(v.exit_code != 0);
  CHECK(v.output.find("FAILURE") != std::string::npos);
}

namespace {

// Mounts a small tmpfs for the test's lifetime (root only); empty when that is not possible.
class SmallTmpfs {
 public:
  SmallTmpfs(const fs::path& where, const char* size) : m_where(where) {
    fs::create_directories(where);
    if (::geteuid() != 0) return;
    const std::string opts = std::string("size=") + size;
    m_mounted = ::mount("tmpfs", where.c_str(), "tmpfs", 0, opts.c_str()) == 0;
  }
  ~SmallTmpfs() {
    if (m_mounted) ::umount2(m_where.c_str(), MNT_DETACH);
  }
  SmallTmpfs(const SmallTmpfs&) = delete;
  SmallTmpfs& operator=(const SmallTmpfs&) = delete;
  bool mounted() const { return m_mounted; }

 private:
  fs::path m_where;
  bool m_mounted = false;
};

}  // namespace

TEST_CASE("E01: a full destination is a no_space error with a clear message, not a crash", "[ewf]") {
  SHODO_TEST_DIR(dir);
  SmallTmpfs full(dir / "small", "4m");
  if (!full.mounted()) SHODO_SKIP("mounting a 4 MiB tmpfs needs root (run the tests as root to cover it)");
  const fs::path small = dir / "small";
  const std::string data = pattern(8 * k_mib, 23);  // 5.75 MiB of incompressible data
  for (const auto c : {EwfCompression::none, EwfCompression::fast}) {
    INFO("compression " << to_string(c));
    const fs::path stem = small / (std::string("img-") + to_string(c));
    auto sink = make_sink(stem, data.size(), case_options(c));
    Status s = feed(*sink, data, 1 * k_mib);
    if (s.ok()) s = sink->finish(hashes_of(data));
    REQUIRE_FALSE(s.ok());
    INFO(s.error().describe(false));
    CHECK(s.error().code == ErrorCode::no_space);
    CHECK(s.error().ja.find("空き容量") != std::string::npos);
    CHECK(s.error().ja.find(small.string()) != std::string::npos);
    CHECK(s.error().en.find("the destination " + small.string() + " ran out of space") != std::string::npos);
    CHECK(s.error().en.find("partial image") != std::string::npos);
    // Later calls keep failing the same way.
    auto again = sink->write(reinterpret_cast<const std::uint8_t*>(data.data()), 512);
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().code == ErrorCode::no_space);
    // The sink stopped while there was still room to close the image: a consistent partial E01
    // of what was written, with no stored hash, that libewf's own verifier reads to the end.
    auto cp = sink->close_partial();
    INFO((cp.ok() ? std::string() : cp.error().describe(false)));
    REQUIRE(cp.ok());
    const std::uint64_t kept = sink->bytes_written();
    CHECK(kept > 0);
    CHECK(kept < data.size());
    CHECK(kept % 512 == 0);
    const auto files = sink->files();
    REQUIRE_FALSE(files.empty());
    CHECK(files[0] == e01_segment_path(stem, 1));
    const auto v = tool("ewfverify -q " + quoted(files[0]));
    INFO(v.output);
    CHECK(v.exit_code == 0);
    CHECK(ewfverify_value(v.output, "MD5 hash stored in file") == "N/A");
    const std::string prefix = data.substr(0, static_cast<std::size_t>(kept));
    CHECK(ewfverify_value(v.output, "MD5 hash calculated over data") == hash_of(HashAlgo::md5, prefix));
    auto stored = read_e01_info(files[0]);
    REQUIRE(stored.ok());
    CHECK(stored->md5.empty());
    CHECK(stored->media_size == kept);
    auto src = open_e01_image(files[0]);
    REQUIRE(src.ok());
    CHECK(read_image(**src) == prefix);
    sink.reset();
    for (const auto& e : fs::directory_iterator(small)) fs::remove(e.path());
  }

  // Filled behind the sink's back (another writer) after the data was written: libewf itself
  // fails to finalise; that is still a no_space error naming the destination, with libewf's text.
  // 32 MiB of zeros: 1024 tiny compressed chunks, whose tables (8 KiB) finalize still has to write —
  // more than the slack in the last allocated page of the segment file.
  const std::string one(32 * k_mib, '\0');
  EwfOptions late_options = case_options(EwfCompression::fast);
  late_options.segment_bytes = k_default_ewf_segment_bytes;
  auto sink = make_sink(small / "late", one.size(), late_options);
  REQUIRE(feed(*sink, one).ok());
  REQUIRE(sink->sync().ok());
  {
    std::ofstream filler(small / "filler", std::ios::binary);
    const std::string block(64 * 1024, 'f');
    for (int i = 0; i < 1024 && filler.write(block.data(), static_cast<std::streamsize>(block.size())); ++i) {
    }
  }
  Status s = sink->finish(hashes_of(one));
  REQUIRE_FALSE(s.ok());
  INFO(s.error().describe(false));
  CHECK(s.error().code == ErrorCode::no_space);
  CHECK(s.error().en.find("the destination " + small.string() + " ran out of space while finalising") != std::string::npos);
  CHECK(s.error().en.find("libewf:") != std::string::npos);
  CHECK(s.error().ja.find(small.string() + " の空き容量がなくなりました") != std::string::npos);
  (void)sink->close_partial();
  sink.reset();
}

// ---- throughput (hidden: run with  shodo_unit_tests "[.bench]" -s) --------------------------------

namespace {

double run_sink_bench(const fs::path& stem, const std::string& data, EwfCompression c, int threads) {
  EwfOptions o;
  o.compression = c;
  o.threads = threads;
  auto sink = make_sink(stem, data.size(), o);
  const auto t0 = std::chrono::steady_clock::now();
  for (std::size_t off = 0; off < data.size(); off += k_mib) {
    Status s = sink->write(reinterpret_cast<const std::uint8_t*>(data.data()) + off, std::min(k_mib, data.size() - off));
    if (!s) throw std::runtime_error(s.error().describe(false));
  }
  Status s = sink->finish({});
  if (!s) throw std::runtime_error(s.error().describe(false));
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The same bytes through libewf's own write_buffer (it compresses in the calling thread, as
// ewfacquire 20140813 does): the baseline the sink is compared with.
double run_libewf_bench(const fs::path& stem, const std::string& data, EwfCompression c) {
  libewf_handle_t* h = nullptr;
  libewf_handle_initialize(&h, nullptr);
  std::string s = stem.string();
  char* names[1] = {s.data()};
  if (libewf_handle_open(h, names, 1, LIBEWF_OPEN_WRITE, nullptr) != 1) throw std::runtime_error("libewf open");
  libewf_handle_set_format(h, LIBEWF_FORMAT_ENCASE6, nullptr);
  libewf_handle_set_media_size(h, data.size(), nullptr);
  libewf_handle_set_maximum_segment_size(h, k_default_ewf_segment_bytes, nullptr);
  const std::int8_t level = c == EwfCompression::none ? LIBEWF_COMPRESSION_NONE
                            : c == EwfCompression::fast ? LIBEWF_COMPRESSION_FAST
                                                        : LIBEWF_COMPRESSION_BEST;
  libewf_handle_set_compression_values(h, level, 0, nullptr);
  const auto t0 = std::chrono::steady_clock::now();
  for (std::size_t off = 0; off < data.size(); off += 32768)
    if (libewf_handle_write_buffer(h, data.data() + off, std::min<std::size_t>(32768, data.size() - off), nullptr) < 0)
      throw std::runtime_error("libewf write");
  libewf_handle_write_finalize(h, nullptr);
  libewf_handle_close(h, nullptr);
  libewf_handle_free(&h, nullptr);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

TEST_CASE("E01 sink throughput from memory vs libewf write_buffer (1 GiB: half random, half zeros)", "[.bench][ewf-bench]") {
  const char* out_env = std::getenv("SHODO_BENCH_DIR");
  const fs::path out = out_env && *out_env ? fs::path(out_env) : fs::path("/dev/shm");
  const char* size_env = std::getenv("SHODO_BENCH_MIB");
  const std::size_t mib = size_env && *size_env ? std::stoul(size_env) : 1024;
  std::string data(mib * k_mib, '\0');
  std::mt19937_64 rng(1);
  for (std::size_t i = 0; i < data.size() / 2; i += 8) {
    const std::uint64_t v = rng();
    std::memcpy(data.data() + i, &v, 8);
  }
  const std::string tag = std::to_string(::getpid());
  for (const auto c : {EwfCompression::none, EwfCompression::fast}) {
    const fs::path a = out / ("shodo-bench-sink-" + tag), b = out / ("shodo-bench-libewf-" + tag);
    const double ts = run_sink_bench(a, data, c, 0);
    const double tl = run_libewf_bench(b, data, c);
    const double mb = static_cast<double>(data.size()) / 1e6;
    std::printf("E01 %-4s  shodo sink %7.1f MB/s (%.2f s)   libewf write_buffer %7.1f MB/s (%.2f s)   ratio %.2fx\n",
                to_string(c), mb / ts, ts, mb / tl, tl, tl / ts);
    const auto v = tool("ewfverify -q " + quoted(e01_segment_path(a, 1)));
    CHECK(v.exit_code == 0);
    for (std::size_t i = 1; i < 10; ++i) {
      std::error_code ec;
      fs::remove(e01_segment_path(a, i), ec);
      fs::remove(e01_segment_path(b, i), ec);
    }
  }
}
