// Shared by the libFuzzer harnesses in tests/fuzz (issue 10 §7). Each harness feeds one parser
// of untrusted bytes through its public entry point and checks what must hold for ANY input:
// no crash, no sanitizer report, no exception escaping, and the parser's own contract (named in
// each harness). A broken contract aborts through SHODO_FUZZ_CHECK, which libFuzzer reports
// as a crash with the input saved.
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <unistd.h>

#define SHODO_FUZZ_CHECK(cond)                                                                  \
  do {                                                                                          \
    if (!(cond)) {                                                                              \
      std::fprintf(stderr, "%s:%d: fuzz contract broken: %s\n", __FILE__, __LINE__, #cond);     \
      std::abort();                                                                             \
    }                                                                                           \
  } while (0)

namespace shodo::fuzz {

inline std::string_view bytes(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A scratch directory for harnesses whose entry point reads a file: one per process (libFuzzer's
// -jobs/-workers run separate processes), under $TMPDIR, removed at exit.
class Scratch {
 public:
  Scratch() {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/shodo-fuzz-XXXXXX";
    if (!::mkdtemp(tmpl.data())) std::abort();
    m_dir = tmpl;
  }
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(m_dir, ec);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  const std::filesystem::path& dir() const { return m_dir; }

  // Replaces `rel` (created with its parent folders) with exactly `content`.
  std::filesystem::path write(const std::string& rel, std::string_view content) const {
    const std::filesystem::path p = m_dir / rel;
    std::filesystem::create_directories(p.parent_path());
    std::FILE* f = std::fopen(p.c_str(), "wb");
    if (!f) std::abort();
    if (!content.empty() && std::fwrite(content.data(), 1, content.size(), f) != content.size()) std::abort();
    std::fclose(f);
    return p;
  }

 private:
  std::filesystem::path m_dir;
};

}  // namespace shodo::fuzz
