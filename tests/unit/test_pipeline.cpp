// The acquisition pipeline (issue 3, EV-): byte-exact images, exactly the unreadable sectors
// zero-filled and listed (first and last sector too, no shift after a bad sector), retries,
// a source that vanishes or shrinks, a bad-sector limit, split output, piecewise hashes,
// a full destination, resume after an interruption, and a second destination.
#include "tests/unit/test_support.hpp"  // first: it configures catch.hpp

#include <sys/mount.h>

#include "forensics/acquire/pipeline.hpp"
#include "forensics/integrity/hasher.hpp"
#include "tests/unit/fake_source.hpp"

using namespace shodo;
using namespace shodo::acquire;
using namespace shodo::unit;
namespace fs = std::filesystem;

namespace {

std::string hash_of(HashAlgo a, const std::vector<unsigned char>& v, std::size_t len = SIZE_MAX) {
  Hasher h(a);
  h.update(v.data(), std::min(len, v.size()));
  return h.finish_hex();
}

std::vector<unsigned char> file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

const HashValue* find_hash(const std::vector<HashValue>& v, HashAlgo a) {
  for (const auto& h : v)
    if (h.algo == a) return &h;
  return nullptr;
}

struct Acq {
  PipelineResult result;
  fs::path image;
};

Acq acquire_raw(Source& src, const fs::path& dir, PipelineOptions opts = {}) {
  auto sink = create_raw_sink(dir / "img", 0);
  REQUIRE(sink.ok());
  Progress progress;
  CancelToken cancel;
  Acq a;
  a.result = run_pipeline(src, {sink.value().get()}, opts, progress, cancel);
  a.image = dir / "img.raw";
  return a;
}

}  // namespace

TEST_CASE("hasher: published test vectors for MD5, SHA-1, SHA-256, SHA-512", "[acquire][hash]") {
  const std::vector<unsigned char> abc{'a', 'b', 'c'};
  CHECK(hash_of(HashAlgo::md5, abc) == "900150983cd24fb0d6963f7d28e17f72");  // RFC 1321
  CHECK(hash_of(HashAlgo::sha1, abc) == "a9993e364706816aba3e25717850c26c9cd0d89d");  // FIPS 180
  CHECK(hash_of(HashAlgo::sha256, abc) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(hash_of(HashAlgo::sha512, abc) ==
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd"
        "454d4423643ce80e2a9ac94fa54ca49f");
  CHECK(hash_of(HashAlgo::md5, {}) == "d41d8cd98f00b204e9800998ecf8427e");
  auto algos = parse_hash_algos("SHA-256,md5,sha256");
  REQUIRE(algos.ok());
  CHECK(algos.value() == std::vector<HashAlgo>{HashAlgo::sha256, HashAlgo::md5});
  auto bad = parse_hash_algos("sha3");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().en.find("sha3") != std::string::npos);
}

TEST_CASE("pipeline: a clean source gives a byte-exact image and the hashes of its bytes", "[acquire]") {
  SHODO_TEST_DIR(dir);
  auto data = disk_pattern(3 * 1024 * 1024 + 1536);
  FakeSource src(data);
  PipelineOptions opts;
  opts.algos = {HashAlgo::sha256, HashAlgo::md5, HashAlgo::sha1, HashAlgo::sha512};
  opts.block_size = 256 * 1024;
  opts.queue_blocks = 4;
  auto a = acquire_raw(src, dir.path(), opts);
  REQUIRE(a.result.outcome == Outcome::complete);
  CHECK(a.result.bytes_covered == data.size());
  CHECK(a.result.bad.empty());
  CHECK(file_bytes(a.image) == data);
  REQUIRE(a.result.hashes.size() == 4);
  for (HashAlgo alg : opts.algos) {
    const auto* h = find_hash(a.result.hashes, alg);
    REQUIRE(h);
    CHECK(h->hex == hash_of(alg, data));
  }
  CHECK(a.result.partial_hashes.empty());
}

TEST_CASE("pipeline: exactly the unreadable sectors are zero-filled, at the right offsets", "[acquire][bad]") {
  SHODO_TEST_DIR(dir);
  auto data = disk_pattern(2 * 1024 * 1024);
  for (auto& b : data)
    if (b == 0) b = 0x5a;  // no natural zeros: a stray zero-fill would show
  FakeSource src(data);
  const std::uint64_t last = data.size() / 512 - 1;
  // First sector, a pair, both sides of a block boundary (block = 64 KiB = 128 sectors), last.
  src.bad_sectors = {0, 5, 6, 127, 128, 1000, last};
  PipelineOptions opts;
  opts.block_size = 64 * 1024;
  opts.queue_blocks = 3;
  auto a = acquire_raw(src, dir.path(), opts);
  REQUIRE(a.result.outcome == Outcome::complete_with_bad_sectors);
  CHECK(a.result.bad_sectors == 7);
  REQUIRE(a.result.bad.size() == 5);
  CHECK(a.result.bad[0].offset == 0);
  CHECK(a.result.bad[0].length == 512);
  CHECK(a.result.bad[1].offset == 5 * 512);
  CHECK(a.result.bad[1].length == 1024);
  CHECK(a.result.bad[2].offset == 127 * 512);  // merged across the block boundary
  CHECK(a.result.bad[2].length == 1024);
  CHECK(a.result.bad[3].offset == 1000 * 512);
  CHECK(a.result.bad[4].offset == last * 512);
  auto expected = data;
  for (auto lba : src.bad_sectors) std::fill_n(expected.begin() + static_cast<long>(lba * 512), 512, 0);
  const auto image = file_bytes(a.image);
  REQUIRE(image.size() == data.size());
  CHECK(image == expected);  // no shift after a bad sector, no neighbour zeroed
  CHECK(find_hash(a.result.hashes, HashAlgo::sha256)->hex == hash_of(HashAlgo::sha256, expected));
}

TEST_CASE("pipeline: transient read errors are retried — persistent ones become bad sectors", "[acquire][bad]") {
  SHODO_TEST_DIR(dir);
  auto data = disk_pattern(512 * 1024);
  {
    FakeSource src(data);
    src.transient = {{10, 2}, {700, 1}};
    PipelineOptions opts;
    opts.block_size = 128 * 1024;
    opts.retries = 2;
    auto a = acquire_raw(src, dir.path(), opts);
    CHECK(a.result.outcome == Outcome::complete);
    CHECK(file_bytes(a.image) == data);
  }
  fs::remove(dir / "img.raw");
  {
    FakeSource src(data);
    src.transient = {{10, 9}};  // more failures than block + sector retries
    PipelineOptions opts;
    opts.block_size = 128 * 1024;
    opts.retries = 1;
    auto a = acquire_raw(src, dir.path(), opts);
    CHECK(a.result.outcome == Outcome::complete_with_bad_sectors);
    REQUIRE(a.result.bad.size() == 1);
    CHECK(a.result.bad[0].offset == 10 * 512);
  }
}

TEST_CASE("pipeline: a source that vanishes mid-read aborts with a consistent partial image", "[acquire][gone]") {
  SHODO_TEST_DIR(dir);
  auto data = disk_pattern(1024 * 1024);
  FakeSource src(data);
  src.vanish_at = 600 * 1024 + 100;
  PipelineOptions opts;
  opts.block_size = 64 * 1024;
  opts.algos = {HashAlgo::sha256, HashAlgo::md5};
  auto a = acquire_raw(src, dir.path(), opts);
  REQUIRE(a.result.outcome == Outcome::aborted_source_gone);
  REQUIRE(a.result.error.has_value());
  CHECK(a.result.error->en.find("disappeared") != std::string::npos);
  CHECK(a.result.error->ja.find("読み取り元が見つからなくなりました") != std::string::npos);
  CHECK(a.result.hashes.empty());  // never a hash of the whole source
  CHECK(a.result.bytes_covered == 576 * 1024);  // whole blocks before the one that failed
  const auto image = file_bytes(a.image);
  REQUIRE(image.size() == a.result.bytes_covered);
  CHECK(std::equal(image.begin(), image.end(), data.begin()));
  CHECK(find_hash(a.result.partial_hashes, HashAlgo::md5)->hex == hash_of(HashAlgo::md5, data, image.size()));
}

TEST_CASE("pipeline: a source that shrinks aborts as gone, not as bad sectors", "[acquire][gone]") {
  SHODO_TEST_DIR(dir);
  auto data = disk_pattern(1024 * 1024);
  FakeSource src(data);
  src.shrink_at = 300 * 1024;
  src.shrink_to = 256 * 1024;
  PipelineOptions opts;
  opts.block_size = 64 * 1024;
  auto a = acquire_raw(src, dir.path(), opts);
  REQUIRE(a.result.outcome == Outcome::aborted_source_gone);
  CHECK(a.result.error->en.find("shrank") != std::string::npos);
  CHECK(a.result.bad.empty());
  CHECK(a.result.hashes.empty());
  CHECK(file_bytes(a.image).size() == a.result.bytes_covered);
}

TEST_CASE("pipeline: the bad-sector limit stops a hopeless job", "[acquire][bad]") {
  SHODO_TEST_DIR(dir);
  auto data = disk_pattern(512 * 1024);
  FakeSource src(data);
  for (std::uint64_t lba = 300; lba < 400; ++lba) src.bad_sectors.insert(lba);
  PipelineOptions opts;
  opts.block_size = 32 * 1024;
  opts.retries = 0;
  opts.max_bad_sectors = 10;
  auto a = acquire_raw(src, dir.path(), opts);
  REQUIRE(a.result.outcome == Outcome::aborted_bad_limit);
  CHECK(a.result.error->en.find("limit (10)") != std::string::npos);
  CHECK(a.result.hashes.empty());
  CHECK(a.result.bytes_covered == 256 * 512);  // the image ends before the block that crossed the limit
  CHECK(file_bytes(a.image).size() == a.result.bytes_covered);
  // The sectors that crossed the limit are listed, as not in the image, and counted.
  CHECK(a.result.bad.empty());
  REQUIRE(a.result.bad_beyond.size() == 1);
  CHECK(a.result.bad_beyond[0].offset == 300 * 512);
  CHECK(a.result.bad_beyond[0].length == 20 * 512);
  CHECK(a.result.bad_sectors == 20);
}

TEST_CASE("pipeline: split output, read back as one stream, and piecewise hashes", "[acquire][split]") {
  SHODO_TEST_DIR(dir);
  auto data = disk_pattern(1000 * 1000 + 7);
  FakeSource src(data);
  auto sink = create_raw_sink(dir / "img", 300000);
  REQUIRE(sink.ok());
  PipelineOptions opts;
  opts.block_size = 64 * 1024;
  opts.piece_size = 300000;
  Progress progress;
  CancelToken cancel;
  auto r = run_pipeline(src, {sink.value().get()}, opts, progress, cancel);
  REQUIRE(r.outcome == Outcome::complete);
  const auto files = sink.value()->files();
  REQUIRE(files.size() == 4);
  CHECK(files[0].filename() == "img.001");
  CHECK(files[3].filename() == "img.004");
  CHECK(fs::file_size(files[0]) == 300000);
  CHECK(fs::file_size(files[3]) == 100007);
  REQUIRE(r.pieces.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(r.pieces[i].offset == i * 300000);
    Hasher h(HashAlgo::sha256);
    h.update(data.data() + i * 300000, r.pieces[i].length);
    CHECK(r.pieces[i].hex == h.finish_hex());
    auto seg = file_bytes(files[i]);
    CHECK(hash_of(HashAlgo::sha256, seg) == r.pieces[i].hex);  // a piece = a segment file
  }
  auto img = open_raw_image(files);
  REQUIRE(img.ok());
  Progress p2;
  auto v = hash_source(*img.value(), {HashAlgo::sha256}, p2, cancel);
  REQUIRE(v.outcome == Outcome::complete);
  CHECK(v.hashes[0].hex == r.hashes[0].hex);
  // A second run never overwrites.
  auto again = create_raw_sink(dir / "img", 300000);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == ErrorCode::already_exists);
  // Resuming with nothing committed: the unconfirmed segments go, writing starts at byte 0.
  auto restart = create_raw_sink(dir / "img", 300000, std::uint64_t{0});
  REQUIRE(restart.ok());
  CHECK_FALSE(fs::exists(segment_path(dir / "img", 2)));
  CHECK(fs::file_size(segment_path(dir / "img", 1)) == 0);
  CHECK(restart.value()->bytes_written() == 0);
}

TEST_CASE("pipeline: a second destination gets the same bytes", "[acquire]") {
  SHODO_TEST_DIR(dir);
  auto data = disk_pattern(700 * 1024);
  FakeSource src(data);
  src.bad_sectors = {33};
  auto a = create_raw_sink(dir / "a", 0);
  auto b = create_raw_sink(dir / "b", 256 * 1024);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  PipelineOptions opts;
  opts.block_size = 64 * 1024;
  Progress progress;
  CancelToken cancel;
  auto r = run_pipeline(src, {a.value().get(), b.value().get()}, opts, progress, cancel);
  REQUIRE(r.outcome == Outcome::complete_with_bad_sectors);
  auto ia = file_bytes(dir / "a.raw");
  std::vector<unsigned char> ib;
  for (auto& f : b.value()->files()) {
    auto part = file_bytes(f);
    ib.insert(ib.end(), part.begin(), part.end());
  }
  CHECK(ia == ib);
  CHECK(hash_of(HashAlgo::sha256, ia) == r.hashes[0].hex);
  CHECK(progress.finished.load());
  CHECK(progress.done.load() == data.size());
  CHECK(progress.errors.load() == 1);
}

TEST_CASE("pipeline: a full destination ends the job with a consistent partial image", "[acquire][full]") {
  SHODO_TEST_DIR(dir);
  if (geteuid() != 0) SHODO_SKIP("mounting a small tmpfs needs root");
  const fs::path mnt = dir / "small";
  fs::create_directories(mnt);
  REQUIRE(::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=1m") == 0);
  struct Unmount {
    fs::path p;
    ~Unmount() { ::umount2(p.c_str(), MNT_DETACH); }
  } unmount{mnt};
  auto data = disk_pattern(3 * 1024 * 1024);
  FakeSource src(data);
  PipelineOptions opts;
  opts.block_size = 64 * 1024;
  auto a = acquire_raw(src, mnt, opts);
  REQUIRE(a.result.outcome == Outcome::aborted_destination);
  REQUIRE(a.result.error.has_value());
  CHECK(a.result.error->code == ErrorCode::no_space);
  CHECK(a.result.error->en.find("destination is full") != std::string::npos);
  CHECK(a.result.hashes.empty());
  const auto image = file_bytes(a.image);
  CHECK(image.size() == a.result.bytes_covered);  // no half-written block
  CHECK(image.size() % (64 * 1024) == 0);
  CHECK(image.size() > 0);
  CHECK(std::equal(image.begin(), image.end(), data.begin()));
  CHECK(find_hash(a.result.partial_hashes, HashAlgo::sha256)->hex == hash_of(HashAlgo::sha256, image));
}

TEST_CASE("pipeline: resume continues from the last commit and gives the whole-source hash", "[acquire][resume]") {
  SHODO_TEST_DIR(dir);
  auto data = disk_pattern(2 * 1024 * 1024);
  std::uint64_t committed = 0;
  std::vector<BadRange> committed_bad;
  {
    FakeSource src(data);
    src.bad_sectors = {3};
    src.vanish_at = 1500 * 1024;  // "power lost" here
    auto sink = create_raw_sink(dir / "img", 512 * 1024);
    REQUIRE(sink.ok());
    PipelineOptions opts;
    opts.block_size = 64 * 1024;
    opts.commit_interval = 256 * 1024;
    opts.on_commit = [&](std::uint64_t at, const std::vector<BadRange>& bad) {
      committed = at;
      committed_bad = bad;
    };
    Progress progress;
    CancelToken cancel;
    auto r = run_pipeline(src, {sink.value().get()}, opts, progress, cancel);
    REQUIRE(r.outcome == Outcome::aborted_source_gone);
    CHECK(committed == 1280 * 1024);
    REQUIRE(committed_bad.size() == 1);
  }
  FakeSource src(data);
  src.bad_sectors = {3};
  auto sink = create_raw_sink(dir / "img", 512 * 1024, committed);
  REQUIRE(sink.ok());
  auto files = sink.value()->files();
  auto prefix = open_raw_image(files);
  REQUIRE(prefix.ok());
  PipelineOptions opts;
  opts.block_size = 64 * 1024;
  opts.resume_offset = committed;
  opts.prefix = prefix.value().get();
  opts.prior_bad = committed_bad;
  opts.algos = {HashAlgo::sha256, HashAlgo::md5};
  Progress progress;
  CancelToken cancel;
  auto r = run_pipeline(src, {sink.value().get()}, opts, progress, cancel);
  REQUIRE(r.outcome == Outcome::complete_with_bad_sectors);
  auto expected = data;
  std::fill_n(expected.begin() + 3 * 512, 512, 0);
  std::vector<unsigned char> image;
  for (auto& f : sink.value()->files()) {
    auto part = file_bytes(f);
    image.insert(image.end(), part.begin(), part.end());
  }
  CHECK(sink.value()->files().size() == 4);
  CHECK(image == expected);
  CHECK(find_hash(r.hashes, HashAlgo::sha256)->hex == hash_of(HashAlgo::sha256, expected));
  CHECK(find_hash(r.hashes, HashAlgo::md5)->hex == hash_of(HashAlgo::md5, expected));
  REQUIRE(r.bad.size() == 1);
  CHECK(r.bad[0].offset == 3 * 512);
  // Only the part after the commit was read from the source again.
  CHECK(src.reads <= static_cast<int>((data.size() - committed) / (64 * 1024)) + 1);
}

TEST_CASE("pipeline: cancel stops the job — it is never reported complete", "[acquire]") {
  SHODO_TEST_DIR(dir);
  auto data = disk_pattern(1024 * 1024);
  FakeSource src(data);
  auto sink = create_raw_sink(dir / "img", 0);
  REQUIRE(sink.ok());
  Progress progress;
  CancelToken cancel;
  cancel.cancel();
  auto r = run_pipeline(src, {sink.value().get()}, {}, progress, cancel);
  CHECK(r.outcome == Outcome::cancelled);
  CHECK(r.hashes.empty());
}

// ---- a dead source is not bad sectors (issue 10 §5) --------------------------------------------

TEST_CASE("pipeline: a source that fails from the very first read stops as unresponsive, not bad sectors", "[acquire][dead]") {
  SHODO_TEST_DIR(dir);
  auto data = disk_pattern(1024 * 1024);
  FakeSource src(data);
  src.dead_from = 0;
  PipelineOptions opts;
  opts.block_size = 64 * 1024;
  opts.algos = {HashAlgo::sha256, HashAlgo::md5};
  auto a = acquire_raw(src, dir.path(), opts);
  REQUIRE(a.result.outcome == Outcome::aborted_source_unresponsive);
  CHECK_FALSE(is_complete(a.result.outcome));
  REQUIRE(a.result.error.has_value());
  CHECK(a.result.error->en.find("does not answer") != std::string::npos);
  CHECK(a.result.error->ja.find("応答しません") != std::string::npos);
  CHECK(a.result.hashes.empty());  // never a hash of the whole source
  CHECK(a.result.bytes_covered == 0);
  CHECK(file_bytes(a.image).empty());
  // It gave up after one run (64 sectors × 3 attempts) and the probes, not after 2048 sectors.
  CHECK(src.sector_reads <= 64 * 3 + 3 * 3);
}

TEST_CASE("pipeline: a source that dies half-way stops as unresponsive with a consistent partial image", "[acquire][dead]") {
  SHODO_TEST_DIR(dir);
  auto data = disk_pattern(1024 * 1024);
  FakeSource src(data);
  src.dead_from = 600 * 1024 + 100;
  PipelineOptions opts;
  opts.block_size = 64 * 1024;
  opts.algos = {HashAlgo::sha256, HashAlgo::md5};
  auto a = acquire_raw(src, dir.path(), opts);
  REQUIRE(a.result.outcome == Outcome::aborted_source_unresponsive);
  REQUIRE(a.result.error.has_value());
  CHECK(a.result.error->en.find("stopped answering") != std::string::npos);
  CHECK(a.result.error->ja.find("応答しなくなりました") != std::string::npos);
  CHECK(a.result.hashes.empty());
  CHECK(a.result.bytes_covered == 576 * 1024);  // whole blocks before the one where it died
  CHECK(a.result.bad.empty());                  // nothing was passed off as a bad sector
  const auto image = file_bytes(a.image);
  REQUIRE(image.size() == a.result.bytes_covered);
  CHECK(std::equal(image.begin(), image.end(), data.begin()));
  CHECK(find_hash(a.result.partial_hashes, HashAlgo::md5)->hex == hash_of(HashAlgo::md5, data, image.size()));
}

TEST_CASE("pipeline: a long run of real bad sectors is still zero-filled exactly — the source answers", "[acquire][dead]") {
  SHODO_TEST_DIR(dir);
  auto data = disk_pattern(1024 * 1024);
  FakeSource src(data);
  for (std::uint64_t lba = 0; lba < 300; ++lba) src.bad_sectors.insert(lba);       // from the very start
  for (std::uint64_t lba = 1000; lba < 1200; ++lba) src.bad_sectors.insert(lba);  // and a later area
  PipelineOptions opts;
  opts.block_size = 64 * 1024;
  opts.retries = 0;
  auto a = acquire_raw(src, dir.path(), opts);
  REQUIRE(a.result.outcome == Outcome::complete_with_bad_sectors);
  CHECK(a.result.bad_sectors == 500);
  REQUIRE(a.result.bad.size() == 2);
  CHECK(a.result.bad[0].offset == 0);
  CHECK(a.result.bad[0].length == 300 * 512);
  CHECK(a.result.bad[1].offset == 1000 * 512);
  CHECK(a.result.bad[1].length == 200 * 512);
  auto expected = data;
  std::fill_n(expected.begin(), 300 * 512, 0);
  std::fill_n(expected.begin() + 1000 * 512, 200 * 512, 0);
  CHECK(file_bytes(a.image) == expected);
  CHECK(find_hash(a.result.hashes, HashAlgo::sha256)->hex == hash_of(HashAlgo::sha256, expected));
}

TEST_CASE("pipeline: a source of which not one sector reads is never complete, even below the run length", "[acquire][dead]") {
  SHODO_TEST_DIR(dir);
  auto data = disk_pattern(16 * 1024);  // 32 sectors: shorter than one run of 64
  FakeSource src(data);
  for (std::uint64_t lba = 0; lba < 32; ++lba) src.bad_sectors.insert(lba);
  PipelineOptions opts;
  opts.block_size = 4096;
  auto a = acquire_raw(src, dir.path(), opts);
  REQUIRE(a.result.outcome == Outcome::aborted_source_unresponsive);
  CHECK(a.result.hashes.empty());
  REQUIRE(a.result.error.has_value());
  CHECK(a.result.error->en.find("not one sector") != std::string::npos);
  CHECK(a.result.error->ja.find("1 つも読めませんでした") != std::string::npos);
}
