#include "log/RecordFormat.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "gate/log/Redaction.h"

namespace gate::log::detail {

namespace {

void append_padded(std::string& out, long long value, int width) {
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
    for (auto n = end - digits; n < width; ++n)
        out += '0';
    out.append(digits, end);
}

template <class Number>
void append_number(std::string& out, Number value) {
    char digits[32];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
    out.append(digits, end);
}

// Text values are quoted when a reader could not tell where they end.
bool needs_quotes(std::string_view text) {
    if (text.empty()) return true;
    for (char c : text) {
        if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20 ||
            c == 0x7f) {
            return true;
        }
    }
    return false;
}

// Control characters are escaped so a record stays on one line whatever it holds.
void append_escaped(std::string& out, std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    for (char c : text) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
                    auto byte = static_cast<unsigned char>(c);
                    out += "\\x";
                    out += hex[byte >> 4];
                    out += hex[byte & 0x0f];
                } else {
                    out += c;
                }
        }
    }
}

void append_text_value(std::string& out, const Field& field) {
    if (is_secret_key(field.key)) {
        out += redacted_value;
        return;
    }
    std::visit(
        [&](const auto& value) {
            using T = std::decay_t<decltype(value)>;
            if constexpr (std::is_same_v<T, bool>) {
                out += value ? "true" : "false";
            } else if constexpr (std::is_same_v<T, std::string_view>) {
                if (needs_quotes(value)) {
                    out += '"';
                    append_escaped(out, value);
                    out += '"';
                } else {
                    out += value;
                }
            } else {
                append_number(out, value);
            }
        },
        field.value);
}

std::string upper_level(Level level) {
    std::string name(to_string(level));
    for (char& c : name)
        c = static_cast<char>(c - 'a' + 'A');
    return name;
}

}  // namespace

std::string format_timestamp(std::chrono::system_clock::time_point time) {
    using namespace std::chrono;
    const auto ms = floor<milliseconds>(time);
    const auto day = floor<days>(ms);
    const year_month_day date{day};
    const hh_mm_ss clock{ms - day};
    std::string out;
    out.reserve(24);
    append_padded(out, static_cast<int>(date.year()), 4);
    out += '-';
    append_padded(out, static_cast<unsigned>(date.month()), 2);
    out += '-';
    append_padded(out, static_cast<unsigned>(date.day()), 2);
    out += 'T';
    append_padded(out, clock.hours().count(), 2);
    out += ':';
    append_padded(out, clock.minutes().count(), 2);
    out += ':';
    append_padded(out, clock.seconds().count(), 2);
    out += '.';
    append_padded(out, clock.subseconds().count(), 3);
    out += 'Z';
    return out;
}

std::string format_json(const Record& record) {
    // ordered_json keeps the fixed keys first, in the order people read them.
    nlohmann::ordered_json fields = nlohmann::ordered_json::object();
    for (const Field& field : record.fields) {
        std::string key(field.key);
        if (is_secret_key(field.key)) {
            fields[key] = redacted_value;
            continue;
        }
        std::visit(
            [&](const auto& value) {
                using T = std::decay_t<decltype(value)>;
                if constexpr (std::is_same_v<T, std::string_view>) {
                    fields[key] = std::string(value);
                } else {
                    fields[key] = value;
                }
            },
            field.value);
    }
    nlohmann::ordered_json line{{"ts", format_timestamp(record.time)},
                                {"level", to_string(record.level)},
                                {"component", record.component},
                                {"msg", record.message},
                                {"fields", std::move(fields)}};
    return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string format_text(const Record& record) {
    std::string out = format_timestamp(record.time);
    out += ' ';
    std::string level = upper_level(record.level);
    out += level;
    out.append(level.size() < 5 ? 5 - level.size() : 0, ' ');
    out += ' ';
    append_escaped(out, record.component);
    out += ": ";
    append_escaped(out, record.message);
    for (const Field& field : record.fields) {
        out += ' ';
        append_escaped(out, field.key);
        out += '=';
        append_text_value(out, field);
    }
    return out;
}

}  // namespace gate::log::detail
