#include "gate/domain/SyncMessages.h"

#include <charconv>
#include <limits>
#include <type_traits>
#include <utility>

#include "gate/codec/Base58.h"
#include "gate/codec/Base64Url.h"
#include "gate/crypto/SealedBox.h"

namespace gate::domain {

using nlohmann::json;

// ---- Reading ----------------------------------------------------------------------------

namespace {

std::string type_name(const json& value) {
    if (value.is_number_integer()) return "an integer";
    if (value.is_number_float()) return "a fractional number";
    if (value.is_string()) return "a string";
    if (value.is_boolean()) return "a boolean";
    if (value.is_null()) return "null";
    if (value.is_array()) return "an array";
    return "an object";
}

std::string join(const std::string& path, std::string_view name) {
    return path.empty() ? std::string(name) : path + "." + std::string(name);
}

std::string index_path(const std::string& path, std::size_t index) {
    return path + "[" + std::to_string(index) + "]";
}

// Reads the fields of one JSON object, keeping the first problem it meets. Getters return
// a harmless default after a problem, so a reader is written straight through and checked
// once at the end (no exceptions, no early returns at every field).
class Reader {
  public:
    Reader(const json& object, std::string path, std::optional<MessageError>& error)
        : object_(object), path_(std::move(path)), error_(error) {
        if (!object_.is_object()) problem(path_, "expected an object, got " + type_name(object_));
    }

    const std::string& path() const { return path_; }
    bool failed() const { return error_.has_value(); }

    void problem(const std::string& field, const std::string& what) {
        if (error_) return;
        error_ = MessageError{field, (field.empty() ? "body" : field) + ": " + what};
    }

    // The field, or nullptr (with a problem recorded) when it is missing.
    const json* field(std::string_view name) {
        if (failed() || !object_.is_object()) return nullptr;
        auto it = object_.find(name);
        if (it == object_.end()) {
            problem(join(path_, name), "missing");
            return nullptr;
        }
        return &*it;
    }

    bool has(std::string_view name) const { return object_.is_object() && object_.contains(name); }

    template <class Int>
    Int integer(std::string_view name, Int min = std::numeric_limits<Int>::min(),
                Int max = std::numeric_limits<Int>::max()) {
        const json* value = field(name);
        if (value == nullptr) return Int{};
        return integer_value<Int>(*value, join(path_, name), min, max);
    }

    template <class Int>
    Int integer_value(const json& value, const std::string& where, Int min, Int max) {
        if (!value.is_number_integer()) {
            problem(where, "expected an integer, got " + type_name(value));
            return Int{};
        }
        const bool in_range = value.is_number_unsigned()
                                  ? !std::cmp_less(value.get<std::uint64_t>(), min) &&
                                        !std::cmp_greater(value.get<std::uint64_t>(), max)
                                  : !std::cmp_less(value.get<std::int64_t>(), min) &&
                                        !std::cmp_greater(value.get<std::int64_t>(), max);
        if (!in_range) {
            problem(where, "out of range " + std::to_string(min) + ".." + std::to_string(max));
            return Int{};
        }
        return value.get<Int>();
    }

    bool boolean(std::string_view name) {
        const json* value = field(name);
        if (value == nullptr) return false;
        if (!value->is_boolean()) {
            problem(join(path_, name), "expected true or false, got " + type_name(*value));
            return false;
        }
        return value->get<bool>();
    }

    std::string text(std::string_view name, bool allow_empty = false) {
        const json* value = field(name);
        if (value == nullptr) return {};
        if (!value->is_string()) {
            problem(join(path_, name), "expected a string, got " + type_name(*value));
            return {};
        }
        auto s = value->get<std::string>();
        if (s.empty() && !allow_empty) problem(join(path_, name), "must not be empty");
        return s;
    }

    std::uint64_t ticket_id(std::string_view name) {
        const json* value = field(name);
        if (value == nullptr) return 0;
        return ticket_id_value(*value, join(path_, name));
    }

    std::optional<std::uint64_t> optional_ticket_id(std::string_view name) {
        const json* value = field(name);
        if (value == nullptr || value->is_null()) return std::nullopt;
        return ticket_id_value(*value, join(path_, name));
    }

    std::uint64_t ticket_id_value(const json& value, const std::string& where) {
        if (!value.is_string()) {
            problem(where, "expected a ticket id as a decimal string, got " + type_name(value));
            return 0;
        }
        auto id = ticket_id_from_string(value.get_ref<const std::string&>());
        if (!id) {
            problem(where, "'" + value.get<std::string>() +
                               "' is not a ticket id (decimal digits, no leading zeros, 64 bits)");
            return 0;
        }
        return *id;
    }

    template <class Enum>
    Enum choice(std::string_view name, std::optional<Enum> (*from)(std::string_view) noexcept,
                std::string_view allowed) {
        const std::string s = text(name, true);
        if (failed()) return Enum{};
        auto value = from(s);
        if (!value) {
            problem(join(path_, name), "'" + s + "' is not one of " + std::string(allowed));
            return Enum{};
        }
        return *value;
    }

    crypto::PublicKey public_key(std::string_view name) {
        const std::string s = text(name);
        if (failed()) return {};
        auto key = crypto::PublicKey::from_base58(s);
        if (!key) {
            problem(join(path_, name), "not a base58 Ed25519 public key (32 bytes)");
            return {};
        }
        return *key;
    }

    crypto::Signature signature(std::string_view name) {
        const std::string s = text(name);
        if (failed()) return {};
        auto sig = crypto::Signature::from_base58(s);
        if (!sig) {
            problem(join(path_, name), "not a base58 Ed25519 signature (64 bytes)");
            return {};
        }
        return *sig;
    }

    // Calls each(element, path) for every element of the array field `name`.
    template <class Each>
    void array(std::string_view name, Each&& each, std::size_t max_size = 0) {
        const json* value = field(name);
        if (value == nullptr) return;
        const std::string where = join(path_, name);
        if (!value->is_array()) {
            problem(where, "expected an array, got " + type_name(*value));
            return;
        }
        if (max_size != 0 && value->size() > max_size) {
            problem(where, "holds " + std::to_string(value->size()) + " elements, at most " +
                               std::to_string(max_size) + " allowed");
            return;
        }
        for (std::size_t i = 0; i < value->size() && !failed(); ++i)
            each((*value)[i], index_path(where, i));
    }

    const json& object_field(std::string_view name) {
        static const json kNull;
        const json* value = field(name);
        return value == nullptr ? kNull : *value;
    }

    std::optional<MessageError>& error() { return error_; }

  private:
    const json& object_;
    std::string path_;
    std::optional<MessageError>& error_;
};

constexpr std::int64_t kMaxTime = std::numeric_limits<std::int64_t>::max();

CheckinList read_checkin_list(const json& j, const std::string& path,
                              std::optional<MessageError>& error) {
    Reader r(j, path, error);
    CheckinList out;
    out.id = r.integer<std::int64_t>("id");
    out.name = r.text("name", true);
    r.array("tiers", [&](const json& element, const std::string& where) {
        out.tiers.push_back(r.integer_value<std::uint8_t>(element, where, 0, 255));
    });
    out.reentry =
        r.choice<Reentry>("reentry", &reentry_from_string, "single, multi, entry_after_exit");
    out.accept_unknown_tickets = r.boolean("accept_unknown_tickets");
    return out;
}

EventInfo read_event(const json& j, const std::string& path, std::optional<MessageError>& error) {
    Reader r(j, path, error);
    EventInfo out;
    out.id = r.integer<std::uint32_t>("id");
    out.name = r.text("name", true);
    out.starts_at = r.integer<std::int64_t>("starts_at", 0, kMaxTime);
    out.ends_at = r.integer<std::int64_t>("ends_at", 0, kMaxTime);
    // Added after v1 went out: a backend that does not send it has no cancelled events.
    if (r.has("status"))
        out.status = r.choice<EventStatus>("status", event_status_from_string, "active, cancelled");
    return out;
}

bool is_http_url(std::string_view url) {
    return (url.starts_with("http://") && url.size() > 7) ||
           (url.starts_with("https://") && url.size() > 8);
}

ChainAssignment read_chain(const json& j, const std::string& path,
                           std::optional<MessageError>& error) {
    Reader r(j, path, error);
    ChainAssignment out;
    out.rpc_url = r.text("rpc_url");
    if (!r.failed() && !is_http_url(out.rpc_url))
        r.problem(join(path, "rpc_url"), "must be an http:// or https:// URL");
    out.validator = r.public_key("validator");
    out.validator_key_sealed = r.text("validator_key_sealed");
    if (!r.failed()) {
        auto sealed = codec::base64url_decode(out.validator_key_sealed);
        if (!sealed || sealed->size() <= crypto::kSealedBoxOverhead)
            r.problem(join(path, "validator_key_sealed"), "not base64url of a sealed key");
    }
    return out;
}

Assignment read_assignment(const json& j, const std::string& path,
                           std::optional<MessageError>& error) {
    Reader r(j, path, error);
    Assignment out;
    out.device_id = r.integer<std::int64_t>("device_id");
    out.event_id = r.integer<std::uint32_t>("event_id");
    out.gate = r.text("gate");
    if (!r.failed())
        out.checkin_list =
            read_checkin_list(r.object_field("checkin_list"), join(path, "checkin_list"), error);
    if (!r.failed()) out.event = read_event(r.object_field("event"), join(path, "event"), error);
    out.server_time = r.integer<std::int64_t>("server_time", 0, kMaxTime);
    if (!r.failed() && out.event.id != out.event_id)
        r.problem(join(path, "event.id"), "does not match event_id");
    if (!r.failed() && r.has("chain") && !r.object_field("chain").is_null())
        out.chain = read_chain(r.object_field("chain"), join(path, "chain"), error);
    return out;
}

TicketRecord read_ticket(const json& j, const std::string& path,
                         std::optional<MessageError>& error) {
    Reader r(j, path, error);
    TicketRecord out;
    out.ticket_id = r.ticket_id("ticket_id");
    out.tier = r.integer<std::uint8_t>("tier");
    out.generation = r.integer<std::uint32_t>("generation");
    out.status =
        r.choice<TicketStatus>("status", &ticket_status_from_string, "valid, revoked, frozen");
    if (!r.failed() && r.has("mint") && !r.object_field("mint").is_null())
        out.mint = r.public_key("mint");
    return out;
}

InsideRecord read_inside(const json& j, const std::string& path,
                         std::optional<MessageError>& error) {
    Reader r(j, path, error);
    InsideRecord out;
    out.ticket_id = r.ticket_id("ticket_id");
    out.direction = r.choice<Direction>("direction", &direction_from_string, "in, out");
    out.at = r.integer<std::int64_t>("at", 0, kMaxTime);
    out.gate = r.text("gate");
    return out;
}

IssuerKeyRecord read_issuer_key(const json& j, const std::string& path,
                                std::optional<MessageError>& error) {
    Reader r(j, path, error);
    IssuerKeyRecord out;
    out.public_key = r.public_key("public_key");
    out.event_id = r.integer<std::uint32_t>("event_id");
    out.retired = r.boolean("retired");
    return out;
}

Snapshot read_snapshot(const json& j, std::optional<MessageError>& error) {
    Reader r(j, "", error);
    Snapshot out;
    out.cursor = r.integer<std::int64_t>("cursor", 0, kMaxTime);
    out.server_time = r.integer<std::int64_t>("server_time", 0, kMaxTime);
    if (!r.failed())
        out.assignment = read_assignment(r.object_field("assignment"), "assignment", error);
    r.array("issuer_keys", [&](const json& e, const std::string& where) {
        out.issuer_keys.push_back(read_issuer_key(e, where, error));
    });
    r.array("tickets", [&](const json& e, const std::string& where) {
        out.tickets.push_back(read_ticket(e, where, error));
    });
    r.array("inside", [&](const json& e, const std::string& where) {
        out.inside.push_back(read_inside(e, where, error));
    });
    return out;
}

Change read_change(const json& j, const std::string& path, std::optional<MessageError>& error) {
    Reader r(j, path, error);
    Change out;
    out.seq = r.integer<std::int64_t>("seq", 1, kMaxTime);
    const std::string kind = r.text("kind");
    if (r.failed()) return out;
    if (kind == "ticket") {
        out.payload = read_ticket(r.object_field("ticket"), join(path, "ticket"), error);
    } else if (kind == "entry") {
        out.payload = read_inside(r.object_field("entry"), join(path, "entry"), error);
    } else if (kind == "issuer_key") {
        out.payload =
            read_issuer_key(r.object_field("issuer_key"), join(path, "issuer_key"), error);
    } else if (kind == "assignment") {
        out.payload =
            read_assignment(r.object_field("assignment"), join(path, "assignment"), error);
    } else {
        r.problem(join(path, "kind"),
                  "'" + kind + "' is not one of ticket, entry, issuer_key, assignment");
    }
    return out;
}

ChangesPage read_changes(const json& j, std::optional<MessageError>& error) {
    Reader r(j, "", error);
    ChangesPage out;
    out.cursor = r.integer<std::int64_t>("cursor", 0, kMaxTime);
    out.more = r.boolean("more");
    out.server_time = r.integer<std::int64_t>("server_time", 0, kMaxTime);
    r.array(
        "changes",
        [&](const json& e, const std::string& where) {
            out.changes.push_back(read_change(e, where, error));
        },
        kMaxChangesPerPage);
    if (r.failed()) return out;
    std::int64_t previous = 0;
    for (std::size_t i = 0; i < out.changes.size(); ++i) {
        const auto seq = out.changes[i].seq;
        if (seq <= previous) {
            r.problem(index_path("changes", i) + ".seq", "not above the previous change's seq");
            break;
        }
        if (seq > out.cursor) {
            r.problem(index_path("changes", i) + ".seq", "above the page's cursor");
            break;
        }
        previous = seq;
    }
    return out;
}

EntryRecord read_entry(const json& j, const std::string& path, std::optional<MessageError>& error) {
    Reader r(j, path, error);
    EntryRecord out;
    out.nonce = r.text("nonce");
    if (!r.failed() && !is_valid_nonce(out.nonce))
        r.problem(join(path, "nonce"), "not base64url of 16 bytes (22 characters)");
    out.ticket_id = r.optional_ticket_id("ticket_id");
    out.event_id = r.integer<std::uint32_t>("event_id");
    out.generation = r.integer<std::uint32_t>("generation");
    out.gate = r.text("gate");
    out.direction = r.choice<Direction>("direction", &direction_from_string, "in, out");
    out.verdict = r.choice<Verdict>("verdict", &verdict_from_string, "accepted, rejected");
    out.reason = r.text("reason");
    out.scanned_at = r.integer<std::int64_t>("scanned_at", 0, kMaxTime);
    out.clock_offset_ms = r.integer<std::int64_t>("clock_offset_ms");
    if (!r.failed() && out.verdict == Verdict::Accepted && !out.ticket_id)
        r.problem(join(path, "ticket_id"), "an accepted entry needs a ticket id");
    return out;
}

EntryBatch read_entry_batch(const json& j, std::optional<MessageError>& error) {
    Reader r(j, "", error);
    EntryBatch out;
    r.array(
        "entries",
        [&](const json& e, const std::string& where) {
            out.entries.push_back(read_entry(e, where, error));
        },
        kMaxEntriesPerBatch);
    return out;
}

IngestResult read_ingest_result(const json& j, std::optional<MessageError>& error) {
    Reader r(j, "", error);
    IngestResult out;
    auto nonces = [&](std::vector<std::string>& into) {
        return [&](const json& e, const std::string& where) {
            if (!e.is_string() || !is_valid_nonce(e.get_ref<const std::string&>())) {
                r.problem(where, "expected a nonce (base64url of 16 bytes)");
                return;
            }
            into.push_back(e.get<std::string>());
        };
    };
    r.array("stored", nonces(out.stored));
    r.array("duplicates", nonces(out.duplicates));
    r.array("conflicts", [&](const json& e, const std::string& where) {
        Reader c(e, where, error);
        IngestConflict conflict;
        conflict.nonce = c.text("nonce");
        conflict.ticket_id = c.ticket_id("ticket_id");
        conflict.other_gate = c.text("other_gate");
        out.conflicts.push_back(std::move(conflict));
    });
    return out;
}

SetupCode read_setup_code(const json& j, std::optional<MessageError>& error) {
    Reader r(j, "", error);
    SetupCode out;
    out.url = r.text("url");
    out.token = r.text("token");
    if (!r.failed() && !is_http_url(out.url))
        r.problem("url", "'" + out.url + "' is not an http:// or https:// URL");
    return out;
}

RegisterRequest read_register_request(const json& j, std::optional<MessageError>& error) {
    Reader r(j, "", error);
    RegisterRequest out;
    out.setup_token = r.text("setup_token");
    out.public_key = r.public_key("public_key");
    out.name = r.text("name", true);
    out.signature = r.signature("signature");
    return out;
}

RegisterResponse read_register_response(const json& j, std::optional<MessageError>& error) {
    Reader r(j, "", error);
    RegisterResponse out;
    out.device_id = r.integer<std::int64_t>("device_id");
    out.device_token = r.text("device_token");
    if (!r.failed())
        out.assignment = read_assignment(r.object_field("assignment"), "assignment", error);
    return out;
}

ApiError read_api_error(const json& j, std::optional<MessageError>& error) {
    Reader outer(j, "", error);
    ApiError out;
    if (outer.failed()) return out;
    Reader r(outer.object_field("error"), "error", error);
    out.code = r.text("code");
    out.message = r.has("message") ? r.text("message", true) : std::string{};
    return out;
}

template <class T, class Read>
Result<T, MessageError> finish(const json& j, Read&& read) {
    std::optional<MessageError> error;
    T value = read(j, error);
    if (error) return fail(std::move(*error));
    return value;
}

}  // namespace

// ---- from_json --------------------------------------------------------------------------

#define GATE_DEVICE_FROM_JSON(Type, reader)                                                   \
    template <>                                                                               \
    Result<Type, MessageError> from_json<Type>(const json& j) {                               \
        return finish<Type>(                                                                  \
            j, [](const json& value, std::optional<MessageError>& error) { return reader; }); \
    }

GATE_DEVICE_FROM_JSON(CheckinList, read_checkin_list(value, "", error))
GATE_DEVICE_FROM_JSON(EventInfo, read_event(value, "", error))
GATE_DEVICE_FROM_JSON(ChainAssignment, read_chain(value, "", error))
GATE_DEVICE_FROM_JSON(Assignment, read_assignment(value, "", error))
GATE_DEVICE_FROM_JSON(TicketRecord, read_ticket(value, "", error))
GATE_DEVICE_FROM_JSON(InsideRecord, read_inside(value, "", error))
GATE_DEVICE_FROM_JSON(IssuerKeyRecord, read_issuer_key(value, "", error))
GATE_DEVICE_FROM_JSON(Snapshot, read_snapshot(value, error))
GATE_DEVICE_FROM_JSON(Change, read_change(value, "", error))
GATE_DEVICE_FROM_JSON(ChangesPage, read_changes(value, error))
GATE_DEVICE_FROM_JSON(EntryRecord, read_entry(value, "", error))
GATE_DEVICE_FROM_JSON(EntryBatch, read_entry_batch(value, error))
GATE_DEVICE_FROM_JSON(IngestResult, read_ingest_result(value, error))
GATE_DEVICE_FROM_JSON(SetupCode, read_setup_code(value, error))
GATE_DEVICE_FROM_JSON(RegisterRequest, read_register_request(value, error))
GATE_DEVICE_FROM_JSON(RegisterResponse, read_register_response(value, error))
GATE_DEVICE_FROM_JSON(ApiError, read_api_error(value, error))

#undef GATE_DEVICE_FROM_JSON

template <class T>
Result<T, MessageError> parse_message(std::string_view body) {
    json parsed = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) return fail(MessageError{"", "body: not valid JSON"});
    return from_json<T>(parsed);
}

template Result<CheckinList, MessageError> parse_message<CheckinList>(std::string_view);
template Result<EventInfo, MessageError> parse_message<EventInfo>(std::string_view);
template Result<ChainAssignment, MessageError> parse_message<ChainAssignment>(std::string_view);
template Result<Assignment, MessageError> parse_message<Assignment>(std::string_view);
template Result<TicketRecord, MessageError> parse_message<TicketRecord>(std::string_view);
template Result<InsideRecord, MessageError> parse_message<InsideRecord>(std::string_view);
template Result<IssuerKeyRecord, MessageError> parse_message<IssuerKeyRecord>(std::string_view);
template Result<Snapshot, MessageError> parse_message<Snapshot>(std::string_view);
template Result<Change, MessageError> parse_message<Change>(std::string_view);
template Result<ChangesPage, MessageError> parse_message<ChangesPage>(std::string_view);
template Result<EntryRecord, MessageError> parse_message<EntryRecord>(std::string_view);
template Result<EntryBatch, MessageError> parse_message<EntryBatch>(std::string_view);
template Result<IngestResult, MessageError> parse_message<IngestResult>(std::string_view);
template Result<SetupCode, MessageError> parse_message<SetupCode>(std::string_view);
template Result<RegisterRequest, MessageError> parse_message<RegisterRequest>(std::string_view);
template Result<RegisterResponse, MessageError> parse_message<RegisterResponse>(std::string_view);
template Result<ApiError, MessageError> parse_message<ApiError>(std::string_view);

// ---- to_json ----------------------------------------------------------------------------

json to_json(const CheckinList& v) {
    json tiers = json::array();
    for (auto t : v.tiers)
        tiers.push_back(t);
    return {{"id", v.id},
            {"name", v.name},
            {"tiers", std::move(tiers)},
            {"reentry", to_string(v.reentry)},
            {"accept_unknown_tickets", v.accept_unknown_tickets}};
}

json to_json(const EventInfo& v) {
    return {{"id", v.id},
            {"name", v.name},
            {"starts_at", v.starts_at},
            {"ends_at", v.ends_at},
            {"status", to_string(v.status)}};
}

json to_json(const ChainAssignment& v) {
    return {{"rpc_url", v.rpc_url},
            {"validator", v.validator.to_base58()},
            {"validator_key_sealed", v.validator_key_sealed}};
}

json to_json(const Assignment& v) {
    json out = {{"device_id", v.device_id},
                {"event_id", v.event_id},
                {"gate", v.gate},
                {"checkin_list", to_json(v.checkin_list)},
                {"event", to_json(v.event)},
                {"server_time", v.server_time}};
    if (v.chain) out["chain"] = to_json(*v.chain);
    return out;
}

json to_json(const TicketRecord& v) {
    json out = {{"ticket_id", ticket_id_to_string(v.ticket_id)},
                {"tier", v.tier},
                {"generation", v.generation},
                {"status", to_string(v.status)}};
    if (v.mint) out["mint"] = v.mint->to_base58();
    return out;
}

json to_json(const InsideRecord& v) {
    return {{"ticket_id", ticket_id_to_string(v.ticket_id)},
            {"direction", to_string(v.direction)},
            {"at", v.at},
            {"gate", v.gate}};
}

json to_json(const IssuerKeyRecord& v) {
    return {
        {"public_key", v.public_key.to_base58()}, {"event_id", v.event_id}, {"retired", v.retired}};
}

json to_json(const Snapshot& v) {
    json keys = json::array(), tickets = json::array(), inside = json::array();
    for (const auto& k : v.issuer_keys)
        keys.push_back(to_json(k));
    for (const auto& t : v.tickets)
        tickets.push_back(to_json(t));
    for (const auto& i : v.inside)
        inside.push_back(to_json(i));
    return {{"cursor", v.cursor},
            {"server_time", v.server_time},
            {"assignment", to_json(v.assignment)},
            {"issuer_keys", std::move(keys)},
            {"tickets", std::move(tickets)},
            {"inside", std::move(inside)}};
}

json to_json(const Change& v) {
    json out = {{"seq", v.seq}, {"kind", to_string(v.kind())}};
    std::visit(
        [&](const auto& payload) {
            using P = std::decay_t<decltype(payload)>;
            if constexpr (std::is_same_v<P, TicketRecord>) out["ticket"] = to_json(payload);
            if constexpr (std::is_same_v<P, InsideRecord>) out["entry"] = to_json(payload);
            if constexpr (std::is_same_v<P, IssuerKeyRecord>) out["issuer_key"] = to_json(payload);
            if constexpr (std::is_same_v<P, Assignment>) out["assignment"] = to_json(payload);
        },
        v.payload);
    return out;
}

json to_json(const ChangesPage& v) {
    json changes = json::array();
    for (const auto& c : v.changes)
        changes.push_back(to_json(c));
    return {{"cursor", v.cursor},
            {"more", v.more},
            {"server_time", v.server_time},
            {"changes", std::move(changes)}};
}

json to_json(const EntryRecord& v) {
    return {{"nonce", v.nonce},
            {"ticket_id", v.ticket_id ? json(ticket_id_to_string(*v.ticket_id)) : json(nullptr)},
            {"event_id", v.event_id},
            {"generation", v.generation},
            {"gate", v.gate},
            {"direction", to_string(v.direction)},
            {"verdict", to_string(v.verdict)},
            {"reason", v.reason},
            {"scanned_at", v.scanned_at},
            {"clock_offset_ms", v.clock_offset_ms}};
}

json to_json(const EntryBatch& v) {
    json entries = json::array();
    for (const auto& e : v.entries)
        entries.push_back(to_json(e));
    return {{"entries", std::move(entries)}};
}

json to_json(const IngestConflict& v) {
    return {{"nonce", v.nonce},
            {"ticket_id", ticket_id_to_string(v.ticket_id)},
            {"other_gate", v.other_gate}};
}

json to_json(const IngestResult& v) {
    json conflicts = json::array();
    for (const auto& c : v.conflicts)
        conflicts.push_back(to_json(c));
    return {
        {"stored", v.stored}, {"duplicates", v.duplicates}, {"conflicts", std::move(conflicts)}};
}

json to_json(const SetupCode& v) {
    return {{"url", v.url}, {"token", v.token}};
}

json to_json(const RegisterRequest& v) {
    return {{"setup_token", v.setup_token},
            {"public_key", v.public_key.to_base58()},
            {"name", v.name},
            {"signature", v.signature.to_base58()}};
}

json to_json(const RegisterResponse& v) {
    return {{"device_id", v.device_id},
            {"device_token", v.device_token},
            {"assignment", to_json(v.assignment)}};
}

json to_json(const ApiError& v) {
    return {{"error", {{"code", v.code}, {"message", v.message}}}};
}

// ---- Setup codes ------------------------------------------------------------------------

Result<SetupCode, MessageError> parse_setup_code(std::string_view text) {
    // Scanned or pasted text may carry a trailing newline or spaces.
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
        text.remove_suffix(1);
    while (!text.empty() && text.front() == ' ')
        text.remove_prefix(1);
    if (!text.starts_with(kSetupCodePrefix))
        return fail(MessageError{"", "setup code: does not start with GATESETUP1:"});
    auto raw = codec::base64url_decode(text.substr(kSetupCodePrefix.size()));
    if (!raw) return fail(MessageError{"", "setup code: not base64url after GATESETUP1:"});
    const std::string body(raw->begin(), raw->end());
    auto code = parse_message<SetupCode>(body);
    if (!code) {
        auto error = code.error();
        error.message = "setup code: " + error.message;
        return fail(std::move(error));
    }
    return code;
}

std::string format_setup_code(const SetupCode& code) {
    return std::string(kSetupCodePrefix) + codec::base64url_encode(as_bytes(to_json(code).dump()));
}

std::string register_signing_input(std::string_view setup_token) {
    return std::string(kRegisterSignatureDomain) + std::string(setup_token);
}

}  // namespace gate::domain
