#include "forensics/core/result.hpp"

#include <cstring>

namespace shodo {

std::string Error::describe(bool japanese) const {
  std::string out;
  for (auto it = context.rbegin(); it != context.rend(); ++it) {
    out += *it;
    out += ": ";
  }
  out += japanese ? ja : en;
  return out;
}

Error make_error(ErrorCode code, std::string ja, std::string en) {
  return Error{code, std::move(ja), std::move(en), {}};
}

Error make_errno_error(ErrorCode code, int err, const std::string& what_ja,
                       const std::string& what_en) {
  if (err == ENOSPC || err == EDQUOT) code = ErrorCode::no_space;
  std::string sys = std::strerror(err);
  std::string ja = what_ja + " (" + sys + ")";
  std::string en = what_en + " (" + sys + ")";
  if (code == ErrorCode::no_space) {
    ja += "。ケース用ボリュームの空き容量がありません。別の媒体を接続するか不要なファイルを移してください";
    en += ". The case volume is full: attach another medium or move files away";
  }
  return make_error(code, std::move(ja), std::move(en));
}

int exit_code_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_input: return 2;
    case ErrorCode::not_found:
    case ErrorCode::already_exists: return 3;
    case ErrorCode::integrity: return 4;
    case ErrorCode::io_error:
    case ErrorCode::not_saved:
    case ErrorCode::no_space: return 5;
    case ErrorCode::read_only: return 6;
    case ErrorCode::unsupported: return 7;
  }
  return 1;
}

}  // namespace shodo
