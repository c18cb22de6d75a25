#pragma once
// Whole-file reads that keep the reason a read failed (missing, not a file, no permission),
// so config and secret loading can word their errors; optionally with the file's mode.

#include <sys/types.h>

#include <string>

namespace gate::config::detail {

enum class FileProblem { None, Missing, NotRegular, Unreadable };

struct FileText {
    FileProblem problem = FileProblem::None;
    std::string reason;  ///< strerror text for Unreadable
    mode_t mode = 0;     ///< permission bits of the file that was opened
    std::string bytes;
};

/// Opens once and checks the opened file (fstat), so the mode seen is the mode of the
/// bytes read even if the path is swapped meanwhile.
FileText read_file_text(const std::string& path);

}  // namespace gate::config::detail
