// Result<T>: expected failures as values (ccache util/expected.hpp style).
// An Error carries a code, a bilingual message (what happened and what to do next)
// and a context chain ("reading /x: ...") built up as it travels outwards.
#pragma once
#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace shodo {

// Error codes. Each maps to a documented CLI exit code (see exit_code_for()).
enum class ErrorCode {
  invalid_input,     // the user gave something we cannot use (bad argument, not UTF-8 ...)
  not_found,         // incident, entry or file does not exist
  already_exists,    // refusing to overwrite
  io_error,          // the OS refused a read or write
  not_saved,         // a write or fsync failed: the entry is NOT durable
  no_space,          // the case volume is full
  integrity,         // hash chain / signature / manifest check failed
  read_only,         // a damaged chronology may be read but never written
  unsupported,       // valid request this build cannot do
};

struct Error {
  ErrorCode code = ErrorCode::io_error;
  std::string ja;                    // Japanese message
  std::string en;                    // English message
  std::vector<std::string> context;  // innermost first, e.g. "appending to chronology.jsonl"

  // The message in one language with its context chain, outermost context first.
  std::string describe(bool japanese) const;
};

Error make_error(ErrorCode code, std::string ja, std::string en);
// errno-based error with strerror text, e.g. for write()/fsync() failures.
Error make_errno_error(ErrorCode code, int err, const std::string& what_ja,
                       const std::string& what_en);

// The CLI exit code for an error code (documented in the user guide):
// 2 invalid input, 3 not found/exists, 4 integrity failure, 5 not saved / I/O / no space,
// 6 read-only chronology, 7 unsupported.
int exit_code_for(ErrorCode code);

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : m_v(std::move(value)) {}
  Result(Error error) : m_v(std::move(error)) {}
  bool ok() const { return m_v.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & {
    assert(ok() && "value() on a failed Result: check ok() first");
    return std::get<0>(m_v);
  }
  const T& value() const& {
    assert(ok() && "value() on a failed Result: check ok() first");
    return std::get<0>(m_v);
  }
  T&& value() && {
    assert(ok() && "value() on a failed Result: check ok() first");
    return std::get<0>(std::move(m_v));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const Error& error() const {
    assert(!ok() && "error() on a successful Result");
    return std::get<1>(m_v);
  }
  Error& error() {
    assert(!ok() && "error() on a successful Result");
    return std::get<1>(m_v);
  }
  // Adds a context line and passes the error on.
  Result&& with_context(std::string ctx) && {
    if (!ok()) std::get<1>(m_v).context.push_back(std::move(ctx));
    return std::move(*this);
  }

 private:
  std::variant<T, Error> m_v;
};

struct Unit {};
using Status = Result<Unit>;
inline Status ok_status() { return Unit{}; }

}  // namespace shodo
