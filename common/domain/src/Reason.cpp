#include "gate/domain/Reason.h"

#include <array>
#include <utility>

namespace gate::domain::reason {

std::string_view plain_words(std::string_view reason) noexcept {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 32> kWords = {{
        {"malformed.empty", "Empty code - scan again"},
        {"malformed.too_long", "Not a ticket (code too long)"},
        {"malformed.prefix", "Not a ticket code"},
        {"malformed.encoding", "Damaged ticket code"},
        {"malformed.length", "Damaged ticket code"},
        {"malformed.version", "Ticket format not supported - update the scanner"},
        {"malformed.window", "Invalid ticket (bad dates)"},
        {"signature.unknown_key", "Not issued for this event (unknown issuer)"},
        {"signature.key_retired", "Issued with a withdrawn key"},
        {"signature.key_wrong_event", "Ticket for another event"},
        {"signature.invalid", "Forged or altered ticket"},
        {"signature.holder_invalid", "Forged live code"},
        {kWrongEvent, "Ticket for another event"},
        {kEventCancelled, "Event was cancelled"},
        {kRevoked, "Ticket was cancelled"},
        {kFrozen, "Ticket is on hold - send to the box office"},
        {kSuperseded, "Old copy - ticket was transferred"},
        {kRotatingRequired, "Show the live code from the ticket page"},
        {kPassSuperseded, "Old phone - ticket moved to another device"},
        {kPassExpired, "Live code expired - open the ticket online"},
        {kStale, "Screenshot - show the live code"},
        {kNotYetValid, "Not valid yet"},
        {kExpired, "Ticket has expired"},
        {kTierNotAllowed, "Wrong entrance for this ticket type"},
        {kAlreadyInside, "Already inside"},
        {kAlreadyUsed, "Already used - no re-entry"},
        {kNotInside, "Exit without entry"},
        {kUnknownTicket, "Ticket not on the guest list"},
        {kOk, "Welcome"},
        {kRecordFailed, "Could not save - scan again"},
        {kNotProvisioned, "Scanner not set up - run provision"},
        {kCacheTampered, "Scanner data altered - call supervisor"},
    }};
    for (const auto& [code, words] : kWords)
        if (code == reason) return words;
    return "Not accepted";
}

}  // namespace gate::domain::reason
