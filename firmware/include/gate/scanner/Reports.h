#pragma once
// What `gate-scanner status` and `gate-scanner stats` print, read from the device database:
// the assignment, identity, link, cache and queues; the scans counted by verdict and reason.

#include <ostream>

#include "gate/Result.h"
#include "gate/device/DeviceDatabase.h"

namespace gate::scanner {

/// The status report, one "name  value" line each. Nothing is written when a read fails.
Status<db::Error> write_status(device::DeviceDatabase& database, std::ostream& out);

/// The scan counts: plain lines, or one JSON object when `json`.
Status<db::Error> write_stats(device::DeviceDatabase& database, bool json, std::ostream& out);

}  // namespace gate::scanner
